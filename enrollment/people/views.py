"""Pages of employers, insured people and their enrollment episodes. Thin: they read with the
selectors and write with the services; another county's record is a 404 for a county
officer."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from enrollment.contributions.selectors import assessments_for, contribution_history
from enrollment.people import services
from enrollment.people.filters import EmployerFilter, PersonFilter
from enrollment.people.forms import (
    EmployerForm,
    EmployerUpdateForm,
    EpisodeForm,
    PersonForm,
    PersonStatusForm,
)
from enrollment.people.models import Employer, InsuredPerson
from enrollment.people.selectors import employers_for, people_for
from enrollment.personal_accounts.selectors import personal_account_balances
from enrollment.residents.selectors import resident_enrollments_for
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView, SortableListMixin
from pooling.structure.selectors import counties_for

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


# Employers ---------------------------------------------------------------------------------


class EmployerListView(CapabilityRequiredMixin, SortableListMixin, FilterView):
    capability = VIEW
    filterset_class = EmployerFilter
    template_name = "enrollment/people/employer_list.html"
    paginate_by = 50
    sort_fields = {
        "credit_code": "credit_code",
        "name": "name",
        "unit_type": "unit_type",
        "county": "county__code",
        "status": "status",
    }

    def get_queryset(self):
        return employers_for(user=self.request.user)


class EmployerDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/people/employer_detail.html"
    context_object_name = "employer"

    def get_queryset(self):
        return employers_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = self.object.people.order_by("name")[:200]
        context["payrolls"] = self.object.payrolls.all()
        context["assessments"] = assessments_for(user=self.request.user).filter(
            employer=self.object
        )[:24]
        return context


class EmployerCreateView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = _("Register an employer")
    success_message = _("The employer was registered.")
    cancel_url_name = "enrollment:employer_list"

    def get_form(self, data=None, files=None):
        return EmployerForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form):
        return services.employer_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])


class EmployerUpdateView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = _("Change an employer")
    success_message = _("The employer was changed.")

    def get_form(self, data=None, files=None):
        self.employer: Employer = get_object_or_404(
            employers_for(user=self.request.user), pk=self.kwargs["pk"]
        )
        initial = {
            field: getattr(self.employer, field)
            for field in ("name", "unit_type", "status", "bankruptcy_date")
        }
        return EmployerUpdateForm(data, initial=initial)

    def perform(self, form):
        return services.employer_update(
            employer=self.employer, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:employer_detail", args=[self.kwargs["pk"]])


# People ------------------------------------------------------------------------------------


class PersonListView(CapabilityRequiredMixin, SortableListMixin, FilterView):
    capability = VIEW
    filterset_class = PersonFilter
    template_name = "enrollment/people/person_list.html"
    paginate_by = 50
    sort_fields = {"name": "name", "id_number": "id_number", "county": "county__code"}

    def get_queryset(self):
        return people_for(user=self.request.user)


class PersonDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return personal_account_balances(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["episodes"] = person.episodes.select_related("county", "employer")
        context["bases"] = person.bases.all()
        context["assessments"] = assessments_for(user=self.request.user).filter(person=person)[:36]
        context["movements"] = person.account_movements.order_by("-month", "-pk")[:36]
        context["history"] = contribution_history(person=person, on=timezone.localdate())
        context["resident_enrollments"] = resident_enrollments_for(user=self.request.user).filter(
            person=person
        )
        return context


class PersonCreateView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = _("Enroll a person")
    success_message = _("The person was enrolled.")
    cancel_url_name = "enrollment:person_list"

    def get_form(self, data=None, files=None):
        user = self.request.user
        return PersonForm(
            data, counties=counties_for(user=user), employers=employers_for(user=user)
        )

    def perform(self, form):
        return services.person_enroll(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.pk])


class _PersonFormView(ServiceFormView):
    """A form about one person of the user's scope (``self.person``); back to their page."""

    capability = write_capability = CHANGE

    def get_form(self, data=None, files=None):
        self.person: InsuredPerson = get_object_or_404(
            people_for(user=self.request.user), pk=self.kwargs["pk"]
        )
        return self.person_form(data)

    def person_form(self, data):
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[self.person.pk])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:person_detail", args=[self.kwargs["pk"]])


class EpisodeCreateView(_PersonFormView):
    heading = _("Add an enrollment episode")
    success_message = _("The episode was added.")

    def person_form(self, data):
        user = self.request.user
        return EpisodeForm(
            data, counties=counties_for(user=user), employers=employers_for(user=user)
        )

    def perform(self, form):
        return services.episode_add(
            person=self.person, actor=self.request.user, **form.cleaned_data
        )


class PersonStatusView(_PersonFormView):
    heading = _("Change a person's status")
    success_message = _("The status was changed.")

    def person_form(self, data):
        return PersonStatusForm(data, initial={"status": self.person.status})

    def perform(self, form):
        return services.person_set_status(
            person=self.person, actor=self.request.user, **form.cleaned_data
        )
