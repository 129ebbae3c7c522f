"""REST API of the plans for county systems (issue 6 item 6): the same services, capabilities
and county scoping as the pages. A county officer reads and submits only their county's plans
(another county's plan is a 404), auditors only read, finance only confirms disbursements."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from settlement.plans import selectors, services
from settlement.plans.filters import AnnualPlanFilter, CityMonthlyPlanFilter, UsagePlanFilter
from settlement.plans.serializers import (
    AnnualPlanSerializer,
    AnnualPlanSubmitSerializer,
    CityMonthlyPlanSerializer,
    ConsolidateInputSerializer,
    ReturnInputSerializer,
    UsagePlanSerializer,
    UsagePlanSubmitSerializer,
)


class _WriteCapabilityPerAction:
    """``RolePermission`` reads ``write_capability``; here each action names its own, and an
    action not listed is closed."""

    write_capabilities: dict[str, str] = {}

    @property
    def write_capability(self) -> str | None:
        return self.write_capabilities.get(getattr(self, "action", None) or "")


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer


class AnnualPlanViewSet(
    _WriteCapabilityPerAction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    read_capability = "settlement.view_plans"
    write_capabilities = {
        "create": "settlement.submit_plans",
        "review": "settlement.review_plans",
        "return_plan": "settlement.review_plans",
        "approve": "settlement.approve_plans",
    }
    serializer_class = AnnualPlanSerializer
    filterset_class = AnnualPlanFilter

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user).select_related(
            "submitted_by", "reviewed_by", "approved_by"
        )

    def _response(self, plan, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=AnnualPlanSubmitSerializer, responses=AnnualPlanSerializer)
    def create(self, request):
        """The county officer submits (or resubmits a returned) annual plan of their county."""
        data = _valid(AnnualPlanSubmitSerializer, request)
        plan = services.annual_plan_submit(
            county=request.user.county,
            year=data.validated_data["year"],
            lines=data.plan_lines(),
            actor=request.user,
        )
        return self._response(plan, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        plan = services.annual_plan_review(plan=self.get_object(), actor=request.user)
        return self._response(plan)

    @extend_schema(request=ReturnInputSerializer, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        plan = self.get_object()
        data = _valid(ReturnInputSerializer, request)
        plan = services.annual_plan_return(
            plan=plan,
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return self._response(plan)

    @extend_schema(request=None, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = services.annual_plan_approve(plan=self.get_object(), actor=request.user)
        return self._response(plan)


class UsagePlanViewSet(
    _WriteCapabilityPerAction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    read_capability = "settlement.view_plans"
    write_capabilities = {
        "create": "settlement.submit_plans",
        "return_plan": "settlement.review_plans",
    }
    serializer_class = UsagePlanSerializer
    filterset_class = UsagePlanFilter

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    def _response(self, plan, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=code)

    @extend_schema(request=UsagePlanSubmitSerializer, responses=UsagePlanSerializer)
    def create(self, request):
        """The county officer submits next month's usage plan (or resubmits a returned one)
        with its lines; over what is left of the annual plan answers 400 naming the excess."""
        data = _valid(UsagePlanSubmitSerializer, request)
        plan = services.usage_plan_submit(
            county=request.user.county,
            month=data.validated_data["month"],
            lines=data.plan_lines(),
            note=data.validated_data["note"],
            actor=request.user,
        )
        return self._response(plan, status.HTTP_201_CREATED)

    @extend_schema(request=ReturnInputSerializer, responses=UsagePlanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        """The city agency returns a submitted plan to the county with a reason."""
        plan = self.get_object()
        data = _valid(ReturnInputSerializer, request)
        plan = services.usage_plan_return(
            plan=plan,
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return self._response(plan)


class CityMonthlyPlanViewSet(
    _WriteCapabilityPerAction,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    read_capability = "settlement.view_city_plans"
    write_capabilities = {
        "consolidate": "settlement.review_plans",
        "approve": "settlement.approve_plans",
        "request_funding": "settlement.approve_plans",
        "confirm_disbursement": "settlement.confirm_disbursement",
        "allocate": "settlement.allocate",
    }
    serializer_class = CityMonthlyPlanSerializer
    filterset_class = CityMonthlyPlanFilter

    def get_queryset(self):
        return selectors.city_plans_for(user=self.request.user)

    def _response(self, city_plan, code=status.HTTP_200_OK) -> Response:
        city_plan = self.get_queryset().get(pk=city_plan.pk)
        return Response(self.get_serializer(city_plan).data, status=code)

    @extend_schema(request=ConsolidateInputSerializer, responses=CityMonthlyPlanSerializer)
    @action(detail=False, methods=["post"])
    def consolidate(self, request):
        """The city agency consolidates every submitted usage plan of the month."""
        data = _valid(ConsolidateInputSerializer, request)
        city_plan = services.city_plan_consolidate(
            municipality=request.user.municipality,
            month=data.validated_data["month"],
            actor=request.user,
        )
        return self._response(city_plan, status.HTTP_201_CREATED)

    def _step(self, service) -> Response:
        city_plan = service(city_plan=self.get_object(), actor=self.request.user)
        return self._response(city_plan)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(services.city_plan_approve)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], url_path="request-funding")
    def request_funding(self, request, pk=None):
        return self._step(services.city_plan_request_funding)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-disbursement")
    def confirm_disbursement(self, request, pk=None):
        """Finance confirms the disbursement; confirming again changes nothing."""
        return self._step(services.disbursement_confirm)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """The city allocates to each county; running it again changes nothing."""
        return self._step(services.allocation_run)
