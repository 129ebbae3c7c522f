"""Routes of the budget and quota pages, in the app's namespace."""

from django.urls import path

from funds.budgets import views

urlpatterns = [
    path("budgets/", views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/new/", views.BudgetDraftView.as_view(), name="budget_create"),
    path("budgets/<int:pk>/", views.BudgetDetailView.as_view(), name="budget_detail"),
    path("budgets/<int:pk>/edit/", views.BudgetDraftView.as_view(), name="budget_edit"),
    path("budgets/<int:pk>/submit/", views.BudgetSubmitView.as_view(), name="budget_submit"),
    path(
        "budgets/<int:pk>/approve/",
        views.BudgetApproveView.as_view(),
        name="budget_approve",
    ),
    path("budgets/<int:pk>/quotas/", views.BudgetDetailView.as_view(), name="quota_set"),
    path(
        "budgets/<int:pk>/carry-forward/",
        views.QuotaCarryForwardView.as_view(),
        name="quota_carry_forward",
    ),
    path("quotas/", views.QuotaListView.as_view(), name="quota_list"),
]
