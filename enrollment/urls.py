"""Pages of the enrollment app (namespace ``enrollment``)."""

app_name = "enrollment"

urlpatterns: list = []
