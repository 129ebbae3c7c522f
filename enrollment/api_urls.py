"""API routes of the enrollment app."""

urlpatterns: list = []
