"""The set-based monthly statements get more sort and hash memory for their own transaction
only, so they do not spill to disk at city scale."""

import pytest
from django.db import connection, transaction
from django.test import override_settings

from pooling.core.db import bulk_work_mem

pytestmark = pytest.mark.django_db(transaction=True)


def _work_mem() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return cursor.fetchone()[0]


@override_settings(BULK_WORK_MEM_MB=96)
def test_the_setting_holds_inside_the_transaction_and_ends_with_it():
    server_value = _work_mem()

    with transaction.atomic():
        bulk_work_mem()
        assert _work_mem() == "96MB"

    assert _work_mem() == server_value


@override_settings(BULK_WORK_MEM_MB=96)
def test_outside_a_transaction_nothing_is_set():
    server_value = _work_mem()

    bulk_work_mem()

    assert _work_mem() == server_value


@override_settings(BULK_WORK_MEM_MB=0)
def test_zero_leaves_the_server_value():
    server_value = _work_mem()

    with transaction.atomic():
        bulk_work_mem()
        assert _work_mem() == server_value
