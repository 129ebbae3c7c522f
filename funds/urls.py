"""Pages of the funds app (namespace ``funds``)."""

app_name = "funds"

urlpatterns: list = []
