"""REST API of the monthly cycle: the same capabilities, scoping and services as the pages
(``cycle_start`` and ``cycle_step_rerun`` queue the run themselves)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from settlement.cycle import selectors, services
from settlement.cycle.filters import CycleFilter, RemittanceLineFilter
from settlement.cycle.serializers import (
    CycleStartSerializer,
    MonthlyCycleSerializer,
    RemittanceLineSerializer,
)


class MonthlyCycleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = "settlement.view_cycles"
    write_capability = "settlement.run_cycle"
    serializer_class = MonthlyCycleSerializer
    filterset_class = CycleFilter

    def get_queryset(self):
        return selectors.cycles_for(user=self.request.user).prefetch_related("steps")

    @extend_schema(request=CycleStartSerializer, responses=MonthlyCycleSerializer)
    def create(self, request):
        """Start a month's cycle (or return the existing one, 200)."""
        data = CycleStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle, created = services.cycle_start(
            municipality=request.user.municipality,
            month=data.validated_data["month"],
            actor=request.user,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=cycle.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.cycle_progress(cycle=self.get_object()))

    @extend_schema(request=None, responses=MonthlyCycleSerializer)
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step_name>[a-z_]+)/rerun")
    def rerun(self, request, pk=None, step_name=None):
        """Run a failed step again, then the steps after it."""
        cycle = self.get_object()
        step = cycle.steps.filter(name=step_name).first()
        if step is None:
            raise ValidationError({"step": [f"Unknown step {step_name}."]})
        services.cycle_step_rerun(step=step, actor=request.user)
        return Response(self.get_serializer(cycle).data, status=status.HTTP_202_ACCEPTED)


class RemittanceLineViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "settlement.view_remittances"
    serializer_class = RemittanceLineSerializer
    filterset_class = RemittanceLineFilter

    def get_queryset(self):
        return selectors.remittance_lines_for(user=self.request.user)
