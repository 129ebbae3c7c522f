"""The final-accounts filter: year, month range, fund and (optionally) one county."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funds.ledger.models import FundType
from pooling.core.forms import YearField
from pooling.structure.models import County


class FinalAccountsFilterForm(forms.Form):
    """Year, month range, fund and (optionally) one county."""

    year = YearField(label=gettext_lazy("Year"))
    month_from = forms.IntegerField(
        label=gettext_lazy("From month"), min_value=1, max_value=12, required=False
    )
    month_to = forms.IntegerField(
        label=gettext_lazy("To month"), min_value=1, max_value=12, required=False
    )
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Fund"), queryset=FundType.objects.order_by("code"), to_field_name="code"
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    def clean(self):
        data = super().clean()
        first, last = data.get("month_from") or 1, data.get("month_to") or 12
        if first > last:
            self.add_error("month_to", _("The last month comes before the first."))
        data["month_from"], data["month_to"] = first, last
        return data
