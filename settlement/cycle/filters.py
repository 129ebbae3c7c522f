"""Filters of the cycle pages and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.filters import ScopedFilterSet, YearFilter
from settlement.cycle.models import MonthlyCycle, RemittanceLine


class CycleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MonthlyCycle.Status.choices, label=_("Status"))
    year = YearFilter(field_name="month", lookup_expr="year")

    class Meta:
        model = MonthlyCycle
        fields = ["status", "year"]


class RemittanceLineFilter(ScopedFilterSet):
    month = django_filters.DateFilter(field_name="cycle__month", label=_("Month (first day)"))
    fund_type = django_filters.ModelChoiceFilter(queryset=FundType.objects.all(), label=_("Fund"))
    # Declared, not generated from the model: a generated label is built once, in the
    # language active when the class is first used, and stayed English on Chinese pages.
    stage = django_filters.ChoiceFilter(choices=RemittanceLine.Stage.choices, label=_("Stage"))

    class Meta:
        model = RemittanceLine
        fields = ["county", "fund_type", "stage", "month"]
