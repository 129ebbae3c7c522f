"""Status workflows, declared once per model: which transitions exist, from which statuses,
to which, who may take them and which service takes them.

A transition is one conditional ``UPDATE … WHERE status IN (…)``: the database decides, so
of two concurrent clicks one changes the row and the other is refused with
``invalid_transition``. Pages show the buttons ``available_actions`` returns for the user and
the object, never flags computed in a view.

Declare a workflow at the bottom of the feature's ``models.py``, below its model::

    BUDGET_WORKFLOW = Workflow(
        FundBudget,
        [
            Transition("submit", FundBudget.Status.DRAFT, FundBudget.Status.SUBMITTED,
                       capability="funds.prepare_budget", service="fund_budget_submit",
                       label=gettext_lazy("Submit"), verb=gettext_lazy("submitted")),
            …
        ],
    )

and in the service: ``before = BUDGET_WORKFLOW.transition(budget, "submit", actor=actor,
submitted_at=timezone.now())``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from pooling.accounts.models import User
from pooling.core.access import has_capability
from pooling.core.audit import audit_record, snapshot

Guard = Callable[[User, models.Model], bool]


@dataclass(frozen=True)
class Transition:
    """One arrow of a workflow.

    ``source`` is the status (or statuses) it leaves, ``target`` the status it reaches;
    ``capability`` is who may take it (``pooling.core.access``; a tuple: any one of them),
    ``service`` the name of the service that takes it (the one place the arrow's side effects
    live). ``label`` is the button, ``verb`` completes "it cannot be …" in a refusal.
    ``not_by_submitter``: nobody takes this step on what they submitted themselves. ``guard``
    is any further condition on the user and the object (for buttons only; the service checks
    its own rules).
    """

    action: str
    source: str | tuple[str, ...]
    target: str
    capability: str | tuple[str, ...]
    service: str
    label: Promise | str
    verb: Promise | str = ""
    not_by_submitter: bool = False
    guard: Guard | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return self.source if isinstance(self.source, tuple) else (self.source,)

    def allows(self, user: User) -> bool:
        """Whether ``user`` holds the capability (one of them) this transition needs."""
        wanted = self.capability if isinstance(self.capability, tuple) else (self.capability,)
        return any(has_capability(user, capability) for capability in wanted)


class Workflow:
    """The declared transitions of one model's status field.

    Declaring checks the table against the model: the status field exists, every source and
    target is one of its choices, and no action is declared twice.
    """

    def __init__(
        self,
        model: type[models.Model],
        transitions: Iterable[Transition],
        *,
        field: str = "status",
        submitter_field: str = "submitted_by",
    ) -> None:
        self.model = model
        self.field = field
        self.submitter_field = submitter_field
        self.transitions: dict[str, Transition] = {}
        statuses = {str(value) for value, _label in model._meta.get_field(field).flatchoices}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"{model.__name__}: action {transition.action} declared twice")
            unknown = {*transition.sources, transition.target} - statuses
            if statuses and unknown:
                raise ValueError(
                    f"{model.__name__}.{field} has no status {sorted(unknown)} "
                    f"(action {transition.action})"
                )
            self.transitions[transition.action] = transition
        WORKFLOWS[model] = self

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def _submitted_by(self, instance: models.Model) -> int | None:
        return getattr(instance, f"{self.submitter_field}_id", None)

    def refusal(self, instance: models.Model, transition: Transition) -> ValidationError:
        """The error of a transition the object's status does not allow (or no longer does)."""
        return ValidationError(
            {
                self.field: ValidationError(
                    _("This %(thing)s is %(status)s; it cannot be %(verb)s."),
                    code="invalid_transition",
                    params={
                        "thing": self.model._meta.verbose_name,
                        "status": getattr(instance, f"get_{self.field}_display")(),
                        "verb": transition.verb or transition.label,
                    },
                )
            }
        )

    def transition(
        self,
        instance: models.Model,
        action: str,
        *,
        actor: User | None,
        audit_action: str = "",
        **fields: Any,
    ) -> dict | None:
        """Take ``action`` on ``instance`` as one conditional UPDATE that also writes
        ``fields`` (who and when); ``instance`` is refreshed. Refused (``invalid_transition``)
        when the status no longer allows it, and when the actor submitted what they would
        decide. With ``audit_action`` the step records its audit event (before and after,
        the instance's municipality and county) in the same transaction; without it the
        caller records its own from the returned snapshot of before."""
        transition = self.transitions[action]
        if (
            transition.not_by_submitter
            and actor is not None
            and self._submitted_by(instance) == actor.pk
        ):
            raise ValidationError(
                {
                    self.field: ValidationError(
                        _("Nobody may decide on what they submitted themselves."),
                        code="own_submission",
                    )
                }
            )
        before = snapshot(instance)
        changed = self.model.objects.filter(
            pk=instance.pk, **{f"{self.field}__in": transition.sources}
        ).update(**{self.field: transition.target}, **fields)
        instance.refresh_from_db()
        if not changed:
            raise self.refusal(instance, transition)
        if audit_action:
            audit_record(
                actor=actor,
                action=audit_action,
                instance=instance,
                before=before,
                municipality=getattr(instance, "municipality", None),
                county=getattr(instance, "county", None),
            )
        return before

    def available_actions(self, user: User, instance: models.Model) -> dict[str, Transition]:
        """The transitions ``user`` may take on ``instance`` now, by action name; templates
        show a button for each (``{% if actions.approve %}``)."""
        status = getattr(instance, self.field)
        return {
            name: transition
            for name, transition in self.transitions.items()
            if status in transition.sources
            and transition.allows(user)
            and not (transition.not_by_submitter and self._submitted_by(instance) == user.pk)
            and (transition.guard is None or transition.guard(user, instance))
        }


WORKFLOWS: dict[type[models.Model], Workflow] = {}


def workflow_for(instance: models.Model) -> Workflow | None:
    return WORKFLOWS.get(type(instance))


def available_actions(user: User, instance: models.Model) -> Mapping[str, Transition]:
    """The actions ``user`` may take on ``instance``; none for a model without a workflow."""
    workflow = workflow_for(instance)
    return workflow.available_actions(user, instance) if workflow else {}
