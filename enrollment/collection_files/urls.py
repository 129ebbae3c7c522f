"""Routes of collection files: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment.collection_files import api, views

urlpatterns = [
    path("arrears/", views.ArrearsView.as_view(), name="arrears"),
    path("collections/", views.CollectionListView.as_view(), name="collection_list"),
    path(
        "collections/upload/",
        views.CollectionUploadView.as_view(),
        name="collection_upload",
    ),
    path(
        "collections/<int:pk>/",
        views.CollectionDetailView.as_view(),
        name="collection_detail",
    ),
]


router = SimpleRouter()
router.register("collections", api.CollectionBatchViewSet, basename="collection")


api_urlpatterns = [
    *router.urls,
]
