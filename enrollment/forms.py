"""Browser forms of enrollment. They validate input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.contributions import TopUpCase
from enrollment.models import Employer, InsuredPerson, Scope
from enrollment.services import BaseFileKind
from enrollment.validators import validate_credit_code, validate_resident_id
from pooling.forms import CountyChoiceField, DateInput
from pooling.models import County
from pooling.money import parse_month


class MonthField(forms.CharField):
    """A month typed as YYYY-MM, cleaned to the date of its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        kwargs.setdefault("help_text", _("YYYY-MM"))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None


class _Scoped(forms.Form):
    def __init__(self, *args, counties, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "county" in self.fields:
            self.fields["county"].queryset = counties
        if "employer" in self.fields and employers is not None:
            self.fields["employer"].queryset = employers


class EmployerForm(_Scoped):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Unit type"), choices=Employer.UnitType.choices)

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()


class EmployerUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Unit type"), choices=Employer.UnitType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Employer.Status.choices)
    bankruptcy_date = forms.DateField(
        label=_("Bankruptcy date"), required=False, widget=DateInput()
    )


class PersonForm(_Scoped):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    id_number = forms.CharField(
        label=_("Resident ID number"), max_length=18, validators=[validate_resident_id]
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), required=False
    )
    from_month = MonthField(label=_("Insured from month"))
    first_enrollment = forms.BooleanField(
        label=_("First enrollment (a flexible worker waits for paid months)"), required=False
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class EpisodeForm(_Scoped):
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Employer.objects.none(), required=False
    )
    from_month = MonthField(label=_("From month"))
    to_month = MonthField(label=_("To month"), required=False)
    first_enrollment = forms.BooleanField(label=_("First enrollment"), required=False)


class PersonStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InsuredPerson.Status.choices)


class ContributionBaseForm(forms.Form):
    year = forms.IntegerField(label=_("Contribution year"), min_value=2000, max_value=2100)
    yearly_wage = forms.DecimalField(
        label=_("Last year's wage"), max_digits=18, decimal_places=2, min_value=0
    )


class EmployerPayrollForm(forms.Form):
    year = forms.IntegerField(label=_("Contribution year"), min_value=2000, max_value=2100)
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
    file = forms.FileField(label=_("CSV or XLSX file"))
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )


class CollectionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tax bureau collection file (CSV or XLSX: payer_code, month, amount)")
    )


class AssessmentRunForm(forms.Form):
    month = MonthField(label=_("Month"))


class RulesMonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class TopUpForm(forms.Form):
    case = forms.ChoiceField(label=_("Case"), choices=TopUpCase.CHOICES)
    on = forms.DateField(label=_("Date of payment"), widget=DateInput())
    months_paid = forms.IntegerField(
        label=_("Months actually paid"), min_value=0, required=False, initial=0
    )
    last_base = forms.DecimalField(
        label=_("Last monthly contribution base"), decimal_places=2, required=False
    )
    last_pension = forms.DecimalField(
        label=_("Last month's pension"), decimal_places=2, required=False
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    bankruptcy_date = forms.DateField(
        label=_("Bankruptcy date"), required=False, widget=DateInput()
    )

    def clean_months_paid(self):
        return self.cleaned_data.get("months_paid") or 0
