"""Pages of the settlement app (namespace ``settlement``)."""

app_name = "settlement"

urlpatterns: list = []
