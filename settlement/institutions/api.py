"""REST API of the designated institutions: same capabilities and scoping as the pages. A
county outside the user's scope is an invalid choice (400); another county's institution is
404; a refused write is 400 with field errors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pooling.core.api import scoped_input
from pooling.structure.selectors import counties_for
from settlement.institutions import selectors, services
from settlement.institutions.serializers import (
    InstitutionAdmitSerializer,
    InstitutionReviewInputSerializer,
    InstitutionReviewSerializer,
    InstitutionSerializer,
)


class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = "settlement.view_institutions"
    write_capability = "settlement.change_institutions"
    serializer_class = InstitutionSerializer

    def get_queryset(self):
        return selectors.institutions_for(user=self.request.user)

    @extend_schema(request=InstitutionAdmitSerializer, responses={201: InstitutionSerializer})
    def create(self, request):
        data = scoped_input(
            InstitutionAdmitSerializer, request, {"county": counties_for(user=request.user)}
        )
        institution = services.institution_admit(actor=request.user, **data)
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: InstitutionReviewSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def reviews(self, request, pk=None):
        reviews = selectors.institution_reviews(institution=self.get_object())
        return Response(InstitutionReviewSerializer(reviews, many=True).data)

    @extend_schema(
        request=InstitutionReviewInputSerializer, responses={201: InstitutionReviewSerializer}
    )
    @action(detail=True, methods=["post"], url_path="yearly-review")
    def yearly_review(self, request, pk=None):
        institution = self.get_object()
        serializer = InstitutionReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.institution_review_record(
            institution=institution, actor=request.user, **serializer.validated_data
        )
        return Response(InstitutionReviewSerializer(review).data, status=status.HTTP_201_CREATED)
