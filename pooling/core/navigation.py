"""Template context: the navigation a user's role may see."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pooling.core.access import has_capability

# (label, url name, capability). Apps above pooling add theirs with ``register_navigation``.
NAVIGATION = [
    (_("Counties"), "pooling:county_list", "pooling.view_structure"),
    (_("Pooling models"), "pooling:pooling_model_list", "pooling.view_structure"),
    (_("Accession"), "pooling:accession_list", "pooling.view_structure"),
    (_("Rules"), "pooling:rule_list", "pooling.view_rules"),
    (_("Calendar"), "pooling:calendar", "pooling.view_calendar"),
    (_("Audit log"), "pooling:audit_list", "pooling.view_audit"),
]


def register_navigation(label, url_name: str, capability: str) -> None:
    """Add a top-level menu item (called from an app's ``AppConfig.ready``); once per url."""
    if all(existing != url_name for _label, existing, _capability in NAVIGATION):
        NAVIGATION.append((label, url_name, capability))


# The menu is grouped by the app a page belongs to (its URL namespace), in this order: with
# some thirty pages, one flat row wrapped into three unlabelled lines.
SECTIONS = {
    "pooling": _("Pooling"),
    "enrollment": _("Enrollment"),
    "funds": _("Funds"),
    "settlement": _("Cycle and plans"),
}


def navigation(request) -> dict:
    """``navigation``: the items the user's role may open, each with its section, and
    ``navigation_sections``: the same grouped by section, the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "navigation_sections": []}
    items = [
        {
            "label": label,
            "url": reverse(url_name),
            "section": url_name.split(":", 1)[0],
        }
        for label, url_name, capability in NAVIGATION
        if has_capability(user, capability)
    ]
    for item in items:
        item["current"] = request.path == item["url"]
    sections = [
        {"key": key, "label": label, "items": [i for i in items if i["section"] == key]}
        for key, label in SECTIONS.items()
    ]
    return {
        "navigation": items,
        "navigation_sections": [section for section in sections if section["items"]],
    }
