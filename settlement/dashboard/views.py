"""The home page: per role, what waits, this month's cycle, each fund's cover per county and the
last imports (``settlement.dashboard.selectors``)."""

from django.utils import timezone
from django.views.generic import TemplateView

from pooling.structure.selectors import counties_for
from settlement.dashboard.selectors import home_for


class HomeView(TemplateView):
    """Every logged-in user has a home page; what it shows follows their capabilities."""

    template_name = "settlement/dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = home_for(user=self.request.user, today=timezone.localdate())
        context["counties"] = counties_for(user=self.request.user).order_by("code")
        return context
