"""API routes of the settlement app: each feature's own routes."""

from settlement.benefits import urls as benefits
from settlement.benefits.claims import urls as claims
from settlement.benefits.standards import urls as standards
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
    *standards.api_urlpatterns,
    *claims.api_urlpatterns,
    *targets.api_urlpatterns,
    *yearend.api_urlpatterns,
    *risk.api_urlpatterns,
]
