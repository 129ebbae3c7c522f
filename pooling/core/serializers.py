"""Serializer fields every app's API shares: a county id resolved within the user's scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pooling.structure.models import County
from pooling.structure.selectors import counties_for


class ScopedCountyField(serializers.IntegerField):
    """A county id in a query, resolved to a county the requesting user may see. Another
    county's id reads like one that does not exist, so a county officer learns nothing."""

    default_error_messages = {"no_such_county": _("No such county.")}

    def to_internal_value(self, data) -> County:
        pk = super().to_internal_value(data)
        county = counties_for(user=self.context["request"].user).filter(pk=pk).first()
        if county is None:
            self.fail("no_such_county")
        return county
