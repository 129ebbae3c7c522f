"""A Hypothesis state machine drives random postings, replays and reversals against a simple
in-memory model of the ledger and checks every balance after every step.
``LEDGER_STATEFUL_STEPS`` asks for more steps than the 1,000 CI runs."""

import math
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from funds.ledger import services
from funds.ledger.models import Account, JournalEntry, Posting
from funds.ledger.selectors import account_for
from funds.ledger.services import PostingLine
from tests.factories.funds import JAN, POOLED, RESIDENT

pytestmark = pytest.mark.django_db

TARGET_STEPS = int(os.environ.get("LEDGER_STATEFUL_STEPS", "1000"))
STEPS_PER_EXAMPLE = 50
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)


def _machine(municipality, accounts: list[Account], counter: list[int]):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.balances = {account.pk: Decimal("0.00") for account in accounts}
            self.keys: dict[str, tuple] = {}
            self.entries: dict[int, list[tuple[int, Decimal]]] = {}
            self.reversed: set[int] = set()
            self.reversals: set[int] = set()

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def _would_overdraw(self, lines) -> bool:
            running = dict(self.balances)
            for account_pk, amount in lines:
                running[account_pk] += amount
                if running[account_pk] < 0 and not by_pk[account_pk].allow_negative:
                    return True
            return False

        def _apply(self, lines) -> None:
            for account_pk, amount in lines:
                self.balances[account_pk] += amount

        @rule(
            source=st.sampled_from(accounts),
            destination=st.sampled_from(accounts),
            amount=amounts,
            key=st.integers(min_value=0, max_value=40),
        )
        def post(self, source, destination, amount, key):
            counter[0] += 1
            if source.pk == destination.pk:
                return
            name = f"key-{key}"
            lines = [(source.pk, -amount), (destination.pk, amount)]
            call = {
                "municipality": municipality,
                "kind": "collection",
                "month": JAN,
                "effective_date": JAN,
                "memo": "",
                "actor": None,
                "idempotency_key": name,
                "lines": [PostingLine(by_pk[pk], value) for pk, value in lines],
            }
            if name in self.keys:
                known_lines, entry_id = self.keys[name]
                if known_lines == lines:
                    assert services.entry_post(**call).pk == entry_id
                else:
                    with pytest.raises(ValidationError, match="already used"):
                        services.entry_post(**call)
                return
            mixed = source.fund_type_id != destination.fund_type_id
            if mixed or self._would_overdraw(lines):
                with pytest.raises(ValidationError, match="mixes funds|below zero"):
                    services.entry_post(**call)
                return
            entry = services.entry_post(**call)
            self.keys[name] = (lines, entry.pk)
            self.entries[entry.pk] = lines
            self._apply(lines)

        @rule(data=st.data())
        def replay(self, data):
            counter[0] += 1
            if not self.keys:
                return
            name = data.draw(st.sampled_from(sorted(self.keys)))
            lines, entry_id = self.keys[name]
            again = services.entry_post(
                municipality=municipality,
                kind="collection",
                month=JAN,
                effective_date=JAN,
                memo="",
                actor=None,
                idempotency_key=name,
                lines=[PostingLine(by_pk[pk], value) for pk, value in lines],
            )
            assert again.pk == entry_id

        @rule(data=st.data())
        def reverse(self, data):
            counter[0] += 1
            candidates = sorted(set(self.entries) | self.reversals)
            if not candidates:
                return
            entry_id = data.draw(st.sampled_from(candidates))
            entry = JournalEntry.objects.get(pk=entry_id)
            if entry_id in self.reversals:
                with pytest.raises(ValidationError, match="itself a reversal"):
                    services.entry_reverse(entry=entry, actor=None, memo="")
                return
            if entry_id in self.reversed:
                with pytest.raises(ValidationError, match="already reversed"):
                    services.entry_reverse(entry=entry, actor=None, memo="")
                return
            mirror = [(pk, -amount) for pk, amount in self.entries[entry_id]]
            if self._would_overdraw(mirror):
                with pytest.raises(ValidationError, match="below zero"):
                    services.entry_reverse(entry=entry, actor=None, memo="")
                return
            reversal = services.entry_reverse(
                entry=entry, actor=None, memo="", month=JAN, effective_date=JAN
            )
            self.reversed.add(entry_id)
            self.reversals.add(reversal.pk)
            self._apply(mirror)

        @invariant()
        def balances_match_the_model(self):
            stored = dict(Account.objects.filter(pk__in=self.balances).values_list("pk", "balance"))
            assert stored == self.balances
            summed = dict(
                Posting.objects.filter(account__in=self.balances)
                .values("account")
                .annotate(total=Sum("amount"))
                .values_list("account", "total")
            )
            assert {pk: summed.get(pk, Decimal("0.00")) for pk in self.balances} == self.balances

    by_pk = {account.pk: account for account in accounts}
    return LedgerMachine


def test_random_postings_replays_and_reversals_keep_every_balance_exact(ledger, county_a, county_b):
    accounts = [
        account_for(
            municipality=ledger,
            county=county_a,
            kind=Account.Kind.COUNTERPARTY,
            fund_code=POOLED,
            owner=Account.Owner.TAX_BUREAU,
        ),
        account_for(municipality=ledger, county=county_a, kind="income", fund_code=POOLED),
        account_for(municipality=ledger, county=county_b, kind="income", fund_code=POOLED),
        account_for(municipality=ledger, county=None, kind="income", fund_code=POOLED),
        account_for(municipality=ledger, county=county_a, kind="income", fund_code=RESIDENT),
    ]
    counter = [0]
    machine = _machine(ledger, accounts, counter)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=math.ceil(TARGET_STEPS / STEPS_PER_EXAMPLE) * 2,
            stateful_step_count=STEPS_PER_EXAMPLE,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert counter[0] >= TARGET_STEPS
