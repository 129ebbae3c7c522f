"""Pages of collection files: the batches and their rows, importing a tax-bureau file, and
the arrears (assessed minus collected). Thin: they read with the selectors and write with the
services."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from enrollment.collection_files import selectors, services
from enrollment.collection_files.filters import CollectionRowFilter
from enrollment.collection_files.forms import CollectionUploadForm
from enrollment.collection_files.matching import FileRejected
from enrollment.collection_files.models import CollectionRow
from pooling.core.api import user_municipality
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.structure.models import County

VIEW_COLLECTIONS = "enrollment.view_collections"


class ArrearsView(CapabilityRequiredMixin, TemplateView):
    """Arrears per person or employer; county officers see their county's."""

    capability = "enrollment.view_enrollment"
    template_name = "enrollment/collection_files/arrears.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = "employer" if self.request.GET.get("by") == "employer" else "person"
        context["by"] = by
        context["rows"] = selectors.arrears_for(user=self.request.user, by=by)[:500]
        return context


# Collections ------------------------------------------------------------------------------


class CollectionListView(CapabilityRequiredMixin, TemplateView):
    capability = VIEW_COLLECTIONS
    template_name = "enrollment/collection_files/collection_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batches"] = selectors.collection_batches_for(user=self.request.user)[:200]
        return context


class CollectionUploadView(ServiceFormView):
    """Import a tax-bureau file; an unreadable row refuses the whole file and the page shows
    the row-by-row report."""

    capability = VIEW_COLLECTIONS
    write_capability = "enrollment.import_collections"
    template_name = "enrollment/collection_files/collection_upload.html"
    heading = gettext_lazy("Import a collection file")
    multipart = True
    cancel_url_name = "enrollment:collection_list"
    report = None

    def get_form(self, data=None, files=None):
        return CollectionUploadForm(data, files)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        try:
            result = services.collection_file_import(
                municipality=user_municipality(self.request.user),
                file_name=upload.name,
                content=upload.read(),
                actor=self.request.user,
            )
        except FileRejected as error:
            self.report = error.report  # shown below the form, with the error above it
            raise
        if result.created:
            messages.success(self.request, _("The file was imported and matched."))
        else:
            messages.info(self.request, _("This file was imported before; nothing changed."))
        return result

    def get_success_url(self, result) -> str:
        return reverse("enrollment:collection_detail", args=[result.batch.pk])

    def get_context_data(self, **context):
        return super().get_context_data(report=self.report, **context)


class CollectionDetailView(CapabilityRequiredMixin, DetailView):
    capability = VIEW_COLLECTIONS
    template_name = "enrollment/collection_files/collection_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return selectors.collection_batches_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.collection_rows_for(user=self.request.user, batch=self.object)
        context["filter"] = CollectionRowFilter(self.request.GET or None, queryset=rows)
        context["rows"] = context["filter"].qs[:1000]
        postings = selectors.collection_batch_postings(batch=self.object)
        counties = dict(
            County.objects.filter(pk__in={line.county_id for line in postings}).values_list(
                "pk", "name"
            )
        )
        context["postings"] = [
            (
                counties.get(line.county_id, _("city level")),
                selectors.FUND_PART_LABELS.get(line.part, line.part),
                line.amount,
            )
            for line in postings
        ]
        outcome_labels = dict(CollectionRow.Outcome.choices)
        context["outcomes"] = {
            outcome_labels.get(outcome, outcome): count
            for outcome, count in selectors.collection_outcome_counts(batch=self.object).items()
        }
        return context
