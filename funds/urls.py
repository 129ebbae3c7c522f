"""Pages of the funds app (namespace ``funds``)."""

from django.urls import path

from funds import (
    benefit_views,
    budget_views,
    collection_views,
    final_account_views,
    history_views,
    views,
)

app_name = "funds"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account_list"),
    path(
        "final-accounts/",
        final_account_views.FinalAccountsView.as_view(),
        name="final_accounts",
    ),
    path("budgets/", budget_views.BudgetListView.as_view(), name="budget_list"),
    path("budgets/new/", budget_views.BudgetDraftView.as_view(), name="budget_create"),
    path("budgets/<int:pk>/", budget_views.BudgetDetailView.as_view(), name="budget_detail"),
    path("budgets/<int:pk>/edit/", budget_views.BudgetDraftView.as_view(), name="budget_edit"),
    path("budgets/<int:pk>/submit/", budget_views.BudgetSubmitView.as_view(), name="budget_submit"),
    path(
        "budgets/<int:pk>/approve/",
        budget_views.BudgetApproveView.as_view(),
        name="budget_approve",
    ),
    path("budgets/<int:pk>/quotas/", budget_views.QuotaSetView.as_view(), name="quota_set"),
    path(
        "budgets/<int:pk>/carry-forward/",
        budget_views.QuotaCarryForwardView.as_view(),
        name="quota_carry_forward",
    ),
    path("quotas/", budget_views.QuotaListView.as_view(), name="quota_list"),
    path("accounts/<int:pk>/", views.AccountStatementView.as_view(), name="account_statement"),
    path("entries/", views.EntryListView.as_view(), name="entry_list"),
    path("entries/<int:pk>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path("checks/", views.LedgerCheckListView.as_view(), name="check_list"),
    path(
        "collections/",
        collection_views.CollectionPostingListView.as_view(),
        name="collection_batches",
    ),
    path(
        "collections/<int:pk>/post/",
        collection_views.CollectionBatchPostView.as_view(),
        name="collection_batch_post",
    ),
    path(
        "collections/retiree-credits/",
        collection_views.RetireeCreditsPostView.as_view(),
        name="retiree_credits_post",
    ),
    path(
        "people/<int:person_pk>/top-up/",
        collection_views.TopUpBookView.as_view(),
        name="top_up_book",
    ),
    # Historical balances, releases and deficit subsidies (issue 8 items 1, 2, 4).
    path("history/", history_views.HistoryListView.as_view(), name="history_list"),
    path("history/new/", history_views.HistoryRegisterView.as_view(), name="history_register"),
    path("history/<int:pk>/", history_views.HistoryDetailView.as_view(), name="history_detail"),
    path(
        "history/releases/<int:pk>/decide/",
        history_views.ReleaseDecideView.as_view(),
        name="release_decide",
    ),
    path("deficits/", history_views.DeficitListView.as_view(), name="deficit_list"),
    path("deficits/apply/", history_views.DeficitApplyView.as_view(), name="deficit_apply"),
    path("deficits/<int:pk>/", history_views.DeficitDetailView.as_view(), name="deficit_detail"),
    path("benefits/", benefit_views.BenefitStatementListView.as_view(), name="benefit_list"),
    path(
        "benefits/enter/", benefit_views.BenefitStatementEnterView.as_view(), name="benefit_enter"
    ),
    path("benefits/import/", benefit_views.BenefitImportView.as_view(), name="benefit_import"),
    path(
        "benefits/<int:pk>/",
        benefit_views.BenefitStatementDetailView.as_view(),
        name="benefit_detail",
    ),
    path(
        "benefits/<int:pk>/review/",
        benefit_views.BenefitStatementReviewView.as_view(),
        name="benefit_review",
    ),
    path(
        "benefits/<int:pk>/pay/",
        benefit_views.BenefitStatementPayView.as_view(),
        name="benefit_pay",
    ),
    path(
        "benefits/pharmacy-spending/",
        benefit_views.PharmacySpendingImportView.as_view(),
        name="pharmacy_spending_import",
    ),
]
