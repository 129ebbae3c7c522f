"""django-filter filter sets of a collection batch's rows (page and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enrollment.collection_files.models import CollectionRow


class CollectionRowFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=CollectionRow.Outcome.choices, label=_("Outcome"))

    class Meta:
        model = CollectionRow
        fields = ["outcome"]
