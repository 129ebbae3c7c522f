"""API routes of the funds app: each feature's own routes."""

from funds.booking import urls as booking
from funds.history import urls as history
from funds.ledger import urls as ledger
from funds.reports import urls as reports
from funds.residents import urls as residents

urlpatterns = [
    *ledger.api_urlpatterns,
    *reports.api_urlpatterns,
    *booking.api_urlpatterns,
    *history.api_urlpatterns,
    *residents.api_urlpatterns,
]
