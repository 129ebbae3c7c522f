"""One scoping rule for every ``/admin/`` page: a city administrator acts on its own
municipality only; the platform operator (the only superuser, made by
``create_platform_operator``) acts on everything.

``ScopedAdmin`` is the base of every ModelAdmin of the project. It replaces Django's model
permissions with the project's roles:

- the platform operator (``is_superuser``) may do what the admin class allows;
- a city administrator (role ``administrator``, staff, bound to a municipality) sees and
  changes only rows whose ``municipality_path`` leads to its municipality — list, change
  form, history, delete, actions and the user password form all go through ``get_queryset``,
  so another city's row is a 404 — and every foreign-key choice (municipality, county, user,
  account, …) is limited the same way;
- rows without a municipality (``municipality_path = None``: fund types, the national
  holiday calendar) and the municipality itself (``operator_writes``) are read-only to a city
  administrator, and the pages marked ``operator_only`` are not shown to it;
- anybody else gets no admin page at all.
"""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from pooling.accounts.models import Role


def is_platform_operator(user) -> bool:
    """The platform operator: the only superuser, above every municipality."""
    return bool(user.is_active and user.is_superuser)


def is_city_administrator(user) -> bool:
    """A city's administrator: staff, role administrator, bound to one municipality."""
    return bool(
        user.is_active
        and user.is_staff
        and not user.is_superuser
        and getattr(user, "role", None) == Role.ADMINISTRATOR
        and getattr(user, "municipality_id", None) is not None
    )


def _path_for(model: type[Model]) -> str | None:
    """How a related model's rows reach their municipality, for foreign-key choices."""
    if model._meta.label_lower == "pooling.municipality":
        return "pk"
    names = {field.name for field in model._meta.get_fields()}
    return "municipality" if "municipality" in names else None


class ScopedAdmin(admin.ModelAdmin):
    """Base of every ModelAdmin (module docstring). ``municipality_path`` is the lookup from
    the model to its municipality (``None``: a row shared by every city)."""

    municipality_path: str | None = "municipality"
    # Rows a city administrator may see but only the platform operator may write.
    operator_writes = False
    # Pages for the platform operator alone (e.g. the ledger checks of every city).
    operator_only = False

    # -- rows ------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        user = request.user
        if is_platform_operator(user):
            return queryset
        if not is_city_administrator(user):
            return queryset.none()
        if self.municipality_path is None:
            return queryset
        return queryset.filter(**{self.municipality_path: user.municipality_id})

    # -- permissions -----------------------------------------------------------------------

    def _may_enter(self, request: HttpRequest) -> bool:
        if is_platform_operator(request.user):
            return True
        return is_city_administrator(request.user) and not self.operator_only

    def _may_write(self, request: HttpRequest) -> bool:
        if is_platform_operator(request.user):
            return True
        return (
            self._may_enter(request)
            and self.municipality_path is not None
            and not self.operator_writes
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_enter(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_enter(request) and self._in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_write(request) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_write(request) and self._in_scope(request, obj)

    def _in_scope(self, request: HttpRequest, obj) -> bool:
        if obj is None or is_platform_operator(request.user):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    # -- choices ---------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._scoped_choices(field, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._scoped_choices(field, db_field, request)

    def _scoped_choices(self, field, db_field, request):
        user = request.user
        if field is None or is_platform_operator(user) or not hasattr(field, "queryset"):
            return field
        path = _path_for(db_field.related_model)
        if not is_city_administrator(user):
            field.queryset = field.queryset.none()
        elif path is not None:
            field.queryset = field.queryset.filter(**{path: user.municipality_id})
        return field

    def save_model(self, request, obj, form, change) -> None:
        """A city administrator's new row belongs to its municipality, whatever was posted."""
        user = request.user
        if (
            is_city_administrator(user)
            and self.municipality_path == "municipality"
            and hasattr(obj, "municipality_id")
        ):
            obj.municipality_id = user.municipality_id
        super().save_model(request, obj, form, change)


class ScopedReadOnlyAdmin(ScopedAdmin):
    """Rows that change only through services (with audit): shown, never written here."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
