"""API routes of the enrollment app: each feature's own routes."""

from enrollment.care import urls as care
from enrollment.collection_files import urls as collection_files
from enrollment.contributions import urls as contributions
from enrollment.people import urls as people
from enrollment.residents import urls as residents

urlpatterns = [
    *people.api_urlpatterns,
    *contributions.api_urlpatterns,
    *collection_files.api_urlpatterns,
    *care.api_urlpatterns,
    *residents.api_urlpatterns,
]
