"""Routes of own disbursements: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path

from settlement.own_disbursements import api, views

urlpatterns = [
    path(
        "own-disbursements/",
        views.OwnDisbursementListView.as_view(),
        name="own_disbursement_list",
    ),
    path(
        "own-disbursements/new/",
        views.OwnDisbursementCreateView.as_view(),
        name="own_disbursement_create",
    ),
]


api_urlpatterns = [
    path(
        "own-disbursements/",
        api.OwnDisbursementAPIView.as_view(),
        name="own-disbursements",
    ),
]
