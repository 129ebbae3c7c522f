"""A tiered county's own disbursement (县级基金拨付): the county moves money from its own fiscal
special account (财政专户) to its own expenditure account (支出户) so it can pay hospitals.

Under the tiered models (J 二; Z 三, 四(九)) a county keeps its own fund: its collections are
remitted to its own fiscal special account, not to the city's, so no usage plan of the city
funds it. Counties under unified collection and expenditure (N 三(四)3) get their money
through the city's usage plan → disbursement → allocation flow (``settlement.plans``) and
are refused here.

One disbursement is one ``disbursement`` ledger entry in one fund, fiscal special →
expenditure, inside the county's own books, keyed ``own-disbursement:<county>:<request>``:
the same request posted twice (a double submit, a retried API call) is booked once.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from funds.ledger.models import Account, ClosedMonth, JournalEntry
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine, entry_post
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.money import month_start, round_money
from pooling.structure.models import County, PoolingModel
from pooling.structure.selectors import counties_for, pooling_model_for

KEY_PREFIX = "own-disbursement:"
TIERED_MODELS = (PoolingModel.TIERED, PoolingModel.TIERED_ADJUSTMENT)


def own_disbursement_key(*, county: County, request_key: str) -> str:
    """The ledger idempotency key of one disbursement request of ``county``."""
    return f"{KEY_PREFIX}{county.pk}:{request_key}"


def _amount_error(amount: Decimal) -> str | None:
    """Why ``amount`` is not a positive number of fen, or None when it is."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return _("Enter an amount in yuan with at most two decimal places.")
    if amount.as_tuple().exponent < -2 and amount != round_money(amount):
        return _("Enter an amount in yuan with at most two decimal places.")
    if amount <= 0:
        return _("Enter an amount above zero.")
    return None


def _scope_error(*, county: County, actor: User) -> str | None:
    """The actor posts only for a county they may see (``counties_for``: a county officer
    their own, city roles their municipality's)."""
    allowed = counties_for(user=actor).filter(pk=county.pk).exists()
    return None if allowed else _("You may not post a disbursement for this county.")


def _model_error(*, county: County, on: datetime.date) -> str | None:
    """Only a county under a tiered model on ``on`` disburses from its own fund."""
    period = pooling_model_for(county=county, month=on)
    if period is None:
        return _("%(county)s has no pooling model in force on %(date)s.") % {
            "county": county.name,
            "date": on.isoformat(),
        }
    if period.model not in TIERED_MODELS:
        return _(
            "%(county)s is under unified collection and expenditure on %(date)s: its money "
            "comes through the usage plans of the city, not an own disbursement."
        ) % {"county": county.name, "date": on.isoformat()}
    return None


@transaction.atomic(durable=True)
def own_disbursement_post(
    *,
    county: County,
    fund_code: str,
    amount: Decimal,
    on: datetime.date,
    memo: str,
    actor: User,
    request_key: str,
) -> JournalEntry:
    """Move ``amount`` of fund ``fund_code`` from ``county``'s fiscal special account to its
    expenditure account, effective ``on`` (posted in the month of ``on``), and return the entry.

    Steps: (1) check the request: a positive amount of whole fen, a county the actor may post
    for, under a tiered model on ``on``, a fund with the county's accounts; (2) a request
    already posted (same ``request_key``) is returned as it was, whatever the balance is now;
    (3) lock both accounts in primary-key order and refuse a closed month or an amount above
    what the fiscal special account holds (less any frozen part), naming the shortfall;
    (4) post through ``entry_post``, whose own refusals come back keyed to the field they
    concern. Refusals are a ``ValidationError`` keyed by field (``amount``, ``county``,
    ``fund_code``, ``on``, ``memo``) and nothing is posted.
    """
    errors: dict[str, str] = {}
    if (problem := _amount_error(amount)) is not None:
        errors["amount"] = problem
    if (problem := _scope_error(county=county, actor=actor)) is not None:
        raise ValidationError({"county": problem})
    if (problem := _model_error(county=county, on=on)) is not None:
        errors["county"] = problem
    memo = (memo or "").strip() or f"{county.name} {on:%Y-%m} 财政专户拨付支出户"
    if len(memo) > 300:
        errors["memo"] = _("Keep the memo within 300 characters.")
    if not request_key or len(request_key) > 100:
        errors[NON_FIELD_ERRORS] = _("The request has no valid request key; reload the form.")
    try:
        fiscal = account_for(
            municipality=county.municipality,
            county=county,
            kind=Account.Kind.FISCAL_SPECIAL,
            fund_code=fund_code,
        )
        expenditure = account_for(
            municipality=county.municipality,
            county=county,
            kind=Account.Kind.EXPENDITURE,
            fund_code=fund_code,
        )
    except Account.DoesNotExist:
        errors["fund_code"] = _("%(county)s has no accounts in fund %(fund)s.") % {
            "county": county.name,
            "fund": fund_code,
        }
    if errors:
        raise ValidationError(errors)

    key = own_disbursement_key(county=county, request_key=request_key)
    amount = round_money(amount)
    month = month_start(on)
    replay = JournalEntry.objects.filter(idempotency_key=key).exists()
    if not replay:
        locked = {
            account.pk: account
            for account in Account.objects.select_for_update()
            .filter(pk__in=[fiscal.pk, expenditure.pk])
            .order_by("pk")
        }
        if ClosedMonth.objects.filter(municipality=county.municipality, month=month).exists():
            raise ValidationError({"on": _month_closed_message(month)})
        available = locked[fiscal.pk].balance - locked[fiscal.pk].frozen_amount
        if amount > available:
            raise ValidationError({"amount": _short_message(available, amount)})
    try:
        entry = entry_post(
            municipality=county.municipality,
            kind=JournalEntry.Kind.DISBURSEMENT,
            month=month,
            effective_date=on,
            memo=memo,
            actor=actor,
            idempotency_key=key,
            lines=[PostingLine(fiscal, -amount), PostingLine(expenditure, amount)],
        )
    except ValidationError as error:
        raise _field_error(error, month=month) from error
    if not replay:
        audit_record(
            actor=actor,
            action="settlement.own_disbursement_post",
            instance=entry,
            after={"fund": fund_code, "amount": str(amount), "on": on.isoformat()},
            municipality=county.municipality,
            county=county,
        )
    return entry


def _month_closed_message(month: datetime.date) -> str:
    return _("The month %(month)s is closed; choose a date in an open month.") % {
        "month": month.strftime("%Y-%m")
    }


def _short_message(available: Decimal, amount: Decimal) -> str:
    return _(
        "The fiscal special account holds only %(available)s, short by %(short)s; nothing was "
        "posted."
    ) % {"available": available, "short": amount - available}


def _field_error(error: ValidationError, *, month: datetime.date) -> ValidationError:
    """An ``entry_post`` refusal (a close or a post that slipped in, a reused request key)
    keyed to the field it concerns, so a page shows it in place and the API answers 400."""
    code = getattr(error, "code", None)
    if code == "month_closed":
        return ValidationError({"on": _month_closed_message(month)})
    if code in ("negative_balance", "frozen_balance"):
        return ValidationError({"amount": error.messages})
    return ValidationError({NON_FIELD_ERRORS: error.messages})
