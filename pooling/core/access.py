"""Who may do what: the one place where roles become permissions and querysets get scoped.

Default deny. A capability names an action; only the roles listed for it have it. A county
officer reads and writes only rows of their own county; every other role works within its own
municipality. Auditors hold only ``view_*`` capabilities (checked in ``register``).
Views use ``CapabilityRequiredMixin``; the API uses ``pooling.core.permissions.RolePermission``.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from pooling.accounts.models import Role, User

_CAPABILITIES: dict[str, frozenset[str]] = {}

ALL_ROLES = frozenset(Role.values)
CITY_ROLES = ALL_ROLES - {Role.COUNTY_OFFICER}


def register(capability: str, roles: Iterable[str]) -> None:
    """Declare which roles hold ``capability``. Apps call it from ``AppConfig.ready``."""
    roles = frozenset(roles)
    unknown = roles - ALL_ROLES
    if unknown:
        raise ValueError(f"Unknown roles for {capability}: {sorted(unknown)}")
    if Role.AUDITOR in roles and not capability.split(".")[-1].startswith("view_"):
        raise ValueError(f"Auditors only read; {capability} is not a view capability.")
    _CAPABILITIES[capability] = roles


# Capabilities over rows shared by every city (the national holiday calendar): only the
# platform operator — the one superuser, above every municipality — holds them.
_OPERATOR_ONLY: set[str] = set()


def register_operator_only(capability: str) -> None:
    """Declare ``capability`` the platform operator's alone (``create_platform_operator``)."""
    _OPERATOR_ONLY.add(capability)
    _CAPABILITIES[capability] = frozenset({Role.ADMINISTRATOR})


def capabilities() -> dict[str, frozenset[str]]:
    return dict(_CAPABILITIES)


def has_capability(user: User, capability: str) -> bool:
    """Whether ``user`` holds ``capability``; unknown capabilities and inactive users: no."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if capability in _OPERATOR_ONLY:
        return bool(user.is_superuser)
    return user.role in _CAPABILITIES.get(capability, frozenset())


def scope_queryset(
    queryset: QuerySet,
    user: User,
    *,
    county_field: str | None = "county",
    municipality_field: str | None = "municipality",
) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see.

    ``county_field`` is the lookup path to the row's county (None when the rows have none);
    ``municipality_field`` the path to its municipality. A county officer sees only their
    county's rows (rows without a county are not theirs); others see their municipality's.
    """
    if not getattr(user, "is_authenticated", False) or not user.role:
        return queryset.none()
    if user.role == Role.COUNTY_OFFICER:
        if county_field is None:
            return queryset.none()
        return queryset.filter(**{county_field: user.county_id})
    if user.municipality_id is None:
        # An administrator without a municipality looks after every city's reference data.
        return queryset if user.role == Role.ADMINISTRATOR else queryset.none()
    if municipality_field is None:
        return queryset
    return queryset.filter(**{municipality_field: user.municipality_id})


register("pooling.view_structure", ALL_ROLES)
register("pooling.change_structure", {Role.BUREAU_APPROVER, Role.ADMINISTRATOR})
register("pooling.record_accession", {Role.BUREAU_APPROVER})
register("pooling.view_rules", ALL_ROLES)
register("pooling.change_rules", {Role.BUREAU_APPROVER, Role.ADMINISTRATOR})
register("pooling.view_calendar", ALL_ROLES)
register_operator_only("pooling.change_calendar")
register("pooling.view_audit", {Role.AUDITOR, Role.ADMINISTRATOR, Role.BUREAU_APPROVER})
