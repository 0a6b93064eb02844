"""Formatting only: percentages and percentage points for display (rounded half up, 1 place)."""

from django import template

from rollbook.registers.rules import percent

register = template.Library()


@register.filter
def pct(rate) -> str:
    shown = percent(rate, 1)
    return "No data" if shown is None else f"{shown}%"


@register.filter
def points(gap) -> str:
    shown = percent(gap, 1)
    if shown is None:
        return "No data"
    sign = "+" if shown > 0 else ""
    return f"{sign}{shown} points"


@register.filter
def published(value) -> str:
    """A published national percentage, or say that it was not published."""
    return "Not published" if value is None else f"{value}%"
