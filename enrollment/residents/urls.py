"""Routes of resident enrollment: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from enrollment.residents import api, views

urlpatterns = [
    path("residents/", views.ResidentEnrollmentListView.as_view(), name="resident_list"),
    path("residents/enrol/", views.ResidentEnrollView.as_view(), name="resident_enroll"),
    path("residents/import/", views.ResidentImportView.as_view(), name="resident_import"),
    path("residents/assess/", views.ResidentAssessView.as_view(), name="resident_assess"),
    path("residents/arrears/", views.ResidentArrearsView.as_view(), name="resident_arrears"),
    path(
        "residents/<int:pk>/claim-free/",
        views.ClaimFreeView.as_view(),
        name="resident_claim_free",
    ),
]

router = SimpleRouter()
router.register(
    "resident-enrollments", api.ResidentEnrollmentViewSet, basename="resident-enrollment"
)

api_urlpatterns = [*router.urls]
