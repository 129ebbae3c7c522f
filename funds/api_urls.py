"""API routes of the funds app (read-only)."""

from rest_framework.routers import DefaultRouter

from funds import api

router = DefaultRouter()
router.register("fund-accounts", api.AccountViewSet, basename="fund-account")
router.register("journal-entries", api.JournalEntryViewSet, basename="journal-entry")
router.register("postings", api.PostingViewSet, basename="posting")

urlpatterns = router.urls
