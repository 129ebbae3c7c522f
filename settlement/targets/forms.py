"""Forms of the year-end pages: a county's targets, the year of a report or a run."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.structure.models import County
from settlement.yearend.forms import MIN_AMOUNT


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class CountyTargetForm(forms.Form):
    """The four targets the city sets a county for a year (Z 四(八))."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    enrollment_target = forms.IntegerField(
        label=_("Enrollment target (insured people at year end)"), min_value=1
    )
    collection_target = forms.DecimalField(
        label=_("Collection target (yuan)"), max_digits=18, decimal_places=2, min_value=MIN_AMOUNT
    )
    revenue_plan = forms.DecimalField(
        label=_("Revenue plan (yuan)"), max_digits=18, decimal_places=2, min_value=MIN_AMOUNT
    )
    expenditure_plan = forms.DecimalField(
        label=_("Expenditure plan (yuan)"), max_digits=18, decimal_places=2, min_value=MIN_AMOUNT
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
