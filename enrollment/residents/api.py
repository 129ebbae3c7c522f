"""REST API of resident enrollment: same capabilities and scoping as the pages. A person
outside the user's scope is an invalid choice (400); another county's enrollment is 404;
a refused write is 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enrollment.people.selectors import enrollment_scopes
from enrollment.residents import selectors, services
from enrollment.residents.serializers import (
    BenefitYearSerializer,
    ClaimFreeSerializer,
    ResidentEnrollInputSerializer,
    ResidentEnrollmentSerializer,
    ResidentImportSerializer,
)
from pooling.core.api import scoped_input, user_municipality

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"
ASSESS = "enrollment.run_assessment"


class ResidentEnrollmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = ResidentEnrollmentSerializer

    def get_queryset(self):
        queryset = selectors.resident_enrollments_for(user=self.request.user).order_by("pk")
        year = self.request.query_params.get("year", "")
        return queryset.filter(benefit_year=int(year)) if year.isdigit() else queryset

    @extend_schema(
        request=ResidentEnrollInputSerializer, responses={201: ResidentEnrollmentSerializer}
    )
    def create(self, request):
        data = scoped_input(
            ResidentEnrollInputSerializer, request, enrollment_scopes(user=request.user)
        )
        enrollment = services.resident_enroll(actor=request.user, **data)
        return Response(
            ResidentEnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=BenefitYearSerializer, responses={200: None})
    @action(detail=False, methods=["post"], write_capability=ASSESS)
    def assess(self, request):
        data = scoped_input(BenefitYearSerializer, request, {})
        count = services.resident_contributions_assess(
            municipality=user_municipality(request.user), actor=request.user, **data
        )
        return Response({"assessed": count})

    @extend_schema(request=ResidentImportSerializer, responses={200: None})
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request):
        data = scoped_input(ResidentImportSerializer, request, {})
        report = services.resident_enrollments_import(
            municipality=user_municipality(request.user),
            actor=request.user,
            file_name=data["file"].name,
            content=data["file"].read(),
            import_valid_rows=data["import_valid_rows"],
        )
        return Response(
            report.as_dict(),
            status=status.HTTP_400_BAD_REQUEST if report.has_errors else status.HTTP_200_OK,
        )

    @extend_schema(request=ClaimFreeSerializer, responses={200: ResidentEnrollmentSerializer})
    @action(detail=True, methods=["post"], url_path="claim-free")
    def claim_free(self, request, pk=None):
        enrollment = self.get_object()
        data = scoped_input(ClaimFreeSerializer, request, {})
        enrollment = services.resident_claim_free_record(
            enrollment=enrollment, actor=request.user, **data
        )
        return Response(ResidentEnrollmentSerializer(enrollment).data)
