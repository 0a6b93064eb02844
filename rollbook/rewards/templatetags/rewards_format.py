"""Formatting only: class percentages to two places, so 95.60 % and 95.61 % look different."""

from django import template

from rollbook.registers.rules import percent

register = template.Library()


@register.filter
def pct2(rate) -> str:
    shown = percent(rate, 2)
    return "No data" if shown is None else f"{shown}%"


@register.filter
def points2(rise) -> str:
    """A rise in percentage points, to two places (for display only)."""
    shown = percent(rise, 2)
    return "" if shown is None else f"+{shown}"
