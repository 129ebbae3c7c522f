"""Routes of the fund catalogue: the page (``urlpatterns``) and the API (``api_urlpatterns``)."""

from django.urls import path

from funds.catalogue import api, views

urlpatterns = [
    path("catalogue/", views.FundCatalogueView.as_view(), name="fund_catalogue"),
]

api_urlpatterns = [
    path("fund-catalogue/", api.FundCatalogueAPIView.as_view(), name="fund-catalogue"),
]
