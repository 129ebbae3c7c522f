"""The filter-set base of every app's lists: its county choices are the user's scope."""

import django_filters

from pooling.structure.selectors import counties_for


class ScopedFilterSet(django_filters.FilterSet):
    """Offers in its county filter only the counties the requesting user may see."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "county" in self.filters and self.request is not None:
            self.filters["county"].queryset = counties_for(user=self.request.user)
