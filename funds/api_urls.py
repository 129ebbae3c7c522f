"""API routes of the funds app."""

urlpatterns: list = []
