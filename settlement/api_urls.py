"""API routes of the settlement app."""

urlpatterns: list = []
