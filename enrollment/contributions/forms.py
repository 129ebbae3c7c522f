"""Browser forms of contributions: declared wages and payrolls, base files, the month to
assess or to show the rules of, and the top-up calculator. They validate input; services do
the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.contributions.services import BaseFileKind
from enrollment.contributions.top_ups import TopUpCase
from pooling.core.forms import BusinessDateField, DateInput, MonthField, UploadFileField, YearField
from pooling.core.periods import INTEGER_MAX


class ContributionBaseForm(forms.Form):
    year = YearField(label=_("Contribution year"))
    yearly_wage = forms.DecimalField(
        label=_("Last year's wage"), max_digits=18, decimal_places=2, min_value=0
    )


class EmployerPayrollForm(forms.Form):
    year = YearField(label=_("Contribution year"))
    total_payroll = forms.DecimalField(
        label=_("Last year's total payroll"), max_digits=18, decimal_places=2, min_value=0
    )


class BaseUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("File contents"),
        choices=[
            (BaseFileKind.WAGES, _("employees' wages: credit_code, id_number, year, wage")),
            (BaseFileKind.PAYROLL, _("employers' payrolls: credit_code, year, payroll")),
        ],
    )
    file = UploadFileField(label=_("CSV or XLSX file"))
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )


class AssessmentRunForm(forms.Form):
    month = MonthField(label=_("Month"))


class RulesMonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class TopUpForm(forms.Form):
    case = forms.ChoiceField(label=_("Case"), choices=TopUpCase.CHOICES)
    on = BusinessDateField(label=_("Date of payment"), widget=DateInput())
    months_paid = forms.IntegerField(
        label=_("Months actually paid"),
        min_value=0,
        max_value=INTEGER_MAX,
        required=False,
        initial=0,
    )
    last_base = forms.DecimalField(
        label=_("Last monthly contribution base"), decimal_places=2, required=False
    )
    last_pension = forms.DecimalField(
        label=_("Last month's pension"), decimal_places=2, required=False
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    bankruptcy_date = BusinessDateField(
        label=_("Bankruptcy date"), required=False, widget=DateInput()
    )

    def clean_months_paid(self):
        return self.cleaned_data.get("months_paid") or 0
