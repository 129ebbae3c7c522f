"""Forms of the resident enrollment pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.residents.models import AssistedGroup, Payer, ResidentCategory
from pooling.core.forms import BusinessDateField, DateInput, UploadFileField

YEAR_FIELD = {"min_value": 2000, "max_value": 2100}


class ResidentEnrollForm(forms.Form):
    """The resident is typed by resident ID number and looked up within the user's scope."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    benefit_year = forms.IntegerField(label=_("Benefit year"), **YEAR_FIELD)
    category = forms.ChoiceField(label=_("Category"), choices=ResidentCategory.choices)
    assisted_group = forms.ChoiceField(
        label=_("Assisted group"), choices=AssistedGroup.choices, initial=AssistedGroup.NONE
    )
    payer = forms.ChoiceField(label=_("Payer"), choices=Payer.choices, initial=Payer.SELF)
    enrolled_on = BusinessDateField(label=_("Enrolled on"), widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self._people = people

    def clean_id_number(self):
        id_number = self.cleaned_data["id_number"].strip().upper()
        person = self._people.filter(id_number=id_number).first()
        if person is None:
            raise forms.ValidationError(_("No insured person with this ID number that you see."))
        self.cleaned_data["person"] = person
        return id_number


class ResidentImportForm(forms.Form):
    file = UploadFileField(label=_("CSV or XLSX file"))
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )


class BenefitYearForm(forms.Form):
    benefit_year = forms.IntegerField(label=_("Benefit year"), **YEAR_FIELD)


class ClaimFreeForm(forms.Form):
    claim_free = forms.TypedChoiceField(
        label=_("Fund payments in this year"),
        choices=[("1", _("none: the year was claim-free")), ("0", _("some"))],
        coerce=lambda value: value == "1",
    )
