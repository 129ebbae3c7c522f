"""The filter-set base of every app's lists (its county choices are the user's scope) and the
one year filter every list uses."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import YearField
from pooling.structure.selectors import counties_for


class ScopedFilterSet(django_filters.FilterSet):
    """Offers in its county filter only the counties the requesting user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "county" in self.filters and self.request is not None:
            self.filters["county"].queryset = counties_for(user=self.request.user)


class YearFilter(django_filters.NumberFilter):
    """``?year=`` of a list: a business year (2000–2100), else a field error (400 in the
    API) instead of a date computation that fails. ``field_name`` may be a date field: its
    ``year`` lookup is then used."""

    field_class = YearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(*args, **kwargs)
