"""Forms of the annual expenditure plan pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import FundType
from settlement.plans import PlanLineInput


class AnnualPlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class AnnualPlanLineForm(forms.Form):
    fund_type = forms.ModelChoiceField(
        label=_("Fund"), queryset=FundType.objects.order_by("code"), required=False
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") and not cleaned.get("fund_type"):
            self.add_error("fund_type", _("Choose the fund of this line."))
        return cleaned

    def as_line(self) -> PlanLineInput | None:
        data = self.cleaned_data
        if not data.get("amount"):
            return None
        return PlanLineInput(fund_type=data["fund_type"], amount=data["amount"])


AnnualPlanLineFormSet = forms.formset_factory(AnnualPlanLineForm, extra=3, max_num=20)
