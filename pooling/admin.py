"""Django admin for reference data. Dated rules, pooling models and accession are changed
through the pages (services with audit); admin shows them read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import AuditEvent, User
from pooling.rules.models import PolicyRule
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel, Municipality
from pooling.workdays.models import CalendarOverride


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "slug", "pooling_start"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "municipality",
        "member_from",
        "member_to",
        "accession_date",
    ]
    list_filter = ["municipality", "kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["accession_date"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CountyPoolingModel)
class CountyPoolingModelAdmin(ReadOnlyAdmin):
    list_display = ["county", "model", "effective_from", "effective_to"]
    list_filter = ["model", "county__municipality"]


@admin.register(AccessionEvaluation)
class AccessionEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["county", "evaluated_on", "result", "join_date", "decided_by"]


@admin.register(PolicyRule)
class PolicyRuleAdmin(ReadOnlyAdmin):
    list_display = ["key", "municipality", "county", "value", "effective_from", "effective_to"]
    list_filter = ["municipality", "key"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ["date", "is_workday", "note"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "municipality", "county", "is_active"]
    list_filter = ["role", "municipality"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role"), {"fields": ["role", "municipality", "county"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ["role", "municipality", "county"]}),
    ]
