"""The models of ``pooling``, one module per feature; Django and callers import them here."""

from pooling.accounts.models import AuditEvent, Role, User  # noqa: F401
from pooling.rules.models import PolicyRule  # noqa: F401
from pooling.structure.models import (  # noqa: F401
    AccessionEvaluation,
    County,
    CountyPoolingModel,
    Municipality,
    PoolingModel,
)
from pooling.workdays.models import CalendarOverride  # noqa: F401
