"""Template helpers: capability checks and workflow actions for buttons, rule labels."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django import template

from pooling.core import workflow
from pooling.core.access import has_capability
from pooling.core.money import round_money
from pooling.core.workflow import Transition
from pooling.rules.catalogue import RULES, RuleKind

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount as money reads in every language: ``9,000,000.00`` — thousands separated,
    two decimals, half-up (``pooling.core.money.round_money``); blank for no value. Django's
    Chinese locale has no thousands separator, so this never goes through the locale."""
    if value is None or value == "":
        return ""
    try:
        amount = round_money(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    return f"{amount:,.2f}"


@register.filter
def absolute(value):
    """The amount without its sign: a statement shows money out in its own 贷方 column."""
    try:
        return abs(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return value


@register.filter
def grouped(value, places: int = 1) -> str:
    """A figure that is not money (months covered, a count) with thousands separated and
    ``places`` decimals, in every language; blank for no value."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):,.{int(places)}f}"
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def rule_value(value, key: str) -> str:
    """A dated rule's value as its kind reads: an amount as money, a rate or count without
    the trailing zeros of its six stored decimals (``0.074``, not ``0.074000``)."""
    spec = RULES.get(key)
    if spec is not None and spec.kind == RuleKind.AMOUNT:
        return money(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    text = f"{number.normalize():f}"
    return text


@register.filter
def file_name(value) -> str:
    """An uploaded file's own name without the storage folders it was saved under."""
    name = getattr(value, "name", value) or ""
    return str(name).rsplit("/", 1)[-1]


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"pooling.change_rules" %}`` shows a button only to those allowed."""
    return has_capability(user, capability)


@register.filter
def rule_label(key: str) -> str:
    spec = RULES.get(key)
    return str(spec.label) if spec else key


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False) -> dict:
    """A column header that sorts the list by ``key`` (``SortableListMixin``): ascending on
    the first click, descending on the second, with the filter kept and the page reset."""
    request = context["request"]
    current = request.GET.get("sort", "")
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if current == key else key
    return {
        "label": label,
        "url": "?" + query.urlencode(),
        "direction": "asc" if current == key else "desc" if current == f"-{key}" else "",
        "numeric": numeric,
    }


@register.simple_tag
def page_links(page_obj) -> list:
    """The page numbers to link around the current page, ``…`` where numbers are left out."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2))


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current URL (filters and sort kept) on page ``number``."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def available_actions(context, instance) -> Mapping[str, Transition]:
    """``{% available_actions plan as actions %}`` then ``{% if actions.approve %}``: the
    workflow transitions the current user may take on ``instance`` (``pooling.core.workflow``).
    Without a request in the context (no user to ask for) there is none."""
    request = context.get("request")
    if request is None:
        return {}
    return workflow.available_actions(request.user, instance)
