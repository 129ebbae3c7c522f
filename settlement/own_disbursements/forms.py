"""Form of a tiered county's own disbursement (``own_disbursement_post``)."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.ledger.selectors import fund_types
from pooling.core.forms import BusinessDateField, DateInput
from pooling.structure.models import County

POOLED_FUND = "310100"


class OwnDisbursementForm(forms.Form):
    """County, fund, amount, date and memo of one disbursement. ``request_key`` is generated
    when the form is shown and travels hidden, so a double submit is booked once."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    fund_code = forms.ChoiceField(label=_("Fund"))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    on = BusinessDateField(label=_("Date"), widget=DateInput())
    memo = forms.CharField(label=_("Memo"), max_length=300, required=False)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, counties, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("request_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["fund_code"].choices = [
            (fund.code, f"{fund.code} {fund.name}") for fund in fund_types()
        ]
        self.fields["fund_code"].initial = POOLED_FUND
