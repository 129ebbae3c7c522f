"""Filters of the structure's lists, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.core.filters import ScopedFilterSet
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel, PoolingModel


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
