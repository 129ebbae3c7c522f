"""API routes of the funds app: the ledger read-only, plus booking contributions."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from funds import api, benefit_api

router = DefaultRouter()
router.register("fund-accounts", api.AccountViewSet, basename="fund-account")
router.register("journal-entries", api.JournalEntryViewSet, basename="journal-entry")
router.register("postings", api.PostingViewSet, basename="posting")
router.register(
    "benefit-statements", benefit_api.BenefitStatementViewSet, basename="benefit-statement"
)

urlpatterns = [
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
