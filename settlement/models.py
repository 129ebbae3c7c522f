"""The models of ``settlement``, one module per feature; Django and callers import them here."""

from settlement.benefits.claims.models import Claim  # noqa: F401
from settlement.benefits.models import BenefitStatement, PharmacySpendingImport  # noqa: F401
from settlement.benefits.standards.models import BenefitStandard  # noqa: F401
from settlement.cycle.models import (  # noqa: F401
    CyclePart,
    CycleStep,
    MonthlyCycle,
    RemittanceLine,
    StepName,
)
from settlement.institutions.models import DesignatedInstitution, InstitutionReview  # noqa: F401
from settlement.notifications.models import Notification  # noqa: F401
from settlement.plans.models import (  # noqa: F401
    AnnualPlan,
    AnnualPlanLine,
    CityMonthlyPlan,
    PlanPurpose,
    PlanStep,
    PlanStepName,
    UsagePlan,
    UsagePlanLine,
)
from settlement.targets.models import CountyTarget  # noqa: F401
from settlement.yearend.models import (  # noqa: F401
    AdjustmentContribution,
    AdjustmentYear,
    CoveredDeficit,
    DeficitApplication,
    DeficitCover,
)
