"""The rule versions' filter, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.core.filters import ScopedFilterSet
from pooling.rules.catalogue import RULES
from pooling.rules.models import PolicyRule


class PolicyRuleFilter(ScopedFilterSet):
    key = django_filters.ChoiceFilter(
        choices=[(key, spec.label) for key, spec in RULES.items()], label=_("Rule")
    )
    in_force_on = django_filters.DateFilter(method="in_force", label=_("In force on"))

    class Meta:
        model = PolicyRule
        fields = ["key", "county", "in_force_on"]

    def in_force(self, queryset, name, value):
        return queryset.filter(effective_from__lte=value).exclude(effective_to__lt=value)
