"""django-filter filter sets of employers, insured people and episodes (pages and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson, Scheme, Scope
from pooling.core.filters import ScopedFilterSet


class EmployerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    unit_type = django_filters.ChoiceFilter(choices=Employer.UnitType.choices, label=_("Unit type"))
    status = django_filters.ChoiceFilter(choices=Employer.Status.choices, label=_("Status"))

    class Meta:
        model = Employer
        fields = ["q", "county", "unit_type", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__startswith=value.upper()))


class PersonFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or ID number"))
    category = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    status = django_filters.ChoiceFilter(choices=InsuredPerson.Status.choices, label=_("Status"))
    employer = django_filters.NumberFilter(field_name="employer", label=_("Employer id"))

    class Meta:
        model = InsuredPerson
        fields = ["q", "county", "category", "status", "employer"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(id_number__startswith=value.upper()))


class EpisodeFilter(ScopedFilterSet):
    scheme = django_filters.ChoiceFilter(choices=Scheme.choices, label=_("Scheme"))
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    person = django_filters.NumberFilter(field_name="person", label=_("Person id"))

    class Meta:
        model = EnrollmentEpisode
        fields = ["county", "scheme", "scope", "person"]
