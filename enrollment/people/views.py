"""Pages of enrollment and contributions. Thin: scope with selectors, write with services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from enrollment.contributions import selectors as contributions_selectors
from enrollment.people import selectors as people_selectors
from enrollment.people import services
from enrollment.people.filters import EmployerFilter, PersonFilter
from enrollment.people.forms import (
    EmployerForm,
    EmployerUpdateForm,
    EpisodeForm,
    PersonForm,
    PersonStatusForm,
)
from enrollment.personal_accounts import selectors as personal_accounts_selectors
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from pooling.structure.selectors import counties_for

VIEW = "enrollment.view_enrollment"
CHANGE = "enrollment.change_enrollment"


def _municipality(user):
    if user.municipality_id is None:
        raise Http404
    return user.municipality


class _FormView(CapabilityRequiredMixin, View):
    """GET shows the form; POST validates it and calls ``perform``; service errors appear
    next to their fields."""

    template_name = "enrollment/people/form.html"
    heading = ""
    success_message = ""
    multipart = False

    def make_form(self, data=None, files=None):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def context(self, **extra):
        return {"view": self, **extra}

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(form=self.make_form()))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(self.success_message))
                return HttpResponseRedirect(self.success_url(result))
        return render(request, self.template_name, self.context(form=form), status=400)


# Employers ---------------------------------------------------------------------------------


class EmployerListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = EmployerFilter
    template_name = "enrollment/people/employer_list.html"
    paginate_by = 50

    def get_queryset(self):
        return people_selectors.employers_for(user=self.request.user)


class EmployerDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/people/employer_detail.html"
    context_object_name = "employer"

    def get_queryset(self):
        return people_selectors.employers_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = self.object.people.order_by("name")[:200]
        context["payrolls"] = self.object.payrolls.all()
        context["assessments"] = contributions_selectors.assessments_for(
            user=self.request.user
        ).filter(employer=self.object)[:24]
        return context


class EmployerCreateView(_FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Register an employer")
    success_message = _lazy("The employer was registered.")

    def make_form(self, data=None, files=None):
        return EmployerForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form):
        return services.employer_create(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])


class _EmployerObject:
    def employer(self):
        return get_object_or_404(
            people_selectors.employers_for(user=self.request.user), pk=self.kwargs["pk"]
        )


class EmployerUpdateView(_EmployerObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Change an employer")
    success_message = _lazy("The employer was changed.")

    def make_form(self, data=None, files=None):
        employer = self.employer()
        initial = {
            field: getattr(employer, field)
            for field in ("name", "unit_type", "status", "bankruptcy_date")
        }
        return EmployerUpdateForm(data, initial=initial)

    def perform(self, form):
        return services.employer_update(
            employer=self.employer(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:employer_detail", args=[result.pk])


# People ------------------------------------------------------------------------------------


class PersonListView(CapabilityRequiredMixin, FilterView):
    capability = VIEW
    filterset_class = PersonFilter
    template_name = "enrollment/people/person_list.html"
    paginate_by = 50

    def get_queryset(self):
        return people_selectors.people_for(user=self.request.user)


class PersonDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW
    template_name = "enrollment/people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return personal_accounts_selectors.personal_account_balances(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["episodes"] = person.episodes.select_related("county", "employer")
        context["bases"] = person.bases.all()
        context["assessments"] = contributions_selectors.assessments_for(
            user=self.request.user
        ).filter(person=person)[:36]
        context["movements"] = person.account_movements.order_by("-month", "-pk")[:36]
        context["history"] = contributions_selectors.contribution_history(
            person=person, on=timezone.localdate()
        )
        return context


class _PersonObject:
    def person(self):
        return get_object_or_404(
            people_selectors.people_for(user=self.request.user), pk=self.kwargs["pk"]
        )


class PersonCreateView(_FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Enroll a person")
    success_message = _lazy("The person was enrolled.")

    def make_form(self, data=None, files=None):
        user = self.request.user
        return PersonForm(
            data,
            counties=counties_for(user=user),
            employers=people_selectors.employers_for(user=user),
        )

    def perform(self, form):
        return services.person_enroll(actor=self.request.user, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.pk])


class EpisodeCreateView(_PersonObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Add an enrollment episode")
    success_message = _lazy("The episode was added.")

    def make_form(self, data=None, files=None):
        self.person()
        user = self.request.user
        return EpisodeForm(
            data,
            counties=counties_for(user=user),
            employers=people_selectors.employers_for(user=user),
        )

    def perform(self, form):
        return services.episode_add(
            person=self.person(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.person_id])


class PersonStatusView(_PersonObject, _FormView):
    capability = write_capability = CHANGE
    heading = _lazy("Change a person's status")
    success_message = _lazy("The status was changed.")

    def make_form(self, data=None, files=None):
        return PersonStatusForm(data, initial={"status": self.person().status})

    def perform(self, form):
        return services.person_set_status(
            person=self.person(), actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("enrollment:person_detail", args=[result.pk])
