"""Browser forms of employers, insured people and their episodes. They validate input;
services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import Employer, InsuredPerson, Scope
from enrollment.people.validators import validate_credit_code, validate_resident_id
from pooling.core.forms import BusinessDateField, CountyChoiceField, DateInput, MonthField
from pooling.structure.models import County


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
    bankruptcy_date = BusinessDateField(
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
