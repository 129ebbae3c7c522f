"""The models of ``enrollment``, one module per feature; Django and callers import them here."""

from enrollment.care.models import (  # noqa: F401
    DecisionStatus,
    DiseaseApplication,
    OutOfAreaFiling,
    SpecifiedDisease,
)
from enrollment.collection_files.models import CollectionAllocation, CollectionBatch, CollectionRow  # noqa: F401
from enrollment.contributions.models import Assessment, ContributionBase, EmployerPayroll  # noqa: F401
from enrollment.people.models import Employer, EnrollmentEpisode, InsuredPerson, Scheme, Scope  # noqa: F401
from enrollment.personal_accounts.models import PersonalAccountMovement  # noqa: F401
from enrollment.residents.models import ResidentContribution, ResidentEnrollment  # noqa: F401
