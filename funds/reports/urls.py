"""Routes of the final accounts: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path

from funds.reports import api, views

urlpatterns = [
    path(
        "final-accounts/",
        views.FinalAccountsView.as_view(),
        name="final_accounts",
    ),
]


api_urlpatterns = [
    path(
        "final-accounts/",
        api.FinalAccountsAPIView.as_view(),
        name="final-accounts",
    ),
]
