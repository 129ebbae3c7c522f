"""Routes of the contribution bookings: pages (``urlpatterns``, in the app's namespace) and API
(``api_urlpatterns``, under /api/)."""

from django.urls import path

from funds.booking import api, views

urlpatterns = [
    path(
        "collections/",
        views.CollectionPostingListView.as_view(),
        name="collection_batches",
    ),
    path(
        "collections/<int:pk>/post/",
        views.CollectionBatchPostView.as_view(),
        name="collection_batch_post",
    ),
    path(
        "collections/retiree-credits/",
        views.CollectionPostingListView.as_view(),
        name="retiree_credits_post",
    ),
    path(
        "people/<int:person_pk>/top-up/",
        views.TopUpBookView.as_view(),
        name="top_up_book",
    ),
]


api_urlpatterns = [
    path(
        "collection-batches/<int:pk>/post/",
        api.CollectionBatchPostView.as_view(),
        name="collection-batch-post",
    ),
    path(
        "retiree-credits/post/",
        api.RetireeCreditsPostView.as_view(),
        name="retiree-credits-post",
    ),
    path("top-ups/book/", api.TopUpBookView.as_view(), name="top-up-book"),
]
