"""Django admin for reference data, scoped by ``pooling.core.admin.ScopedAdmin``: a city
administrator sees and changes its own municipality only, the platform operator everything.
Dated rules, pooling models and accession are changed through the pages (services with
audit); admin shows them read-only. The national holiday calendar is shared by every city: it
is read-only here, and only the platform operator edits it on its page."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from pooling.accounts.models import AuditEvent, User
from pooling.core.admin import ScopedAdmin, ScopedReadOnlyAdmin, is_platform_operator
from pooling.rules.models import PolicyRule
from pooling.structure.models import AccessionEvaluation, County, CountyPoolingModel, Municipality
from pooling.workdays.models import CalendarOverride

# Kept under its old name for the apps' admin modules.
ReadOnlyAdmin = ScopedReadOnlyAdmin


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    municipality_path = "pk"
    operator_writes = True
    list_display = ["code", "name", "name_en", "slug", "pooling_start"]


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "municipality",
        "member_from",
        "member_to",
        "accession_date",
    ]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["accession_date"]


@admin.register(CountyPoolingModel)
class CountyPoolingModelAdmin(ScopedReadOnlyAdmin):
    municipality_path = "county__municipality"
    list_display = ["county", "model", "effective_from", "effective_to"]
    list_filter = ["model"]


@admin.register(AccessionEvaluation)
class AccessionEvaluationAdmin(ScopedReadOnlyAdmin):
    municipality_path = "county__municipality"
    list_display = ["county", "evaluated_on", "result", "join_date", "decided_by"]


@admin.register(PolicyRule)
class PolicyRuleAdmin(ScopedReadOnlyAdmin):
    list_display = ["key", "municipality", "county", "value", "effective_from", "effective_to"]
    list_filter = ["key"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ScopedReadOnlyAdmin):
    municipality_path = None
    list_display = ["date", "is_workday", "note"]


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]


# Fields only the platform operator sets: who is a superuser and Django's own permissions.
OPERATOR_FIELDS = {"is_superuser", "groups", "user_permissions"}


@admin.register(User)
class UserAdmin(ScopedAdmin, BaseUserAdmin):
    list_display = ["username", "role", "municipality", "county", "is_active"]
    list_filter = ["role"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role"), {"fields": ["role", "municipality", "county"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ["role", "municipality", "county"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        """A city administrator never sees (so never posts) the superuser flag, groups or
        permissions: it cannot make a platform operator."""
        fieldsets = super().get_fieldsets(request, obj)
        if is_platform_operator(request.user):
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field not in OPERATOR_FIELDS]
            kept.append((name, {**options, "fields": fields}))
        return kept
