"""REST API of employers, insured people and their enrollment episodes: the same
capabilities and scoping as the pages. Viewsets call the services directly; a refused write
is a 400 with field errors (``pooling.core.api.exception_handler``)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enrollment.contributions.selectors import contribution_history
from enrollment.people import serializers, services
from enrollment.people.filters import EmployerFilter, EpisodeFilter, PersonFilter
from enrollment.people.selectors import (
    employers_for,
    enrollment_scopes,
    episodes_for,
    people_for,
)
from pooling.core.api import plain, scoped_input

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.EmployerSerializer
    filterset_class = EmployerFilter

    def get_queryset(self):
        return employers_for(user=self.request.user)

    @extend_schema(request=serializers.EmployerInputSerializer)
    def create(self, request):
        data = scoped_input(
            serializers.EmployerInputSerializer, request, enrollment_scopes(user=request.user)
        )
        employer = services.employer_create(actor=request.user, **data)
        return Response(self.get_serializer(employer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.EmployerUpdateSerializer)
    def update(self, request, pk=None):
        employer = self.get_object()
        data = scoped_input(
            serializers.EmployerUpdateSerializer, request, enrollment_scopes(user=request.user)
        )
        employer = services.employer_update(employer=employer, actor=request.user, **data)
        return Response(self.get_serializer(employer).data)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return people_for(user=self.request.user)

    @extend_schema(request=serializers.PersonInputSerializer)
    def create(self, request):
        data = scoped_input(
            serializers.PersonInputSerializer, request, enrollment_scopes(user=request.user)
        )
        person = services.person_enroll(actor=request.user, **data)
        return Response(self.get_serializer(person).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Months paid, cumulative years and when benefits start (N 三(三))."""
        history = contribution_history(person=self.get_object(), on=timezone.localdate())
        return Response(plain(history))


class EpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = VIEW
    write_capability = CHANGE
    serializer_class = serializers.EpisodeSerializer
    filterset_class = EpisodeFilter

    def get_queryset(self):
        return episodes_for(user=self.request.user)

    @extend_schema(request=serializers.EpisodeInputSerializer)
    def create(self, request):
        data = scoped_input(
            serializers.EpisodeInputSerializer, request, enrollment_scopes(user=request.user)
        )
        episode = services.episode_add(actor=request.user, **data)
        return Response(self.get_serializer(episode).data, status=status.HTTP_201_CREATED)
