"""REST API of contributions: declared wages (one by one or from a file), the monthly
assessments and the top-up calculator, with the same capabilities and scoping as the pages.
Views call the services directly; a refused write is a 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment.contributions import selectors, serializers, services, top_ups
from enrollment.contributions.filters import AssessmentFilter, BaseFilter
from enrollment.people.selectors import enrollment_scopes
from pooling.core.api import plain, scoped_input, user_municipality

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


class ContributionBaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.ContributionBaseSerializer
    filterset_class = BaseFilter

    def get_queryset(self):
        return selectors.bases_for(user=self.request.user)

    @extend_schema(request=serializers.ContributionBaseInputSerializer)
    def create(self, request):
        data = scoped_input(
            serializers.ContributionBaseInputSerializer,
            request,
            enrollment_scopes(user=request.user),
        )
        base = services.contribution_base_set(actor=request.user, **data)
        return Response(self.get_serializer(base).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BaseUploadSerializer, responses={200: dict, 400: dict})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Upload wages or payrolls; 400 with the row report when rows have errors."""
        data = scoped_input(
            serializers.BaseUploadSerializer, request, enrollment_scopes(user=request.user)
        )
        report = services.contribution_base_import(
            municipality=user_municipality(request.user),
            kind=data["kind"],
            file_name=data["file"].name,
            content=data["file"].read(),
            actor=request.user,
            import_valid_rows=data["import_valid_rows"],
        )
        code = status.HTTP_400_BAD_REQUEST if report.has_errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=code)


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = VIEW
    write_capability = "enrollment.run_assessment"
    serializer_class = serializers.AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return selectors.assessments_for(user=self.request.user)

    @extend_schema(request=serializers.AssessmentRunSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def run(self, request):
        """Assess a month (the first day of it); a rerun adds nothing."""
        data = scoped_input(
            serializers.AssessmentRunSerializer, request, enrollment_scopes(user=request.user)
        )
        result = services.assessment_run(
            municipality=user_municipality(request.user),
            month=data["month"],
            actor=request.user,
        )
        return Response(plain(result))


class TopUpView(APIView):
    """The top-up calculator (N 三(二)3–4): the formula and the amount of each case."""

    read_capability = VIEW
    write_capability = VIEW  # a calculation writes nothing

    @extend_schema(request=serializers.TopUpInputSerializer, responses={200: dict})
    def post(self, request):
        data = scoped_input(
            serializers.TopUpInputSerializer, request, enrollment_scopes(user=request.user)
        )
        quote = top_ups.top_up_quote(municipality=user_municipality(request.user), **data)
        return Response(plain(quote))
