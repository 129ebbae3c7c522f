"""REST API of the fund ledger (issue 3 item 8): read-only, except the contribution
bookings at the end (issue 4 items 7, 8, 10), which call ``funds.collections``; there is no
endpoint for free-form entries. Same capabilities and scoping as the pages; cursor
pagination stays fast at millions of rows."""

from rest_framework import serializers

from enrollment.contributions.serializers import TopUpInputSerializer
from enrollment.people.models import Employer, InsuredPerson


class RetireeCreditsInputSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class TopUpBookInputSerializer(TopUpInputSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=InsuredPerson.objects.none())
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(), required=False, allow_null=True, default=None
    )
