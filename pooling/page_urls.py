"""Pages of the pooling app (namespace ``pooling``)."""

from django.urls import path

from pooling import views

app_name = "pooling"

urlpatterns = [
    path("counties/", views.CountyListView.as_view(), name="county_list"),
    path("counties/<int:pk>/", views.CountyDetailView.as_view(), name="county_detail"),
    path("pooling-models/", views.PoolingModelListView.as_view(), name="pooling_model_list"),
    path(
        "pooling-models/new/", views.PoolingModelCreateView.as_view(), name="pooling_model_create"
    ),
    path("accession/", views.AccessionListView.as_view(), name="accession_list"),
    path("accession/new/", views.AccessionCreateView.as_view(), name="accession_create"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path(
        "calendar/<int:pk>/delete/",
        views.CalendarOverrideDeleteView.as_view(),
        name="calendar_override_delete",
    ),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
]
