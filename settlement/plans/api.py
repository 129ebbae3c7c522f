"""REST API of the plans for county systems: the same services, capabilities and county
scoping as the pages. A county officer reads and submits only their county's plans (another
county's plan is a 404), auditors only read, finance only confirms disbursements. A step's
capability is its workflow transition's (``settlement.plans.models``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pooling.core.serializers import ReturnInputSerializer
from pooling.core.workflow import Workflow
from settlement.plans import selectors, services
from settlement.plans.filters import AnnualPlanFilter, CityMonthlyPlanFilter, UsagePlanFilter
from settlement.plans.models import ANNUAL_PLAN_WORKFLOW, CITY_PLAN_WORKFLOW, USAGE_PLAN_WORKFLOW
from settlement.plans.serializers import (
    AnnualPlanSerializer,
    AnnualPlanSubmitSerializer,
    CityMonthlyPlanSerializer,
    ConsolidateInputSerializer,
    UsagePlanSerializer,
    UsagePlanSubmitSerializer,
)


class _PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lists and reads a plan kind; its writes are ``create`` and one action per workflow
    step. ``RolePermission`` reads ``write_capability``: a step's action (``@action(step=…)``)
    needs its transition's capability, ``create`` needs ``create_capability``."""

    workflow: Workflow
    create_capability = ""
    step = ""  # set per action by ``@action(step=…)``

    @property
    def write_capability(self) -> str:
        return self.workflow[self.step].capability if self.step else self.create_capability

    def _response(self, plan, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=code)


class AnnualPlanViewSet(_PlanViewSet):
    read_capability = "settlement.view_plans"
    create_capability = "settlement.submit_plans"
    workflow = ANNUAL_PLAN_WORKFLOW
    serializer_class = AnnualPlanSerializer
    filterset_class = AnnualPlanFilter

    def get_queryset(self):
        return selectors.annual_plans_for(user=self.request.user)

    @extend_schema(request=AnnualPlanSubmitSerializer, responses=AnnualPlanSerializer)
    def create(self, request):
        """The county officer submits (or resubmits a returned) annual plan of their county."""
        data = AnnualPlanSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.annual_plan_submit(
            county=request.user.county,
            year=data.validated_data["year"],
            lines=data.plan_lines(),
            actor=request.user,
        )
        return self._response(plan, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"], step="review")
    def review(self, request, pk=None):
        plan = services.annual_plan_review(plan=self.get_object(), actor=request.user)
        return self._response(plan)

    @extend_schema(request=ReturnInputSerializer, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", step="return")
    def return_plan(self, request, pk=None):
        plan = self.get_object()
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.annual_plan_return(
            plan=plan, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._response(plan)

    @extend_schema(request=None, responses=AnnualPlanSerializer)
    @action(detail=True, methods=["post"], step="approve")
    def approve(self, request, pk=None):
        plan = services.annual_plan_approve(plan=self.get_object(), actor=request.user)
        return self._response(plan)


class UsagePlanViewSet(_PlanViewSet):
    read_capability = "settlement.view_plans"
    create_capability = "settlement.submit_plans"
    workflow = USAGE_PLAN_WORKFLOW
    serializer_class = UsagePlanSerializer
    filterset_class = UsagePlanFilter

    def get_queryset(self):
        return selectors.usage_plans_for(user=self.request.user)

    @extend_schema(request=UsagePlanSubmitSerializer, responses=UsagePlanSerializer)
    def create(self, request):
        """The county officer submits next month's usage plan (or resubmits a returned one)
        with its lines; over what is left of the annual plan answers 400 naming the excess."""
        data = UsagePlanSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.usage_plan_submit(
            county=request.user.county,
            month=data.validated_data["month"],
            lines=data.plan_lines(),
            note=data.validated_data["note"],
            actor=request.user,
        )
        return self._response(plan, status.HTTP_201_CREATED)

    @extend_schema(request=ReturnInputSerializer, responses=UsagePlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", step="return")
    def return_plan(self, request, pk=None):
        """The city agency returns a submitted plan to the county with a reason."""
        plan = self.get_object()
        data = ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.usage_plan_return(
            plan=plan, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._response(plan)


class CityMonthlyPlanViewSet(_PlanViewSet):
    read_capability = "settlement.view_city_plans"
    # A city plan is created by consolidating the month's usage plans.
    create_capability = USAGE_PLAN_WORKFLOW["consolidate"].capability
    workflow = CITY_PLAN_WORKFLOW
    serializer_class = CityMonthlyPlanSerializer
    filterset_class = CityMonthlyPlanFilter

    def get_queryset(self):
        return selectors.city_plans_for(user=self.request.user)

    @extend_schema(request=ConsolidateInputSerializer, responses=CityMonthlyPlanSerializer)
    @action(detail=False, methods=["post"])
    def consolidate(self, request):
        """The city agency consolidates every submitted usage plan of the month."""
        data = ConsolidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        city_plan = services.city_plan_consolidate(
            municipality=request.user.municipality,
            month=data.validated_data["month"],
            actor=request.user,
        )
        return self._response(city_plan, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], step="approve")
    def approve(self, request, pk=None):
        city_plan = services.city_plan_approve(city_plan=self.get_object(), actor=request.user)
        return self._response(city_plan)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], url_path="request-funding", step="request")
    def request_funding(self, request, pk=None):
        city_plan = services.city_plan_request_funding(
            city_plan=self.get_object(), actor=request.user
        )
        return self._response(city_plan)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-disbursement", step="disburse")
    def confirm_disbursement(self, request, pk=None):
        """Finance confirms the disbursement; confirming again changes nothing."""
        city_plan = services.disbursement_confirm(city_plan=self.get_object(), actor=request.user)
        return self._response(city_plan)

    @extend_schema(request=None, responses=CityMonthlyPlanSerializer)
    @action(detail=True, methods=["post"], step="allocate")
    def allocate(self, request, pk=None):
        """The city allocates to each county; running it again changes nothing."""
        city_plan = services.allocation_run(city_plan=self.get_object(), actor=request.user)
        return self._response(city_plan)
