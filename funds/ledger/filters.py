"""django-filter filter sets of the ledger pages and API."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from funds.ledger.models import Account, FundType, JournalEntry, Posting
from pooling.core.filters import ScopedFilterSet
from pooling.structure.models import County


@extend_schema_field(OpenApiTypes.INT)
class CountyFilter(django_filters.ModelChoiceFilter):
    """A county chosen by id (documented as an integer in the API schema)."""


class _FundFilterMixin(django_filters.FilterSet):
    fund = django_filters.ModelChoiceFilter(
        field_name="fund_type",
        queryset=FundType.objects.order_by("code"),
        to_field_name="code",
        label=_("Fund"),
    )


class AccountFilter(_FundFilterMixin, ScopedFilterSet):
    county = django_filters.ModelChoiceFilter(queryset=County.objects.none(), label=_("County"))
    city_wide = django_filters.BooleanFilter(
        field_name="county", lookup_expr="isnull", label=_("City-wide only")
    )
    kind = django_filters.ChoiceFilter(choices=Account.Kind.choices, label=_("Kind"))
    owner = django_filters.ChoiceFilter(choices=Account.Owner.choices, label=_("Owner"))

    class Meta:
        model = Account
        fields = ["fund", "county", "city_wide", "kind", "owner"]


class EntryFilter(_FundFilterMixin, ScopedFilterSet):
    county = CountyFilter(
        queryset=County.objects.none(), method="touching_county", label=_("County")
    )
    account = django_filters.NumberFilter(method="touching_account", label=_("Account id"))
    kind = django_filters.ChoiceFilter(choices=JournalEntry.Kind.choices, label=_("Kind"))
    month = django_filters.DateFilter(label=_("Month (first day)"))
    date_from = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="lte", label=_("To")
    )

    class Meta:
        model = JournalEntry
        fields = ["fund", "county", "account", "kind", "month", "date_from", "date_to"]

    def touching_county(self, queryset, name, value):
        return queryset.filter(
            Exists(Posting.objects.filter(entry=OuterRef("pk"), account__county=value))
        )

    def touching_account(self, queryset, name, value):
        return queryset.filter(
            Exists(Posting.objects.filter(entry=OuterRef("pk"), account_id=value))
        )


class PostingFilter(_FundFilterMixin, ScopedFilterSet):
    account = django_filters.NumberFilter(field_name="account_id", label=_("Account id"))
    county = django_filters.ModelChoiceFilter(
        field_name="account__county", queryset=County.objects.none(), label=_("County")
    )
    kind = django_filters.ChoiceFilter(
        field_name="entry__kind", choices=JournalEntry.Kind.choices, label=_("Kind")
    )
    month = django_filters.DateFilter(label=_("Month (first day)"))
    date_from = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="lte", label=_("To")
    )
    amount_min = django_filters.NumberFilter(
        field_name="amount", lookup_expr="gte", label=_("Amount from")
    )
    amount_max = django_filters.NumberFilter(
        field_name="amount", lookup_expr="lte", label=_("Amount to")
    )

    class Meta:
        model = Posting
        fields = [
            "fund",
            "account",
            "county",
            "kind",
            "month",
            "date_from",
            "date_to",
            "amount_min",
            "amount_max",
        ]


class StatementFilter(django_filters.FilterSet):
    """The date range of an account statement."""

    date_from = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="effective_date", lookup_expr="lte", label=_("To")
    )

    class Meta:
        model = Posting
        fields = ["date_from", "date_to"]
