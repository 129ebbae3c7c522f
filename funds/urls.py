"""Pages of the funds app (namespace ``funds``): each feature's own routes."""

from funds.booking import urls as booking
from funds.budgets import urls as budgets
from funds.catalogue import urls as catalogue
from funds.history import urls as history
from funds.interest import urls as interest
from funds.ledger import urls as ledger
from funds.reports import urls as reports
from funds.residents import urls as residents

app_name = "funds"

urlpatterns = [
    *ledger.urlpatterns,
    *reports.urlpatterns,
    *budgets.urlpatterns,
    *booking.urlpatterns,
    *history.urlpatterns,
    *catalogue.urlpatterns,
    *interest.urlpatterns,
    *residents.urlpatterns,
]
