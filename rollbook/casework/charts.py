"""The impact chart for a parent meeting (seed 003, Appendix 2 not supplied): an SVG string.

matplotlib is imported only when a chart is drawn (it is slow to import), on the Agg backend
(no display on a server).
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal

from rollbook.casework import rules
from rollbook.registers.rules import percent


def impact_chart_svg(
    *, child_pct: Decimal | None, peer_pct: Decimal | None, target_pct: Decimal
) -> str:
    """Days lost in a 190-day year: the child, 'Pupil B' (peers above 96 %), and the target."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    bars = [("This child", child_pct), ("Pupil B (above 96 %)", peer_pct), ("Target", target_pct)]
    bars = [(label, pct) for label, pct in bars if pct is not None]
    labels = [label for label, _ in bars]
    lost = [float(rules.days_lost(pct)) for _, pct in bars]
    figure = Figure(figsize=(6, 2.6))
    axes = figure.subplots()
    colours = ["#d4351c", "#00703c", "#1d70b8"][: len(bars)]
    drawn = axes.barh(labels, lost, color=colours)
    axes.bar_label(
        drawn, labels=[f"{d:.0f} days ({p}%)" for d, (_, p) in zip(lost, bars, strict=True)]
    )
    axes.invert_yaxis()
    axes.set_xlabel(f"School days missed in a {rules.YEAR_OF_SCHOOL_DAYS}-day year")
    axes.set_xlim(0, max([*lost, 1]) * 1.4)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})  # no date: the same SVG each time
    return out.getvalue()


def data_uri(svg: str) -> str:
    """For an <img>: the page's CSP allows data: images but no inline styles, and
    matplotlib's SVG carries a <style> element."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def shown_pct(rate) -> Decimal | None:
    """An exact rate as a one-place percentage, for display and the chart only."""
    return percent(rate, 1)
