"""Filters of the plan API: annual plans, usage plans and city monthly plans."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.core.filters import ScopedFilterSet, YearFilter
from settlement.plans.models import AnnualPlan, CityMonthlyPlan, UsagePlan


class AnnualPlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=AnnualPlan.Status.choices, label=_("Status"))
    year = YearFilter()

    class Meta:
        model = AnnualPlan
        fields = ["county", "year", "status"]


class UsagePlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=UsagePlan.Status.choices, label=_("Status"))
    month = django_filters.DateFilter(label=_("Month (first day)"))
    year = YearFilter(field_name="month", lookup_expr="year")

    class Meta:
        model = UsagePlan
        fields = ["county", "month", "year", "status", "is_late"]


class CityMonthlyPlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CityMonthlyPlan.Status.choices, label=_("Status"))
    month = django_filters.DateFilter(label=_("Month (first day)"))
    year = YearFilter(field_name="month", lookup_expr="year")

    class Meta:
        model = CityMonthlyPlan
        fields = ["status", "month", "year"]
