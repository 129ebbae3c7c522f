"""Forms of the designated-institution pages; the services validate, the forms show errors
next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import BusinessDateField, DateInput, YearField
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.structure.models import County
from settlement.institutions.models import DesignatedInstitution, InstitutionReview

_DATE = DateInput()


class InstitutionAdmitForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=DesignatedInstitution.Kind.choices)
    code = forms.CharField(
        label=_("Institution code"),
        max_length=12,
        help_text=_(
            "Hospital: H + county code + 5-digit sequence (H37081100001); pharmacy: P + county "
            "code + 5-digit sequence (P37081100001)."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=DesignatedInstitution.Level.choices)
    agreement_from = BusinessDateField(label=_("Agreement from"), widget=_DATE)
    agreement_to = BusinessDateField(label=_("Agreement to"), widget=_DATE)
    admitted_on = BusinessDateField(label=_("Admitted on"), widget=_DATE)
    notes = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class InstitutionUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=DesignatedInstitution.Level.choices)
    agreement_from = BusinessDateField(label=_("Agreement from"), widget=_DATE)
    agreement_to = BusinessDateField(label=_("Agreement to"), widget=_DATE)
    status = forms.ChoiceField(label=_("Status"), choices=DesignatedInstitution.Status.choices)


class InstitutionReviewForm(forms.Form):
    year = YearField(label=_("Year reviewed"))
    reviewed_on = BusinessDateField(label=_("Reviewed on"), widget=_DATE)
    result = forms.ChoiceField(label=_("Result"), choices=InstitutionReview.Result.choices)
    notes = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the review fails; a failed review suspends the institution."),
    )
