"""API serializers of the pooling structure. Input serializers validate; services write."""

from rest_framework import serializers

from pooling.workdays.models import CalendarOverride


class CalendarOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "is_workday", "note"]


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=0, max_value=60)
