"""Pages of the enrollment app (namespace ``enrollment``)."""

from django.urls import path

from enrollment import care_views, institution_views, views

app_name = "enrollment"

urlpatterns = [
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/new/", views.EmployerCreateView.as_view(), name="employer_create"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer_detail"),
    path("employers/<int:pk>/edit/", views.EmployerUpdateView.as_view(), name="employer_update"),
    path(
        "employers/<int:pk>/payroll/", views.EmployerPayrollView.as_view(), name="employer_payroll"
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/episodes/new/", views.EpisodeCreateView.as_view(), name="episode_create"),
    path("people/<int:pk>/status/", views.PersonStatusView.as_view(), name="person_status"),
    path("people/<int:pk>/base/", views.ContributionBaseView.as_view(), name="person_base"),
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/upload/", views.BaseUploadView.as_view(), name="base_upload"),
    path("rules/", views.ContributionRulesView.as_view(), name="contribution_rules"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/run/", views.AssessmentRunView.as_view(), name="assessment_run"),
    path("arrears/", views.ArrearsView.as_view(), name="arrears"),
    path("collections/", views.CollectionListView.as_view(), name="collection_list"),
    path("collections/upload/", views.CollectionUploadView.as_view(), name="collection_upload"),
    path("collections/<int:pk>/", views.CollectionDetailView.as_view(), name="collection_detail"),
    path("top-ups/", views.TopUpView.as_view(), name="top_up"),
    path(
        "institutions/",
        institution_views.InstitutionListView.as_view(),
        name="institution_list",
    ),
    path(
        "institutions/admit/",
        institution_views.InstitutionAdmitView.as_view(),
        name="institution_admit",
    ),
    path(
        "institutions/<int:pk>/",
        institution_views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        institution_views.InstitutionUpdateView.as_view(),
        name="institution_update",
    ),
    path(
        "institutions/<int:pk>/review/",
        institution_views.InstitutionReviewView.as_view(),
        name="institution_review",
    ),
    path("diseases/", care_views.DiseaseApplicationListView.as_view(), name="disease_list"),
    path("diseases/add/", care_views.SpecifiedDiseaseAddView.as_view(), name="disease_add"),
    path("diseases/apply/", care_views.DiseaseApplyView.as_view(), name="disease_apply"),
    path(
        "diseases/<int:pk>/assess/", care_views.DiseaseAssessView.as_view(), name="disease_assess"
    ),
    path("filings/", care_views.OutOfAreaFilingListView.as_view(), name="filing_list"),
    path("filings/new/", care_views.FilingCreateView.as_view(), name="filing_create"),
    path("filings/<int:pk>/decide/", care_views.FilingDecideView.as_view(), name="filing_decide"),
]
