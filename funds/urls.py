"""Pages of the funds app (namespace ``funds``)."""

from django.urls import path

from funds import collection_views, views

app_name = "funds"

urlpatterns = [
    path("accounts/", views.AccountListView.as_view(), name="account_list"),
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
]
