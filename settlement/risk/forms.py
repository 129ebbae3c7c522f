"""The risk dashboard's filter: the fund, the last month and how many months to show, and a
county (all the user may see when none)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.forms import MonthField
from pooling.structure.models import County

DEFAULT_FUND = "310100"


class RiskFilterForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("Fund"), queryset=FundType.objects.order_by("code"), to_field_name="code"
    )
    month = MonthField(label=_("Last month (YYYY-MM)"))
    months = forms.IntegerField(label=_("Months shown"), min_value=2, max_value=36, initial=12)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    @classmethod
    def from_query(cls, query, *, counties) -> "RiskFilterForm":
        """The form bound to a page's query, the pooled fund's last twelve months up to this
        month where it asks for nothing."""
        data = query.copy()
        data.setdefault("fund", DEFAULT_FUND)
        data.setdefault("month", timezone.localdate().strftime("%Y-%m"))
        data.setdefault("months", "12")
        return cls(data, counties=counties)
