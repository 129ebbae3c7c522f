"""The calendar overrides' filter, shared by the page and the API."""

import django_filters

from pooling.core.filters import YearFilter
from pooling.workdays.models import CalendarOverride


class CalendarOverrideFilter(django_filters.FilterSet):
    year = YearFilter(field_name="date", lookup_expr="year")

    class Meta:
        model = CalendarOverride
        fields = ["year", "is_workday"]
