"""The form of a new benefit-standard version; the service validates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import Scheme
from pooling.core.forms import DateInput
from settlement.benefits.standards.models import (
    InstitutionLevel,
    MedicalType,
    PersonCategory,
    Referral,
    SegmentFund,
)


def _money(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, min_value=0, **kwargs)


def _ratio(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=1,
        help_text=_("0.85 is 85 %."),
        **kwargs,
    )


class BenefitStandardForm(forms.Form):
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    person_category = forms.ChoiceField(label=_("Person category"), choices=PersonCategory.choices)
    institution_level = forms.ChoiceField(
        label=_("Institution level"), choices=InstitutionLevel.choices
    )
    medical_type = forms.ChoiceField(label=_("Medical type"), choices=MedicalType.choices)
    referral = forms.ChoiceField(label=_("Referral"), choices=Referral.choices)
    deductible = _money(_("Deductible per admission"))
    deductible_repeat = _money(
        _("Deductible from the second admission"),
        required=False,
        help_text=_("Leave empty when every admission bears the same deductible."),
    )
    payment_ratio = _ratio(_("Fund payment ratio"))
    annual_ceiling = _money(_("Annual ceiling of the basic fund"))
    segment_fund = forms.ChoiceField(
        label=_("Fund above the ceiling"), choices=SegmentFund.choices, initial=SegmentFund.NONE
    )
    segment_ratio = _ratio(_("Payment ratio above the ceiling"), initial=0)
    segment_ceiling = _money(_("Annual ceiling above the basic fund"), initial=0)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    effective_to = forms.DateField(label=_("Effective until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
