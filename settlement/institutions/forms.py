"""Forms of the designated-institution pages; the services validate, the forms show errors
next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import DateInput
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
    agreement_from = forms.DateField(label=_("Agreement from"), widget=_DATE)
    agreement_to = forms.DateField(label=_("Agreement to"), widget=_DATE)
    admitted_on = forms.DateField(label=_("Admitted on"), widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class InstitutionUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=DesignatedInstitution.Level.choices)
    agreement_from = forms.DateField(label=_("Agreement from"), widget=_DATE)
    agreement_to = forms.DateField(label=_("Agreement to"), widget=_DATE)
    status = forms.ChoiceField(label=_("Status"), choices=DesignatedInstitution.Status.choices)


class InstitutionReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year reviewed"), min_value=2000, max_value=2100)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=_DATE)
    result = forms.ChoiceField(label=_("Result"), choices=InstitutionReview.Result.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the review fails; a failed review suspends the institution."),
    )
