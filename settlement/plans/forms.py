"""Forms of the plan pages: a plan's header with its lines, and the reason of a return."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.forms import MonthField, YearField
from settlement.plans.models import PlanPurpose
from settlement.plans.services import PlanLineInput


class PlanLineForm(forms.Form):
    """One line of a plan; a line without an amount is left out."""

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
        return PlanLineInput(
            fund_type=data["fund_type"], amount=data["amount"], purpose=data.get("purpose", "")
        )


class UsagePlanLineForm(PlanLineForm):
    """A usage-plan line also names what it pays for."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=PlanPurpose.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") and not cleaned.get("purpose"):
            self.add_error("purpose", _("Choose the purpose of this line."))
        return cleaned


class _PlanForm(forms.Form):
    """A plan's header fields with its lines (``lines``, a formset on the same data); valid
    when both are."""

    line_formset: type[forms.BaseFormSet]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.lines = self.line_formset(data)

    def is_valid(self) -> bool:
        header, lines = super().is_valid(), self.lines.is_valid()
        return header and lines

    def plan_lines(self) -> list[PlanLineInput]:
        return [line for line in (form.as_line() for form in self.lines) if line]


class AnnualPlanForm(_PlanForm):
    year = YearField(label=_("Year"))

    line_formset = forms.formset_factory(PlanLineForm, extra=3, max_num=20)


class UsagePlanForm(_PlanForm):
    month = MonthField(label=_("Month"), help_text=_("The month the plan pays for, YYYY-MM."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    line_formset = forms.formset_factory(UsagePlanLineForm, extra=4, max_num=20)


class ConsolidationForm(forms.Form):
    """The month the consolidation page shows, posted back by its button."""

    month = MonthField(widget=forms.HiddenInput)
