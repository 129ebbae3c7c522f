"""Pages of the enrollment app (namespace ``enrollment``): each feature's own routes."""

from enrollment.care import urls as care
from enrollment.collection_files import urls as collection_files
from enrollment.contributions import urls as contributions
from enrollment.people import urls as people
from enrollment.residents import urls as residents

app_name = "enrollment"

urlpatterns = [
    *people.urlpatterns,
    *contributions.urlpatterns,
    *collection_files.urlpatterns,
    *care.urlpatterns,
    *residents.urlpatterns,
]
