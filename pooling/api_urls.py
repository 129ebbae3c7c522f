"""API routes of the pooling app: each feature's own routes."""

from pooling.accounts import urls as accounts
from pooling.rules import urls as rules
from pooling.structure import urls as structure
from pooling.workdays import urls as workdays

urlpatterns = [
    *structure.api_urlpatterns,
    *rules.api_urlpatterns,
    *workdays.api_urlpatterns,
    *accounts.api_urlpatterns,
]
