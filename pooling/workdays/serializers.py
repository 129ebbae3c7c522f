"""API serializers of the working-day calendar."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from pooling.core.serializers import BusinessDateField
from pooling.workdays.models import CalendarOverride
from pooling.workdays.selectors import add_working_days


class CalendarOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "is_workday", "note"]


class WorkingDaysQuerySerializer(serializers.Serializer):
    """``start`` and ``days`` of the working-day calculator; ``result`` in the validated data
    is the day reached. A year the calendar does not know is an error on ``start``."""

    start = BusinessDateField()
    days = serializers.IntegerField(min_value=0, max_value=60)

    def validate(self, data):
        try:
            result = add_working_days(data["start"], data["days"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"start": error.messages}) from error
        return {**data, "result": result}
