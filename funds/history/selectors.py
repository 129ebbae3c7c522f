"""Historical balances (历史结余) and their frozen part (N 三(四)5, DOMAIN §6; issue 8 item 1).

N 三(四)5: each county's fund balance at the cut-over date (Jining: 2019-12-31) is brought
under city management. 30 % (rule ``historical_balance_city_share``) is collected to the city
at once from the demand deposit; when the demand deposit falls short, the rest follows as the
time deposits mature. The other 70 % stays in the county's fiscal special account, and no
one may use it without approval (未经批准，任何部门单位不得动用暂存基金).

Booking (every movement an idempotent ledger entry):

- **Registration**: an ``opening_balance`` entry brings the whole balance into the county's
  fiscal special account of that fund. The other side is the county government's counterparty
  account, which stands for the county's books before the cut-over (the ledger starts there).
- **Frozen amount**: the account's ``frozen_amount`` rises by the whole balance and falls by
  each collection to the city, each approved release and each deficit subsidy taken from it.
  So it always equals the 70 % still unused plus the city's share still waiting for a time
  deposit to mature: neither may be spent. ``funds.services`` refuses any posting that would
  take the account below it, and PostgreSQL refuses it again (CHECK
  ``account_balance_not_below_frozen``).
- **Collection to the city**: ``remittance`` entries from the county's fiscal special account
  to the finance bureau's fiscal special account (the city fund): the demand-deposit part at
  registration, each time deposit's planned part when the daily beat job finds it matured.
  The plan is fixed at registration: the demand deposit first, then the deposits in order of
  maturity.
- **Release**: the county applies with amount and reason, the city agency reviews, the bureau
  approves (no one decides what they submitted); approval lowers the frozen amount, leaving
  the money in the account for the county to use through the ordinary flows.
"""

from django.db.models import QuerySet

from funds.history.models import HistoricalBalance, ReleaseApplication
from pooling.accounts.models import User
from pooling.core.access import scope_queryset


def historical_balances_for(*, user: User) -> QuerySet[HistoricalBalance]:
    """The balances ``user`` may see: a county officer's own county, else the city's."""
    return scope_queryset(
        HistoricalBalance.objects.select_related("county", "fund_type", "account"), user
    )


def release_applications_for(*, user: User) -> QuerySet[ReleaseApplication]:
    return scope_queryset(
        ReleaseApplication.objects.select_related(
            "county", "balance__fund_type", "submitted_by", "reviewed_by", "decided_by"
        ),
        user,
    )
