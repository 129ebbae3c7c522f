"""Pages of the funds app (namespace ``funds``)."""

from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account_list"),
    path("accounts/<int:pk>/", views.AccountStatementView.as_view(), name="account_statement"),
    path("entries/", views.EntryListView.as_view(), name="entry_list"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("checks/", views.LedgerCheckListView.as_view(), name="check_list"),
]
