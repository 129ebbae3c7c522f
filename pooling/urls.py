"""Root URLs of the project: pages of every app, the API under /api/, auth, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pooling.accounts import views as accounts_views
from pooling.accounts.api import obtain_auth_token
from pooling.accounts.forms import ThrottledAdminAuthenticationForm
from settlement.dashboard import views as dashboard_views

api_patterns = [
    path("", include("pooling.api_urls")),
    path("", include("enrollment.api_urls")),
    path("", include("funds.api_urls")),
    path("", include("settlement.api_urls")),
    path("auth/token/", login_not_required(obtain_auth_token), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

# Pages that moved with their feature to another app: old bookmarks still arrive.
MOVED_PAGES = [
    ("enrollment/institutions/", "/settlement/institutions/"),
    ("funds/benefits/", "/settlement/benefits/"),
    ("funds/deficits/", "/settlement/deficits/"),
]

# The admin's login counts failures with every other login (pooling.accounts.login_throttle).
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", dashboard_views.HomeView.as_view(), name="home"),
    path("login/", login_not_required(accounts_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("pooling.page_urls")),
    path("enrollment/", include("enrollment.urls")),
    path("funds/", include("funds.urls")),
    path("settlement/", include("settlement.urls")),
    *(
        re_path(
            rf"^{old}(?P<rest>.*)$",
            RedirectView.as_view(url=f"{new}%(rest)s", permanent=True, query_string=True),
        )
        for old, new in MOVED_PAGES
    ),
]
