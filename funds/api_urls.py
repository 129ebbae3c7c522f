"""API routes of the funds app: each feature's own routes."""

from funds.booking import urls as booking
from funds.catalogue import urls as catalogue
from funds.history import urls as history
from funds.interest import urls as interest
from funds.ledger import urls as ledger
from funds.reports import urls as reports
from funds.residents import urls as residents

urlpatterns = [
    *ledger.api_urlpatterns,
    *reports.api_urlpatterns,
    *booking.api_urlpatterns,
    *history.api_urlpatterns,
    *catalogue.api_urlpatterns,
    *interest.api_urlpatterns,
    *residents.api_urlpatterns,
]
