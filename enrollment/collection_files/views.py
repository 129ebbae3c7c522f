"""Pages of enrollment and contributions. Thin: scope with selectors, write with services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from enrollment.collection_files import selectors, services
from enrollment.collection_files.filters import CollectionRowFilter
from enrollment.collection_files.forms import CollectionUploadForm
from enrollment.collection_files.matching import FileRejected
from enrollment.people.views import VIEW, _municipality
from pooling.core.views import CapabilityRequiredMixin, add_service_errors


class ArrearsView(CapabilityRequiredMixin, TemplateView):
    capability = VIEW
    template_name = "enrollment/collection_files/arrears.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = "employer" if self.request.GET.get("by") == "employer" else "person"
        context["by"] = by
        context["rows"] = selectors.arrears_for(user=self.request.user, by=by)[:500]
        return context


# Collections ------------------------------------------------------------------------------


class CollectionListView(CapabilityRequiredMixin, TemplateView):
    capability = "enrollment.view_collections"
    template_name = "enrollment/collection_files/collection_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = selectors.collection_batches_for(user=self.request.user)[:200]
        return context


class CollectionUploadView(CapabilityRequiredMixin, View):
    capability = "enrollment.view_collections"
    write_capability = "enrollment.import_collections"
    template_name = "enrollment/collection_files/collection_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CollectionUploadForm()})

    def post(self, request):
        form = CollectionUploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.collection_file_import(
                    municipality=_municipality(request.user),
                    file_name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except FileRejected as error:
                report = error.report
                add_service_errors(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if result.created:
                    messages.success(request, _("The file was imported and matched."))
                else:
                    messages.info(request, _("This file was imported before; nothing changed."))
                return HttpResponseRedirect(
                    reverse("enrollment:collection_detail", args=[result.batch.pk])
                )
        return render(request, self.template_name, {"form": form, "report": report}, status=400)


class CollectionDetailView(CapabilityRequiredMixin, DetailView):
    capability = "enrollment.view_collections"
    template_name = "enrollment/collection_files/collection_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return selectors.collection_batches_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.collection_rows_for(user=self.request.user, batch=self.object)
        context["filter"] = CollectionRowFilter(self.request.GET or None, queryset=rows)
        context["rows"] = context["filter"].qs[:1000]
        context["postings"] = selectors.collection_batch_postings(batch=self.object)
        context["outcomes"] = selectors.collection_outcome_counts(batch=self.object)
        return context
