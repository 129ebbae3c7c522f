"""Serializers every app's API shares: a county id resolved within the user's scope, and the
reason of a workflow step that returns something to whoever submitted it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pooling.core.imports import validate_upload_size
from pooling.core.periods import ID_MAX, YEAR_MAX, YEAR_MIN, validate_business_date
from pooling.structure.models import County
from pooling.structure.selectors import counties_for


class ScopedCountyField(serializers.IntegerField):
    """A county id in a query, resolved to a county the requesting user may see. Another
    county's id reads like one that does not exist, so a county officer learns nothing."""

    default_error_messages = {"no_such_county": _("No such county.")}

    def to_internal_value(self, data) -> County:
        pk = super().to_internal_value(data)
        if not 1 <= pk <= ID_MAX:  # beyond a bigint id: no such county, not a database error
            self.fail("no_such_county")
        county = counties_for(user=self.context["request"].user).filter(pk=pk).first()
        if county is None:
            self.fail("no_such_county")
        return county


class YearField(serializers.IntegerField):
    """A business year, 2000 to 2100 (``pooling.core.periods``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class BusinessDateField(serializers.DateField):
    """A business date, 2000-01-01 to 2100-12-31."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_business_date])
        super().__init__(**kwargs)


class UploadFileField(serializers.FileField):
    """An uploaded table: 400 with a clear error over ``UPLOAD_MAX_BYTES``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_upload_size])
        super().__init__(**kwargs)


RETURN_REASON_MAX_LENGTH = 300


class ReturnInputSerializer(serializers.Serializer):
    """Returning a plan or an application to whoever submitted it: the reason is required."""

    reason = serializers.CharField(max_length=RETURN_REASON_MAX_LENGTH)
