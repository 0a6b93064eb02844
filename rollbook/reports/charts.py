"""Charts for the governors' report, drawn by matplotlib as SVG and embedded as data: URIs.

matplotlib is imported inside `_pyplot` (with the non-interactive Agg backend): importing it
costs about 1.7 s, which only the report's chart step should pay. The SVG is an <img> rather
than inline markup because the site's Content-Security-Policy forbids inline styles, which
matplotlib's SVG uses; inside an image they are allowed. Text stays text (`svg.fonttype`
"none") and ids are fixed (`svg.hashsalt`), so the same figures give the same bytes.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from rollbook.registers.rules import percent
from rollbook.reports.governors import GovernorsReport

INK, BLUE, GREY, ORANGE, RED = "#0b0c0c", "#1d70b8", "#b1b4b6", "#f47738", "#d4351c"


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str  # the chart in words, for screen readers and the PDF's text layer
    data_uri: str


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "rollbook",
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": GREY,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue().encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def _num(rate) -> float | None:
    shown = percent(rate, 1)
    return None if shown is None else float(shown)


def charts(report: GovernorsReport) -> tuple[Chart, ...]:
    plt = _pyplot()
    return tuple(
        c for c in (_half_terms(plt, report), _years(plt, report), _pa_sa(plt, report)) if c
    )


def _target_line(ax, report: GovernorsReport) -> None:
    if report.target is not None:
        ax.axhline(float(report.target.target_pct), color=ORANGE, linestyle="--", linewidth=1)


def _half_terms(plt, report: GovernorsReport) -> Chart | None:
    rows = [(h.label, _num(h.within.tally.attendance_rate)) for h in report.half_terms]
    rows = [(label, v) for label, v in rows if v is not None]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.2, 2.4))
    labels, values = zip(*rows, strict=True)
    ax.bar(labels, values, color=BLUE)
    for i, v in enumerate(values):
        ax.annotate(f"{v:.1f}%", (i, v), ha="center", va="bottom", fontsize=7)
    _target_line(ax, report)
    ax.set_ylim(max(0, min(values) - 5), 100)
    ax.set_ylabel("Attendance %")
    words = "; ".join(f"{label} {v:.1f}%" for label, v in rows)
    return Chart("Attendance by half-term", f"Attendance in each half-term: {words}.", _svg(fig))


def _years(plt, report: GovernorsReport) -> Chart | None:
    rows = [
        (f"Year {r.label}" if r.label.isdigit() else r.label, _num(r.summary.tally.attendance_rate))
        for r in report.years
        if not r.suppressed
    ]
    rows = [(label, v) for label, v in rows if v is not None]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(6.2, 2.4))
    labels, values = zip(*rows, strict=True)
    ax.bar(labels, values, color=BLUE)
    for i, v in enumerate(values):
        ax.annotate(f"{v:.1f}%", (i, v), ha="center", va="bottom", fontsize=7)
    _target_line(ax, report)
    ax.set_ylim(max(0, min(values) - 5), 100)
    ax.set_ylabel("Attendance %")
    words = "; ".join(f"{label} {v:.1f}%" for label, v in rows)
    return Chart("Attendance by year group", f"Attendance by year group: {words}.", _svg(fig))


def _pa_sa(plt, report: GovernorsReport) -> Chart | None:
    if not report.half_terms:
        return None
    labels = [h.label for h in report.half_terms]
    pa = [h.year_to_date.persistent_absentees for h in report.half_terms]
    sa = [h.year_to_date.severe_absentees for h in report.half_terms]
    fig, ax = plt.subplots(figsize=(6.2, 2.2))
    positions = range(len(labels))
    ax.bar([p - 0.2 for p in positions], pa, width=0.4, color=BLUE, label="Persistent absence")
    ax.bar([p + 0.2 for p in positions], sa, width=0.4, color=RED, label="Severe absence")
    ax.set_xticks(list(positions), labels)
    ax.set_ylabel("Pupils (year to date)")
    ax.legend(frameon=False, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    words = "; ".join(f"{lab}: {p} PA, {s} SA" for lab, p, s in zip(labels, pa, sa, strict=True))
    return Chart(
        "Persistent and severe absence by half-term",
        f"Pupils persistently and severely absent, year to date at the end of each half-term: {words}.",
        _svg(fig),
    )
