"""Writes of the personal-account subledger: the retirees' monthly credits. The funds app
calls it inside the transaction that moves the same money in the ledger."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from enrollment.personal_accounts.models import PersonalAccountMovement
from pooling.accounts.models import User
from pooling.core.audit import audit_record
from pooling.core.db import bulk_work_mem
from pooling.core.money import validate_month_start
from pooling.structure.models import Municipality


def personal_account_credit_retirees(
    *, municipality: Municipality, month: datetime.date, actor: User | None
) -> int:
    """Credit every retiree's monthly personal-account amount assessed for ``month`` from the
    pooled fund to the subledger (DOMAIN §11). Idempotent: one movement per assessment.

    Called by the funds app inside the transaction that moves the same total per county
    (``retiree_credits_by_county``) from the pooled fund to the personal-account control.
    """
    validate_month_start(month)
    with transaction.atomic():
        bulk_work_mem()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO enrollment_personalaccountmovement
                    (person_id, county_id, month, amount, reason, assessment_id, created_at)
                SELECT person_id, county_id, month, retiree_account_credit, %s, id, %s
                FROM enrollment_assessment
                WHERE municipality_id = %s AND month = %s AND retiree_account_credit > 0
                ON CONFLICT DO NOTHING
                """,
                [
                    PersonalAccountMovement.Reason.RETIREE_CREDIT,
                    timezone.now(),
                    municipality.pk,
                    month,
                ],
            )
            added = cursor.rowcount
        audit_record(
            actor=actor,
            action="personal_account.credit_retirees",
            instance=municipality,
            after={"month": month.isoformat(), "added": added},
            municipality=municipality,
        )
    return added
