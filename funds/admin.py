"""Admin of the funds app, scoped by ``pooling.core.admin.ScopedAdmin``: fund types (shared
by every city) editable by the platform operator, the ledger read-only (it changes only
through ``funds.ledger.services``) and each city's to its own administrator."""

from django.contrib import admin

from funds.ledger.models import Account, ClosedMonth, FundType, JournalEntry, LedgerCheck, Posting
from pooling.core.admin import ScopedAdmin, is_city_administrator, is_platform_operator
from pooling.core.admin import ScopedReadOnlyAdmin as _ReadOnlyAdmin


@admin.register(FundType)
class FundTypeAdmin(ScopedAdmin):
    municipality_path = None
    list_display = ["code", "name", "name_en"]


@admin.register(Account)
class AccountAdmin(_ReadOnlyAdmin):
    list_display = ["name", "fund_type", "county", "owner", "kind", "balance"]
    list_filter = ["fund_type", "kind", "owner"]
    search_fields = ["name"]


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "amount", "balance_after"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        """Whoever may see the entry (``JournalEntryAdmin``, scoped) sees its postings."""
        return is_platform_operator(request.user) or is_city_administrator(request.user)


@admin.register(JournalEntry)
class JournalEntryAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "kind", "fund_type", "month", "effective_date", "memo"]
    list_filter = ["kind", "fund_type"]
    search_fields = ["idempotency_key", "memo"]
    inlines = [PostingInline]
    show_full_result_count = False


@admin.register(ClosedMonth)
class ClosedMonthAdmin(_ReadOnlyAdmin):
    list_display = ["municipality", "month", "closed_by", "closed_at"]


@admin.register(LedgerCheck)
class LedgerCheckAdmin(_ReadOnlyAdmin):
    municipality_path = None
    operator_only = True  # one check covers every city's ledger
    list_display = ["started_at", "ok", "accounts_checked", "postings_checked", "problem_count"]
