"""API permissions: the same capabilities as the pages (``pooling.core.access``), default deny."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from pooling.core.access import has_capability


class RolePermission(BasePermission):
    """Reads need the view's ``read_capability``, writes its ``write_capability``.

    A view that declares neither is closed to everyone: forgetting to declare is a denial,
    never an opening.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            capability = getattr(view, "read_capability", None)
        else:
            capability = getattr(view, "write_capability", None)
        return bool(capability) and has_capability(request.user, capability)
