"""Routes of the ledger browser: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from funds.ledger import api, views

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account_list"),
    path("accounts/<int:pk>/", views.AccountStatementView.as_view(), name="account_statement"),
    path("entries/", views.EntryListView.as_view(), name="entry_list"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("checks/", views.LedgerCheckListView.as_view(), name="check_list"),
]


router = SimpleRouter()
router.register("fund-accounts", api.AccountViewSet, basename="fund-account")
router.register("journal-entries", api.JournalEntryViewSet, basename="journal-entry")
router.register("postings", api.PostingViewSet, basename="posting")


api_urlpatterns = [
    *router.urls,
]
