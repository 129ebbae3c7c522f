"""Routes of people: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment.people import api, views

urlpatterns = [
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/new/", views.EmployerCreateView.as_view(), name="employer_create"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer_detail"),
    path(
        "employers/<int:pk>/edit/",
        views.EmployerUpdateView.as_view(),
        name="employer_update",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "people/<int:pk>/episodes/new/",
        views.EpisodeCreateView.as_view(),
        name="episode_create",
    ),
    path("people/<int:pk>/status/", views.PersonStatusView.as_view(), name="person_status"),
]


router = SimpleRouter()
router.register("employers", api.EmployerViewSet, basename="employer")
router.register("people", api.PersonViewSet, basename="person")
router.register("episodes", api.EpisodeViewSet, basename="episode")


api_urlpatterns = [
    *router.urls,
]
