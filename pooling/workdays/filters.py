"""The calendar overrides' filter, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.workdays.models import CalendarOverride


class CalendarOverrideFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = CalendarOverride
        fields = ["year", "is_workday"]
