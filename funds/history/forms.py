"""Forms of the historical-balance and release pages (N 三(四)5)."""

import datetime
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from funds.history.services import DepositInput
from funds.ledger.models import FundType
from pooling.core.forms import BusinessDateField, DateInput
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.structure.models import County

DEPOSIT_ROWS = 4


def _money(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, **kwargs)


class HistoricalBalanceForm(forms.Form):
    """A county's balance at the cut-over date: the demand deposit and up to four time
    deposits (amount, maturity date, bank, reference); blank deposit rows are ignored."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    fund_type = forms.ModelChoiceField(label=_("Fund"), queryset=FundType.objects.order_by("code"))
    cutover_date = BusinessDateField(
        label=_("Cut-over date"),
        initial=datetime.date(2019, 12, 31),
        widget=DateInput(),
    )
    demand_deposit = _money(_("Demand deposit (yuan)"), min_value=0)

    def __init__(self, *args, counties: QuerySet[County], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties.order_by("code")
        for row in range(DEPOSIT_ROWS):
            number = row + 1
            self.fields[f"deposit_{row}_amount"] = _money(
                _("Time deposit %(n)s: amount") % {"n": number},
                min_value=Decimal("0.01"),
                required=False,
            )
            self.fields[f"deposit_{row}_maturity"] = forms.DateField(
                label=_("Time deposit %(n)s: maturity date") % {"n": number},
                required=False,
                widget=DateInput(),
            )
            self.fields[f"deposit_{row}_bank"] = forms.CharField(
                label=_("Time deposit %(n)s: bank") % {"n": number},
                max_length=100,
                required=False,
            )
            self.fields[f"deposit_{row}_reference"] = forms.CharField(
                label=_("Time deposit %(n)s: reference") % {"n": number},
                max_length=60,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for row in range(DEPOSIT_ROWS):
            amount = cleaned.get(f"deposit_{row}_amount")
            maturity = cleaned.get(f"deposit_{row}_maturity")
            bank = (cleaned.get(f"deposit_{row}_bank") or "").strip()
            if amount is None and maturity is None and not bank:
                continue
            if amount is None:
                self.add_error(f"deposit_{row}_amount", _("Enter the deposit's amount."))
            if maturity is None:
                self.add_error(f"deposit_{row}_maturity", _("Enter the maturity date."))
            if not bank:
                self.add_error(f"deposit_{row}_bank", _("Enter the bank."))
        return cleaned

    def deposits(self) -> list[DepositInput]:
        rows = []
        for row in range(DEPOSIT_ROWS):
            amount = self.cleaned_data.get(f"deposit_{row}_amount")
            if amount is None:
                continue
            rows.append(
                DepositInput(
                    amount=amount,
                    maturity_date=self.cleaned_data[f"deposit_{row}_maturity"],
                    bank=self.cleaned_data[f"deposit_{row}_bank"],
                    reference=self.cleaned_data.get(f"deposit_{row}_reference") or "",
                )
            )
        return rows


class ReleaseForm(forms.Form):
    amount = _money(_("Amount to release (yuan)"), min_value=Decimal("0.01"))
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
