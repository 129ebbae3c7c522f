"""Forms of the budget and quota pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.budgets.models import INCOME_LINES, BudgetLineCode
from funds.ledger.models import FundType
from pooling.core.forms import YearField
from pooling.structure.models import County


class BudgetDraftForm(forms.Form):
    """A fund's annual budget with one amount per standard line (DOMAIN §11)."""

    year = YearField(label=_("Year"))
    fund_type = forms.ModelChoiceField(label=_("Fund"), queryset=FundType.objects.order_by("code"))

    def __init__(self, *args, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in BudgetLineCode.choices:
            self.fields[f"line_{code}"] = forms.DecimalField(
                label=label,
                max_digits=18,
                decimal_places=2,
                min_value=0,
                required=False,
                help_text=_("income") if code in INCOME_LINES else _("expenditure"),
            )
        if fixed:
            # Editing a draft: its year and fund stay as they are.
            self.fields["year"].disabled = True
            self.fields["fund_type"].disabled = True

    def lines(self) -> dict:
        """The entered lines, code → amount; blank lines are left out."""
        return {
            code: self.cleaned_data[f"line_{code}"]
            for code in BudgetLineCode.values
            if self.cleaned_data.get(f"line_{code}") is not None
        }


class QuotaForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    amount = forms.DecimalField(
        label=_("Quota (yuan)"), max_digits=18, decimal_places=2, min_value=0
    )

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.filter(municipality=municipality).order_by(
            "code"
        )
