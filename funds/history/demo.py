"""Demo historical balances (N 三(四)5) for Jining's demo counties: a demand deposit and two
time deposits, one already matured (collected at once by the job) and one maturing in half a
year, so the pages show both a finished and a waiting collection and the frozen 70 %."""

import datetime
from decimal import Decimal

from funds.history import services
from funds.history.models import HistoricalBalance
from funds.ledger.models import FundType
from pooling.accounts.models import Role, User
from pooling.structure.demo import DemoOptions, register_seeder
from pooling.structure.models import Municipality

# (county code, demand deposit, first time deposit and its maturity in days from today, second
# time deposit), yuan. 任城区 waits for its first deposit; 兖州区's has matured.
JINING_HISTORY = (
    ("370811", Decimal("1000000.00"), Decimal("3000000.00"), 90, Decimal("6000000.00")),
    ("370812", Decimal("800000.00"), Decimal("1500000.00"), -30, Decimal("2700000.00")),
)


def seed_historical_balances(municipality: Municipality, options: DemoOptions, log) -> None:
    """Register the balances once (a second run finds them) and collect matured deposits."""
    if options.city != "jining":
        return
    from django.utils import timezone

    today = timezone.localdate()
    clerk = User.objects.filter(municipality=municipality, role=Role.AGENCY_CLERK).first()
    fund = FundType.objects.get(code="310100")
    created = 0
    for code, demand, first, first_days, second in JINING_HISTORY:
        county = municipality.counties.filter(code=code).first()
        if (
            county is None
            or HistoricalBalance.objects.filter(county=county, fund_type=fund).exists()
        ):
            continue
        services.historical_balance_register(
            county=county,
            fund_type=fund,
            cutover_date=datetime.date(2019, 12, 31),
            demand_deposit=demand,
            deposits=[
                services.DepositInput(
                    first,
                    today + datetime.timedelta(days=first_days),
                    "中国工商银行",
                    f"DQ-{code}-1",
                ),
                services.DepositInput(
                    second, today + datetime.timedelta(days=400), "中国农业银行", f"DQ-{code}-2"
                ),
            ],
            actor=clerk,
            today=today,
        )
        created += 1
    collected = services.time_deposits_collect(today=today, actor=clerk)
    log(f"Registered {created} historical balances, collected {len(collected)} time deposits")


register_seeder(25, "historical balances", seed_historical_balances)
