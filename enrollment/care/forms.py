"""Forms of the outpatient specified-disease and out-of-area filing pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.care.models import OutOfAreaFiling, SpecifiedDisease
from pooling.core.forms import BusinessDateField, DateInput
from pooling.core.periods import TEXT_MAX_LENGTH

_DATE = DateInput()
_DECISION = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class _PersonByIdNumber(forms.Form):
    """The person is typed by resident ID number and looked up within the user's scope."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)

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


class SpecifiedDiseaseForm(forms.Form):
    code = forms.CharField(label=_("Disease code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)


class DiseaseApplicationForm(_PersonByIdNumber):
    disease = forms.ModelChoiceField(label=_("Disease"), queryset=SpecifiedDisease.objects.none())
    applied_on = BusinessDateField(label=_("Applied on"), widget=_DATE)

    def __init__(self, *args, diseases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disease"].queryset = diseases


class DiseaseAssessForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=_DECISION)
    approved_from = BusinessDateField(label=_("Approved from"), widget=_DATE, required=False)
    refusal_reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutOfAreaFilingForm(_PersonByIdNumber):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutOfAreaFiling.Kind.choices)
    destination = forms.CharField(label=_("Where"), max_length=200)
    reason = forms.CharField(label=_("Why"), max_length=300)
    valid_from = BusinessDateField(label=_("From"), widget=_DATE)
    valid_to = BusinessDateField(label=_("To"), widget=_DATE)


class FilingDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=_DECISION)
    refusal_reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
