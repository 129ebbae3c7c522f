"""Pages that book contributions to the ledger: post collection batches, post the retirees'
monthly personal-account credits, book a quoted top-up. Thin: they call
``funds.collections`` and show its refusals."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from enrollment.collection_files import selectors as collection_files_selectors
from enrollment.collection_files.models import CollectionBatch
from enrollment.people import selectors as people_selectors
from funds.booking import services
from funds.booking.forms import RetireeCreditsForm, TopUpBookForm
from funds.ledger.models import JournalEntry
from pooling.core.views import CapabilityRequiredMixin, add_service_errors

VIEW = "funds.view_collection_postings"
POST = "funds.post_collections"
BOOK_TOP_UP = "funds.book_top_ups"
RECENT_POSTED = 20


def _municipality(user):
    if user.municipality_id is None:
        raise Http404
    return user.municipality


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class CollectionPostingListView(CapabilityRequiredMixin, View):
    """Collection batches ready to post, with a button each, the latest posted batches with
    their ledger entries, and the retirees' monthly credits."""

    capability = VIEW

    def get(self, request):
        return _batch_list(request)


def _batch_list(request, credits_form=None, status=200):
    """The batch page; ``credits_form`` re-shows a refused retiree-credit form."""
    batches = collection_files_selectors.collection_batches_for(user=request.user)
    ready = list(batches.filter(status=CollectionBatch.Status.READY).order_by("imported_at"))
    posted = list(
        batches.filter(status=CollectionBatch.Status.POSTED).order_by("-posted_at")[:RECENT_POSTED]
    )
    entries: dict[str, list[JournalEntry]] = {}
    if posted:
        for entry in (
            JournalEntry.objects.filter(
                source_type=ContentType.objects.get_for_model(CollectionBatch),
                source_id__in=[str(batch.pk) for batch in posted],
            )
            .select_related("fund_type")
            .order_by("pk")
        ):
            entries.setdefault(entry.source_id, []).append(entry)
    for batch in posted:
        batch.ledger_entries = entries.get(str(batch.pk), [])
    return render(
        request,
        "funds/booking/batch_list.html",
        {
            "ready": ready,
            "posted": posted,
            "credits_form": credits_form
            or RetireeCreditsForm(initial={"month": f"{timezone.localdate():%Y-%m}"}),
        },
        status=status,
    )


class CollectionBatchPostView(CapabilityRequiredMixin, View):
    """POST: post one ready batch to the ledger."""

    capability = VIEW
    write_capability = POST

    def post(self, request, pk: int):
        batch = get_object_or_404(
            collection_files_selectors.collection_batches_for(user=request.user), pk=pk
        )
        try:
            entries = services.collection_batch_post(batch=batch, actor=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Batch %(file)s posted: %(count)s ledger entries.")
                % {"file": batch.file_name, "count": len(entries)},
            )
        return redirect("funds:collection_batches")


class RetireeCreditsPostView(CapabilityRequiredMixin, View):
    """POST: move a month's retiree credits from the pooled fund to the personal accounts."""

    capability = VIEW
    write_capability = POST

    def post(self, request):
        form = RetireeCreditsForm(request.POST)
        if form.is_valid():
            try:
                result = services.retiree_credits_post(
                    municipality=_municipality(request.user),
                    month=form.cleaned_data["month"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s retirees credited, %(entries)s ledger entries.")
                    % {"count": result.credited, "entries": len(result.entries)},
                )
                return redirect("funds:collection_batches")
        return _batch_list(request, credits_form=form, status=400)


class TopUpBookView(CapabilityRequiredMixin, View):
    """Book a person's top-up (N 三(二)3–4) to the pooled fund: the calculator's inputs, the
    amount recomputed by the service. A person outside the user's scope is a 404."""

    capability = BOOK_TOP_UP
    write_capability = BOOK_TOP_UP

    def _person(self, request, person_pk: int):
        return get_object_or_404(people_selectors.people_for(user=request.user), pk=person_pk)

    def _render(self, request, person, form, quote=None, status=200):
        return render(
            request,
            "funds/booking/top_up_book.html",
            {"person": person, "form": form, "quote": quote},
            status=status,
        )

    def get(self, request, person_pk: int):
        person = self._person(request, person_pk)
        form = TopUpBookForm(initial={"on": timezone.localdate()})
        return self._render(request, person, form)

    def post(self, request, person_pk: int):
        person = self._person(request, person_pk)
        form = TopUpBookForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            code = data.pop("employer_code")
            employer = None
            if code:
                employer = (
                    people_selectors.employers_for(user=request.user)
                    .filter(credit_code=code)
                    .first()
                )
                if employer is None:
                    form.add_error("employer_code", _("No employer with this code in your scope."))
            if not form.errors:
                try:
                    entries = services.top_up_book(
                        person=person, employer=employer, actor=request.user, **data
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Top-up booked to the pooled fund."))
                    return redirect("funds:entry_detail", pk=entries[0].pk)
        return self._render(request, person, form, status=400)
