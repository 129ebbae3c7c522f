"""Pages that book contributions to the ledger (``funds.booking.services``): post collection
batches, post the retirees' monthly personal-account credits, book a quoted top-up."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.collection_files.models import CollectionBatch
from enrollment.collection_files.selectors import collection_batches_for
from enrollment.people.models import InsuredPerson
from enrollment.people.selectors import employers_for, people_for
from funds.booking import selectors, services
from funds.booking.forms import RetireeCreditsForm, TopUpBookForm
from funds.ledger.models import JournalEntry
from pooling.core.api import user_municipality
from pooling.core.views import ServiceFormView

VIEW = "funds.view_collection_postings"
POST = "funds.post_collections"
BOOK_TOP_UP = "funds.book_top_ups"


class CollectionPostingListView(ServiceFormView):
    """Collection batches ready to post, with a button each, the latest posted batches with
    their ledger entries; its form moves a month's retiree credits from the pooled fund to
    the personal accounts."""

    capability = VIEW
    write_capability = POST
    template_name = "funds/booking/batch_list.html"

    def get_form(self, data=None, files=None) -> RetireeCreditsForm:
        return RetireeCreditsForm(data, initial={"month": f"{timezone.localdate():%Y-%m}"})

    def get_context_data(self, **context):
        postings = selectors.collection_postings_for(user=self.request.user)
        return super().get_context_data(postings=postings, **context)

    def perform(self, form: RetireeCreditsForm) -> services.RetireeCreditsResult:
        result = services.retiree_credits_post(
            municipality=user_municipality(self.request.user),
            month=form.cleaned_data["month"],
            actor=self.request.user,
        )
        self.success_message = _("%(count)s retirees credited, %(entries)s ledger entries.") % {
            "count": result.credited,
            "entries": len(result.entries),
        }
        return result

    def get_success_url(self, result) -> str:
        return reverse("funds:collection_batches")


class CollectionBatchPostView(ServiceFormView):
    """Post one ready batch to the ledger (the button on the batch list)."""

    capability = VIEW
    write_capability = POST
    submit_label = gettext_lazy("Post to ledger")
    cancel_url_name = "funds:collection_batches"

    @cached_property
    def batch(self) -> CollectionBatch:
        return get_object_or_404(
            collection_batches_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    @property
    def heading(self) -> str:
        return f"{_('Post to ledger')} · {self.batch.file_name}"

    def get_form(self, data=None, files=None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form) -> list[JournalEntry]:
        entries = services.collection_batch_post(batch=self.batch, actor=self.request.user)
        self.success_message = _("Batch %(file)s posted: %(count)s ledger entries.") % {
            "file": self.batch.file_name,
            "count": len(entries),
        }
        return entries

    def get_success_url(self, result) -> str:
        return reverse("funds:collection_batches")


class TopUpBookView(ServiceFormView):
    """Book a person's top-up (N 三(二)3–4) to the pooled fund: the calculator's inputs, the
    amount recomputed by the service. A person outside the user's scope is a 404."""

    capability = write_capability = BOOK_TOP_UP
    template_name = "funds/booking/top_up_book.html"
    success_message = gettext_lazy("Top-up booked to the pooled fund.")

    @cached_property
    def person(self) -> InsuredPerson:
        return get_object_or_404(people_for(user=self.request.user), pk=self.kwargs["person_pk"])

    @property
    def heading(self) -> str:
        return f"{_('Book a top-up')}: {self.person.name}"

    def get_form(self, data=None, files=None) -> TopUpBookForm:
        return TopUpBookForm(data, initial={"on": timezone.localdate()})

    def perform(self, form: TopUpBookForm) -> list[JournalEntry]:
        data = dict(form.cleaned_data)
        code = data.pop("employer_code")
        employer = None
        if code:
            employer = employers_for(user=self.request.user).filter(credit_code=code).first()
            if employer is None:
                raise ValidationError(
                    {"employer_code": _("No employer with this code in your scope.")}
                )
        return services.top_up_book(
            person=self.person, employer=employer, actor=self.request.user, **data
        )

    def get_success_url(self, result: list[JournalEntry]) -> str:
        return reverse("funds:entry_detail", args=[result[0].pk])

    def get_cancel_url(self) -> str:
        return reverse("enrollment:person_detail", args=[self.person.pk])
