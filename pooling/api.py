"""REST API of the pooling structure: same capabilities and scoping as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from pooling import selectors, services, workdays
from pooling.filters import (
    AccessionEvaluationFilter,
    AuditEventFilter,
    CalendarOverrideFilter,
    CountyFilter,
    CountyPoolingModelFilter,
    PolicyRuleFilter,
)
from pooling.models import CalendarOverride
from pooling.serializers import (
    AccessionEvaluationSerializer,
    AccessionInputSerializer,
    AuditEventSerializer,
    CalendarOverrideSerializer,
    CountyPoolingModelSerializer,
    CountySerializer,
    PolicyRuleInputSerializer,
    PolicyRuleSerializer,
    PoolingModelInputSerializer,
    WorkingDaysQuerySerializer,
)


def as_api_error(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 with field errors."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _scoped_input(serializer_class, request):
    """An input serializer whose county choices are limited to what the user may see."""
    serializer = serializer_class(data=request.data)
    serializer.fields["county"].queryset = selectors.counties_for(user=request.user)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "pooling.view_structure"
    serializer_class = CountySerializer
    filterset_class = CountyFilter

    def get_queryset(self):
        return selectors.counties_for(user=self.request.user)


class CountyPoolingModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "pooling.view_structure"
    write_capability = "pooling.change_structure"
    serializer_class = CountyPoolingModelSerializer
    filterset_class = CountyPoolingModelFilter

    def get_queryset(self):
        return selectors.county_pooling_models_for(user=self.request.user)

    @extend_schema(request=PoolingModelInputSerializer, responses=CountyPoolingModelSerializer)
    def create(self, request):
        data = _scoped_input(PoolingModelInputSerializer, request)
        try:
            period = services.county_pooling_model_set(actor=request.user, **data)
        except DjangoValidationError as error:
            raise as_api_error(error) from error
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)


class AccessionEvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "pooling.view_structure"
    write_capability = "pooling.record_accession"
    serializer_class = AccessionEvaluationSerializer
    filterset_class = AccessionEvaluationFilter

    def get_queryset(self):
        return selectors.accession_evaluations_for(user=self.request.user)

    @extend_schema(request=AccessionInputSerializer, responses=AccessionEvaluationSerializer)
    def create(self, request):
        data = _scoped_input(AccessionInputSerializer, request)
        try:
            evaluation = services.accession_evaluation_record(actor=request.user, **data)
        except DjangoValidationError as error:
            raise as_api_error(error) from error
        return Response(self.get_serializer(evaluation).data, status=status.HTTP_201_CREATED)


class PolicyRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = "pooling.view_rules"
    write_capability = "pooling.change_rules"
    serializer_class = PolicyRuleSerializer
    filterset_class = PolicyRuleFilter

    def get_queryset(self):
        return selectors.policy_rules_for(user=self.request.user)

    @extend_schema(request=PolicyRuleInputSerializer, responses=PolicyRuleSerializer)
    def create(self, request):
        data = _scoped_input(PolicyRuleInputSerializer, request)
        county = data.get("county")
        municipality = county.municipality if county else request.user.municipality
        if municipality is None:
            raise ValidationError({"county": ["Your account belongs to no municipality."]})
        try:
            version = services.policy_rule_add_version(
                municipality=municipality, actor=request.user, **data
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from error
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


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
        serializer.fields["date"].validators = []  # an existing date is updated, not refused
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
        try:
            day = workdays.add_working_days(
                query.validated_data["start"], query.validated_data["days"]
            )
        except DjangoValidationError as error:
            raise ValidationError({"start": error.messages}) from error
        return Response(
            {
                "start": query.validated_data["start"],
                "days": query.validated_data["days"],
                "result": day,
            }
        )


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "pooling.view_audit"
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_events_for(user=self.request.user)
