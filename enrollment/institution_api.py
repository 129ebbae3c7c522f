"""REST API of the designated institutions: same capabilities and scoping as the pages. A
county outside the user's scope is an invalid choice (400); another county's institution is
404; a refused write is 400 with field errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enrollment import institutions
from enrollment.models import DesignatedInstitution, InstitutionReview
from pooling.api import as_api_error
from pooling.models import County
from pooling.selectors import counties_for


class InstitutionReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)

    class Meta:
        model = InstitutionReview
        fields = ["id", "kind", "year", "reviewed_on", "result", "notes", "reviewed_by"]
        read_only_fields = fields


class InstitutionSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = DesignatedInstitution
        fields = [
            "id", "code", "kind", "name", "county", "county_code", "level", "agreement_from",
            "agreement_to", "status",
        ]  # fmt: skip
        read_only_fields = fields


class InstitutionAdmitSerializer(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    kind = serializers.ChoiceField(choices=DesignatedInstitution.Kind.choices)
    code = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=DesignatedInstitution.Level.choices)
    agreement_from = serializers.DateField()
    agreement_to = serializers.DateField()
    admitted_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class InstitutionReviewInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reviewed_on = serializers.DateField()
    result = serializers.ChoiceField(choices=InstitutionReview.Result.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise as_api_error(error) from error


class InstitutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    read_capability = "enrollment.view_institutions"
    write_capability = "enrollment.change_institutions"
    serializer_class = InstitutionSerializer

    def get_queryset(self):
        return institutions.institutions_for(user=self.request.user)

    @extend_schema(request=InstitutionAdmitSerializer, responses={201: InstitutionSerializer})
    def create(self, request):
        serializer = InstitutionAdmitSerializer(data=request.data)
        serializer.fields["county"].queryset = counties_for(user=request.user)
        serializer.is_valid(raise_exception=True)
        institution = _call(institutions.institution_admit, actor=request.user,
                            **serializer.validated_data)  # fmt: skip
        return Response(InstitutionSerializer(institution).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: InstitutionReviewSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def reviews(self, request, pk=None):
        reviews = institutions.institution_reviews(institution=self.get_object())
        return Response(InstitutionReviewSerializer(reviews, many=True).data)

    @extend_schema(
        request=InstitutionReviewInputSerializer, responses={201: InstitutionReviewSerializer}
    )
    @action(detail=True, methods=["post"], url_path="yearly-review")
    def yearly_review(self, request, pk=None):
        institution = self.get_object()
        serializer = InstitutionReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = _call(institutions.institution_review_record, institution=institution,
                       actor=request.user, **serializer.validated_data)  # fmt: skip
        return Response(InstitutionReviewSerializer(review).data, status=status.HTTP_201_CREATED)
