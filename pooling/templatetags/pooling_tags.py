"""Template helpers: capability checks for buttons and rule labels."""

from django import template

from pooling.access import has_capability
from pooling.rules import RULES

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"pooling.change_rules" %}`` shows a button only to those allowed."""
    return has_capability(user, capability)


@register.filter
def rule_label(key: str) -> str:
    spec = RULES.get(key)
    return str(spec.label) if spec else key
