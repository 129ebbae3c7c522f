"""API routes of the funds app: the ledger read-only, plus booking contributions."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from funds import api, benefit_api, final_account_api, history_api

router = DefaultRouter()
router.register("fund-accounts", api.AccountViewSet, basename="fund-account")
router.register("journal-entries", api.JournalEntryViewSet, basename="journal-entry")
router.register("postings", api.PostingViewSet, basename="posting")
router.register(
    "benefit-statements", benefit_api.BenefitStatementViewSet, basename="benefit-statement"
)
router.register(
    "historical-balances", history_api.HistoricalBalanceViewSet, basename="historical-balance"
)
router.register("time-deposits", history_api.TimeDepositViewSet, basename="time-deposit")
router.register(
    "release-applications", history_api.ReleaseApplicationViewSet, basename="release-application"
)
router.register(
    "deficit-applications", history_api.DeficitApplicationViewSet, basename="deficit-application"
)

urlpatterns = [
    path(
        "final-accounts/",
        final_account_api.FinalAccountsAPIView.as_view(),
        name="final-accounts",
    ),
    path(
        "collection-batches/<int:pk>/post/",
        api.CollectionBatchPostView.as_view(),
        name="collection-batch-post",
    ),
    path(
        "retiree-credits/post/", api.RetireeCreditsPostView.as_view(), name="retiree-credits-post"
    ),
    path("top-ups/book/", api.TopUpBookView.as_view(), name="top-up-book"),
    path(
        "pharmacy-spending/import/",
        benefit_api.PharmacySpendingImportView.as_view(),
        name="pharmacy-spending-import",
    ),
    *router.urls,
]
