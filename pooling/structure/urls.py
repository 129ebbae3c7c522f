"""Routes of structure: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from pooling.structure import api, views

urlpatterns = [
    path("counties/", views.CountyListView.as_view(), name="county_list"),
    path("counties/<int:pk>/", views.CountyDetailView.as_view(), name="county_detail"),
    path("pooling-models/", views.PoolingModelListView.as_view(), name="pooling_model_list"),
    path(
        "pooling-models/new/",
        views.PoolingModelCreateView.as_view(),
        name="pooling_model_create",
    ),
    path("accession/", views.AccessionListView.as_view(), name="accession_list"),
    path("accession/new/", views.AccessionCreateView.as_view(), name="accession_create"),
]


router = DefaultRouter()
router.register("counties", api.CountyViewSet, basename="county")
router.register("pooling-models", api.CountyPoolingModelViewSet, basename="pooling-model")
router.register("accession-evaluations", api.AccessionEvaluationViewSet, basename="accession")


api_urlpatterns = [
    *router.urls,
]
