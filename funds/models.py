"""The models of ``funds``, one module per feature; Django and callers import them here."""

from funds.budgets.models import BudgetLine, BudgetLineCode, ExpenditureQuota, FundBudget  # noqa: F401
from funds.history.models import (  # noqa: F401
    ApplicationStatus,
    HistoricalBalance,
    ReleaseApplication,
    TimeDeposit,
)
from funds.interest.models import InterestSettlement  # noqa: F401
from funds.ledger.models import Account, ClosedMonth, FundType, JournalEntry, LedgerCheck, Posting  # noqa: F401
from funds.residents.models import ResidentSubsidy, SubsidyLevel, SubsidyReceipt  # noqa: F401
