"""Pages of the pooling app (namespace ``pooling``): each feature's own routes."""

from pooling.accounts import urls as accounts
from pooling.rules import urls as rules
from pooling.structure import urls as structure
from pooling.workdays import urls as workdays

app_name = "pooling"

urlpatterns = [
    *structure.urlpatterns,
    *rules.urlpatterns,
    *workdays.urlpatterns,
    *accounts.urlpatterns,
]
