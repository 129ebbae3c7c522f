"""Who is insured (N 三(一)): employers, insured people and their dated enrollment episodes,
the schemes and scopes they belong to, and the status workflows of employers and people."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enrollment.people.validators import validate_credit_code, validate_resident_id
from pooling.core.money import validate_month_start
from pooling.core.workflow import Transition, Workflow
from pooling.structure.models import County, Municipality


class Scheme(models.TextChoices):
    EMPLOYEE = "employee", _("employee insurance")
    RESIDENT = "resident", _("resident insurance")


class Scope(models.TextChoices):
    """Who is insured (N 三(一), J 二(一)). ``SCOPE_SCHEME`` and ``MANDATORY_SCOPES`` say
    which scheme each belongs to and whether joining is compulsory."""

    EMPLOYEE = "employee", _("employee of an employer")
    RETIREE = "retiree", _("retiree")
    BUSINESS_OWNER = "business_owner", _("individual-business owner with employees")
    BUSINESS_EMPLOYEE = "business_employee", _("employee of an individual business")
    SOLO_BUSINESS = "solo_business", _("individual-business owner without employees")
    PART_TIME = "part_time", _("part-time worker without employer cover")
    FLEXIBLE = "flexible", _("other flexible worker")
    STUDENT = "student", _("student")
    CHILD = "child", _("child")
    ELDERLY = "elderly", _("elderly resident")
    RESIDENT_OTHER = "resident_other", _("other non-working urban resident")


SCOPE_SCHEME = {
    Scope.EMPLOYEE: Scheme.EMPLOYEE,
    Scope.RETIREE: Scheme.EMPLOYEE,
    Scope.BUSINESS_OWNER: Scheme.EMPLOYEE,
    Scope.BUSINESS_EMPLOYEE: Scheme.EMPLOYEE,
    Scope.SOLO_BUSINESS: Scheme.EMPLOYEE,
    Scope.PART_TIME: Scheme.EMPLOYEE,
    Scope.FLEXIBLE: Scheme.EMPLOYEE,
    Scope.STUDENT: Scheme.RESIDENT,
    Scope.CHILD: Scheme.RESIDENT,
    Scope.ELDERLY: Scheme.RESIDENT,
    Scope.RESIDENT_OTHER: Scheme.RESIDENT,
}


# N 三(一): employers, their employees and retirees, individual-business owners and their
# employees "应当参加"; the others "可以参加".
MANDATORY_SCOPES = frozenset(
    {Scope.EMPLOYEE, Scope.RETIREE, Scope.BUSINESS_OWNER, Scope.BUSINESS_EMPLOYEE}
)


# CITY_SCALE_KEYS: the four tables written once per person and month (assessments, collection
# rows, allocations, personal-account movements) keep their municipality and county as plain
# columns, without a database foreign key. PostgreSQL checks a key row by row (a locking
# lookup of the parent per inserted row): these five per person cost a tenth of the monthly
# cycle at 2,000,000 people (252 s → 226 s). What the key guarded is kept otherwise:
# municipalities and counties are reference data that PostgreSQL refuses to delete or
# renumber (pooling migration 0003), and these rows are written only by the services, which
# take both from the person's enrollment. Every other key, to people, employers, episodes,
# assessments and batches, stays a database foreign key.

# Scopes that contribute through an employer, and those who pay the flexible-worker rate.
EMPLOYER_SCOPES = frozenset({Scope.EMPLOYEE, Scope.BUSINESS_OWNER, Scope.BUSINESS_EMPLOYEE})
FLEXIBLE_SCOPES = frozenset({Scope.SOLO_BUSINESS, Scope.PART_TIME, Scope.FLEXIBLE})


class Employer(models.Model):
    """An employer (用人单位) registered in a county."""

    class UnitType(models.TextChoices):
        PUBLIC = "public", _("government or public institution")
        ENTERPRISE = "enterprise", _("enterprise")
        INDIVIDUAL_BUSINESS = "individual_business", _("individual business")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")
        BANKRUPT = "bankrupt", _("bankrupt")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="employers", verbose_name=_("county")
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    bankruptcy_date = models.DateField(_("bankruptcy date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["county", "name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="bankrupt") | Q(bankruptcy_date__isnull=False),
                name="employer_bankrupt_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class InsuredPerson(models.Model):
    """A person insured in the municipality; birth date and sex come from the resident ID."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")
        SUSPENDED = "suspended", _("suspended")
        LEFT = "left", _("left")
        DECEASED = "deceased", _("deceased")

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="insured_people", verbose_name=_("county")
    )
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    name = models.CharField(_("name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    category = models.CharField(_("category"), max_length=20, choices=Scope.choices)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("employer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["county", "name", "pk"]
        verbose_name = _("insured person")
        verbose_name_plural = _("insured people")
        indexes = [models.Index(fields=["employer"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number[:6]}…{self.id_number[-4:]})"


class EnrollmentEpisode(models.Model):
    """A dated period of insurance of one person in one scheme and scope. Episodes of a
    person in one scheme never overlap (service check and, on PostgreSQL, an exclusion
    constraint). The assessment reads the episode in force for the month."""

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("person")
    )
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        verbose_name=_("employer"),
    )
    from_month = models.DateField(_("from month"), validators=[validate_month_start])
    to_month = models.DateField(
        _("to month"), null=True, blank=True, validators=[validate_month_start]
    )
    first_enrollment = models.BooleanField(
        _("first enrollment"),
        default=False,
        help_text=_("A first-time flexible worker waits for consecutive paid months (N 三(三))."),
    )

    class Meta:
        ordering = ["person", "scheme", "from_month"]
        verbose_name = _("enrollment episode")
        verbose_name_plural = _("enrollment episodes")
        indexes = [models.Index(fields=["scheme", "from_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_month__isnull=True) | Q(to_month__gte=models.F("from_month")),
                name="episode_ordered",
            ),
            models.CheckConstraint(
                condition=Q(from_month__day=1), name="episode_from_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        end = self.to_month.isoformat()[:7] if self.to_month else "…"
        return f"{self.person} {self.scheme} {self.from_month.isoformat()[:7]}–{end}"


# Status workflows ---------------------------------------------------------------------------
# A status may be corrected to any other (a closure or a death recorded by mistake is undone
# the same way), so each transition leaves every status but its target.

CHANGE_ENROLLMENT = "enrollment.change_enrollment"


def _all_but(statuses: type[models.TextChoices], target: str) -> tuple[str, ...]:
    return tuple(status for status in statuses.values if status != target)


def _status_transitions(statuses, service: str, arrows) -> list[Transition]:
    return [
        Transition(
            action,
            _all_but(statuses, target),
            target,
            capability=CHANGE_ENROLLMENT,
            service=service,
            label=label,
            verb=verb,
        )
        for action, target, label, verb in arrows
    ]


EMPLOYER_WORKFLOW = Workflow(
    Employer,
    _status_transitions(
        Employer.Status,
        "employer_update",
        [
            ("reactivate", Employer.Status.ACTIVE, _("Reactivate"), _("reactivated")),
            ("suspend", Employer.Status.SUSPENDED, _("Suspend"), _("suspended")),
            ("close", Employer.Status.CLOSED, _("Mark as closed"), _("marked as closed")),
            (
                "declare_bankrupt",
                Employer.Status.BANKRUPT,
                _("Declare bankrupt"),
                _("declared bankrupt"),
            ),
        ],
    ),
)

PERSON_WORKFLOW = Workflow(
    InsuredPerson,
    _status_transitions(
        InsuredPerson.Status,
        "person_set_status",
        [
            ("reactivate", InsuredPerson.Status.ACTIVE, _("Reactivate"), _("reactivated")),
            ("retire", InsuredPerson.Status.RETIRED, _("Retire"), _("retired")),
            ("suspend", InsuredPerson.Status.SUSPENDED, _("Suspend"), _("suspended")),
            ("leave", InsuredPerson.Status.LEFT, _("Mark as left"), _("marked as left")),
            (
                "record_death",
                InsuredPerson.Status.DECEASED,
                _("Record the death"),
                _("recorded as deceased"),
            ),
        ],
    ),
)
