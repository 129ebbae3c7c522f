"""The browser form of a new rule version. It validates input; the service writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import BusinessDateField, CountyChoiceField, DateInput
from pooling.rules.catalogue import RULES
from pooling.structure.models import County


def rule_choices() -> list[tuple[str, str]]:
    return [(key, f"{spec.label} [{key}]") for key, spec in RULES.items()]


class PolicyRuleForm(forms.Form):
    key = forms.ChoiceField(label=_("Rule"), choices=rule_choices)
    county = CountyChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("Only for a county's own value before its accession; empty for the city."),
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=20,
        decimal_places=6,
        help_text=_("Rates are fractions: write 0.074 for 7.4 per cent."),
    )
    effective_from = BusinessDateField(label=_("Effective from"), widget=DateInput())
    effective_to = BusinessDateField(label=_("Effective until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value < 0:
            raise ValidationError(_("A rule value cannot be negative."), code="negative")
        return value
