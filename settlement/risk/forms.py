"""The risk dashboard (issue 8 item 7): for one fund, every county's and the city level's
balance and months of spending covered over time, as inline SVG charts (``settlement.charts``)
and a table with the level of the last month. County officers see only their county; the city
level row and other counties are for city staff and auditors."""

from django import forms
from django.utils.translation import gettext_lazy

from funds.ledger.models import FundType
from pooling.core.money import parse_month
from pooling.structure.models import County


class MonthField(forms.Field):
    """A ``YYYY-MM`` month, cleaned to its first day."""

    widget = forms.TextInput(attrs={"maxlength": 7, "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = (value or "").strip()
        return parse_month(value) if value else None


class RiskFilterForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=gettext_lazy("Fund"), queryset=FundType.objects.order_by("code"), to_field_name="code"
    )
    month = MonthField(label=gettext_lazy("Last month (YYYY-MM)"))
    months = forms.IntegerField(
        label=gettext_lazy("Months shown"), min_value=2, max_value=36, initial=12
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
