"""REST API of enrollment and contributions: same capabilities and scoping as the pages."""

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment import selectors, serializers, services
from enrollment.contributions import FileRejected
from enrollment.filters import (
    AssessmentFilter,
    BaseFilter,
    CollectionRowFilter,
    EmployerFilter,
    EpisodeFilter,
    PersonFilter,
)
from pooling.api import as_api_error
from pooling.selectors import counties_for

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


def _scoped_input(serializer_class, request):
    """An input serializer whose related choices are limited to what the user may see: an
    object outside the user's scope is an invalid choice (400), never a write."""
    serializer = serializer_class(data=request.data)
    user = request.user
    scopes = {
        "county": counties_for(user=user),
        "employer": selectors.employers_for(user=user),
        "person": selectors.people_for(user=user),
    }
    for name, queryset in scopes.items():
        if name in serializer.fields:
            serializer.fields[name].queryset = queryset
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _municipality(user):
    if user.municipality_id is None:
        raise Http404
    return user.municipality


def _plain(instance) -> dict:
    """A dataclass as JSON-safe data: money as strings, like the serializers' decimals."""
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in dataclasses.asdict(instance).items()
    }


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise as_api_error(error) from error


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.EmployerSerializer
    filterset_class = EmployerFilter

    def get_queryset(self):
        return selectors.employers_for(user=self.request.user)

    @extend_schema(request=serializers.EmployerInputSerializer)
    def create(self, request):
        data = _scoped_input(serializers.EmployerInputSerializer, request)
        employer = _call(services.employer_create, actor=request.user, **data)
        return Response(self.get_serializer(employer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.EmployerUpdateSerializer)
    def update(self, request, pk=None):
        employer = self.get_object()
        data = _scoped_input(serializers.EmployerUpdateSerializer, request)
        employer = _call(services.employer_update, employer=employer, actor=request.user, **data)
        return Response(self.get_serializer(employer).data)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return selectors.people_for(user=self.request.user)

    @extend_schema(request=serializers.PersonInputSerializer)
    def create(self, request):
        data = _scoped_input(serializers.PersonInputSerializer, request)
        person = _call(services.person_enroll, actor=request.user, **data)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Months paid, cumulative years and when benefits start (N 三(三))."""
        history = selectors.contribution_history(person=self.get_object(), on=timezone.localdate())
        return Response(_plain(history))


class EpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.EpisodeSerializer
    filterset_class = EpisodeFilter

    def get_queryset(self):
        return selectors.episodes_for(user=self.request.user)

    @extend_schema(request=serializers.EpisodeInputSerializer)
    def create(self, request):
        data = _scoped_input(serializers.EpisodeInputSerializer, request)
        episode = _call(services.episode_add, actor=request.user, **data)
        return Response(self.get_serializer(episode).data, status=status.HTTP_201_CREATED)


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
        data = _scoped_input(serializers.ContributionBaseInputSerializer, request)
        base = _call(services.contribution_base_set, actor=request.user, **data)
        return Response(self.get_serializer(base).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.BaseUploadSerializer, responses={200: dict, 400: dict})
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Upload wages or payrolls; 400 with the row report when rows have errors."""
        data = _scoped_input(serializers.BaseUploadSerializer, request)
        report = _call(
            services.contribution_base_import,
            municipality=_municipality(request.user),
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
        data = _scoped_input(serializers.AssessmentRunSerializer, request)
        result = _call(
            services.assessment_run,
            municipality=_municipality(request.user),
            month=data["month"],
            actor=request.user,
        )
        return Response(dataclasses.asdict(result))


class CollectionBatchViewSet(viewsets.ReadOnlyModelViewSet):
    read_capability = "enrollment.view_collections"
    write_capability = "enrollment.import_collections"
    serializer_class = serializers.CollectionBatchSerializer

    def get_queryset(self):
        return selectors.collection_batches_for(user=self.request.user)

    @extend_schema(request=serializers.CollectionUploadSerializer)
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        """Import a tax-bureau file; the same file twice returns the first batch (200)."""
        data = _scoped_input(serializers.CollectionUploadSerializer, request)
        try:
            result = services.collection_file_import(
                municipality=_municipality(request.user),
                file_name=data["file"].name,
                content=data["file"].read(),
                actor=request.user,
            )
        except FileRejected as error:
            return Response(
                {"file": error.messages, **error.report.as_dict()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from error
        return Response(
            self.get_serializer(result.batch).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        rows = selectors.collection_rows_for(user=request.user, batch=self.get_object())
        rows = CollectionRowFilter(request.query_params, queryset=rows).qs
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializers.CollectionRowSerializer(page, many=True).data
        )

    @action(detail=True, methods=["get"])
    def postings(self, request, pk=None):
        lines = selectors.collection_batch_postings(batch=self.get_object())
        return Response([_plain(line) for line in lines])


class TopUpView(APIView):
    """The top-up calculator (N 三(二)3–4): the formula and the amount of each case."""

    read_capability = VIEW
    write_capability = VIEW  # a calculation writes nothing

    @extend_schema(request=serializers.TopUpInputSerializer, responses={200: dict})
    def post(self, request):
        data = _scoped_input(serializers.TopUpInputSerializer, request)
        quote = _call(selectors.top_up_quote, municipality=_municipality(request.user), **data)
        return Response(_plain(quote))
