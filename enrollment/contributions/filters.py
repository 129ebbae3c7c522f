"""django-filter filter sets of the contribution bases and assessments (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.contributions.models import Assessment, ContributionBase
from enrollment.people.models import Scope
from pooling.core.filters import ScopedFilterSet, YearFilter


class BaseFilter(django_filters.FilterSet):
    year = YearFilter()
    q = django_filters.CharFilter(method="search", label=_("Name or ID number"))

    class Meta:
        model = ContributionBase
        fields = ["year", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(person__name__icontains=value) | Q(person__id_number__startswith=value.upper())
        )


class AssessmentFilter(ScopedFilterSet):
    month = django_filters.DateFilter(label=_("Month (first day)"))
    employer = django_filters.NumberFilter(field_name="employer", label=_("Employer id"))
    person = django_filters.NumberFilter(field_name="person", label=_("Person id"))
    q = django_filters.CharFilter(method="search", label=_("Name, ID or credit code"))
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    paid = django_filters.BooleanFilter(label=_("Collected"))

    class Meta:
        model = Assessment
        fields = ["month", "county", "employer", "person", "q", "scope", "paid"]

    def search(self, queryset, name, value):
        value = value.upper()
        return queryset.filter(
            Q(person__name__icontains=value)
            | Q(person__id_number__startswith=value)
            | Q(employer__credit_code__startswith=value)
        )
