"""API routes of the settlement app: each feature's own routes."""

from settlement.benefits import urls as benefits
from settlement.cycle import urls as cycle
from settlement.institutions import urls as institutions
from settlement.own_disbursements import urls as own_disbursements
from settlement.plans import urls as plans
from settlement.risk import urls as risk
from settlement.targets import urls as targets
from settlement.yearend import urls as yearend

urlpatterns = [
    *cycle.api_urlpatterns,
    *plans.api_urlpatterns,
    *own_disbursements.api_urlpatterns,
    *institutions.api_urlpatterns,
    *benefits.api_urlpatterns,
    *targets.api_urlpatterns,
    *yearend.api_urlpatterns,
    *risk.api_urlpatterns,
]
