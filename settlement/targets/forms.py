"""Forms of the year-end pages: the year of a report or a run, and a county's targets."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import YearField
from pooling.core.money import FEN, MONEY_MAX_DIGITS
from pooling.core.periods import INTEGER_MAX
from pooling.structure.models import County


def default_year() -> int:
    """The year just ended: year-end work is done in the months after it."""
    return timezone.localdate().year - 1


class YearForm(forms.Form):
    """The year a year-end page shows."""

    year = YearField(label=_("Year"))

    @classmethod
    def from_query(cls, query) -> "YearForm":
        """The form bound to the year a page's query asks for, the year just ended when it
        asks for none."""
        return cls({"year": query.get("year") or str(default_year())})

    @property
    def chosen_year(self) -> int | None:
        """The year asked for, or None when it is not valid (the form shows why)."""
        return self.cleaned_data["year"] if self.is_valid() else None


def _yuan(label):
    return forms.DecimalField(
        label=label, max_digits=MONEY_MAX_DIGITS, decimal_places=2, min_value=FEN
    )


class CountyTargetForm(forms.Form):
    """The four targets the city sets a county for a year (Z 四(八))."""

    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    year = YearField(label=_("Year"))
    enrollment_target = forms.IntegerField(
        label=_("Enrollment target (insured people at year end)"),
        min_value=1,
        max_value=INTEGER_MAX,
    )
    collection_target = _yuan(_("Collection target (yuan)"))
    revenue_plan = _yuan(_("Revenue plan (yuan)"))
    expenditure_plan = _yuan(_("Expenditure plan (yuan)"))

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
