"""REST API of the working-day calendar: the overrides and the working-day calculator."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pooling.core.periods import validate_business_date
from pooling.workdays import services
from pooling.workdays.filters import CalendarOverrideFilter
from pooling.workdays.models import CalendarOverride
from pooling.workdays.serializers import CalendarOverrideSerializer, WorkingDaysQuerySerializer


class CalendarOverrideViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "pooling.view_calendar"
    write_capability = "pooling.change_calendar"
    serializer_class = CalendarOverrideSerializer
    filterset_class = CalendarOverrideFilter
    queryset = CalendarOverride.objects.all()

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        # An existing date is updated, not refused as taken; the date stays a business date.
        serializer.fields["date"].validators = [validate_business_date]
        serializer.is_valid(raise_exception=True)
        override = services.calendar_override_set(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(override).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        services.calendar_override_delete(override=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("days", int),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"], url_path="add-working-days")
    def add_working_days(self, request):
        """The day on which N working days after ``start`` have passed."""
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(query.validated_data)
