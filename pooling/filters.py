"""django-filter filter sets for the pooling pages and API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.models import (
    AccessionEvaluation,
    AuditEvent,
    CalendarOverride,
    County,
    CountyPoolingModel,
    PolicyRule,
    PoolingModel,
)
from pooling.rules import RULES
from pooling.selectors import counties_for


class ScopedFilterSet(django_filters.FilterSet):
    """Offers in its county filter only the counties the requesting user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "county" in self.filters and self.request is not None:
            self.filters["county"].queryset = counties_for(user=self.request.user)


class CountyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    kind = django_filters.ChoiceFilter(choices=County.Kind.choices, label=_("Kind"))

    class Meta:
        model = County
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(code__startswith=value)


class CountyPoolingModelFilter(ScopedFilterSet):
    model = django_filters.ChoiceFilter(choices=PoolingModel.choices, label=_("Pooling model"))
    in_force_on = django_filters.DateFilter(method="in_force", label=_("In force on"))

    class Meta:
        model = CountyPoolingModel
        fields = ["county", "model", "in_force_on"]

    def in_force(self, queryset, name, value):
        return queryset.filter(effective_from__lte=value).exclude(effective_to__lt=value)


class AccessionEvaluationFilter(ScopedFilterSet):
    result = django_filters.ChoiceFilter(
        choices=AccessionEvaluation.Result.choices, label=_("Result")
    )

    class Meta:
        model = AccessionEvaluation
        fields = ["county", "result"]


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


class CalendarOverrideFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = CalendarOverride
        fields = ["year", "is_workday"]


class AuditEventFilter(ScopedFilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    actor = django_filters.CharFilter(field_name="actor__username", label=_("User"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "actor", "county", "since", "until"]
