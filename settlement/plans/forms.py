"""Forms of the usage-plan pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from settlement.cycle.forms import MonthField
from settlement.plans.models import PlanPurpose
from settlement.plans.services import PlanLineInput


class UsagePlanForm(forms.Form):
    month = MonthField(label=_("Month"), help_text=_("The month the plan pays for, YYYY-MM."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class UsagePlanLineForm(forms.Form):
    fund_type = forms.ModelChoiceField(
        label=_("Fund"), queryset=FundType.objects.order_by("code"), required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PlanPurpose.choices, required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=18, decimal_places=2, min_value=0, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") and not cleaned.get("fund_type"):
            self.add_error("fund_type", _("Choose the fund of this line."))
        if cleaned.get("amount") and not cleaned.get("purpose"):
            self.add_error("purpose", _("Choose the purpose of this line."))
        return cleaned

    def as_line(self) -> PlanLineInput | None:
        data = self.cleaned_data
        if not data.get("amount"):
            return None
        return PlanLineInput(
            fund_type=data["fund_type"], purpose=data["purpose"], amount=data["amount"]
        )


UsagePlanLineFormSet = forms.formset_factory(UsagePlanLineForm, extra=4, max_num=20)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=300)


class MonthChoiceForm(forms.Form):
    month = MonthField(label=_("Month"))


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
