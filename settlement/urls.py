"""Pages of the settlement app (namespace ``settlement``): each feature's own routes."""

from settlement.benefits import urls as benefits
from settlement.benefits.claims import urls as claims
from settlement.benefits.standards import urls as standards
from settlement.cycle import urls as cycle
from settlement.institutions import urls as institutions
from settlement.notifications import urls as notifications
from settlement.own_disbursements import urls as own_disbursements
from settlement.plans import urls as plans
from settlement.risk import urls as risk
from settlement.targets import urls as targets
from settlement.yearend import urls as yearend

app_name = "settlement"

urlpatterns = [
    *cycle.urlpatterns,
    *plans.urlpatterns,
    *notifications.urlpatterns,
    *own_disbursements.urlpatterns,
    *institutions.urlpatterns,
    *benefits.urlpatterns,
    *standards.urlpatterns,
    *claims.urlpatterns,
    *targets.urlpatterns,
    *yearend.urlpatterns,
    *risk.urlpatterns,
]
