"""Admin: the cycle's records, read-only (they change only through the cycle's services) and
scoped to the administrator's municipality (``pooling.core.admin.ScopedAdmin``)."""

from django.contrib import admin

from pooling.admin import ReadOnlyAdmin
from settlement.cycle.models import CycleStep, MonthlyCycle, RemittanceLine


@admin.register(MonthlyCycle)
class MonthlyCycleAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "month", "status", "created_at", "finished_at"]


@admin.register(CycleStep)
class CycleStepAdmin(ReadOnlyAdmin):
    municipality_path = "cycle__municipality"
    list_display = ["cycle", "position", "name", "status", "count", "amount"]


@admin.register(RemittanceLine)
class RemittanceLineAdmin(ReadOnlyAdmin):
    municipality_path = "cycle__municipality"
    list_display = ["cycle", "stage", "county", "fund_type", "amount", "entry"]
