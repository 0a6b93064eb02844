"""The periods the termly, half-termly and governors' reports cover. Pure: terms and `today` in.

Schools enter their terms as they like: the demo enters six half-terms ("Autumn 1", "Autumn 2",
...), others three terms. A *half-term* here is one term row as the school entered it; a *term*
is the rows of one season (autumn, spring, summer) of an academic year; a *year* runs from
1 August to 31 July. A period that has not ended yet runs to `today` (it says "so far").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rollbook.core.calendar import TermDates, academic_year_label, academic_year_of

SEASONS = ("autumn", "spring", "summer")


def season_of(term: TermDates) -> str:
    """The season a term row belongs to: by its name if it says so, else by its start month."""
    first_word = (term.name.split() or [""])[0].lower()
    if first_word in SEASONS:
        return first_word
    month = term.start.month
    return "autumn" if month >= 8 else "spring" if month <= 3 else "summer"


@dataclass(frozen=True)
class ReportPeriod:
    key: str  # "2025-autumn", "2025-year", "half-2025-10-27"
    kind: str  # "half_term", "term" or "year"
    label: str  # "Autumn term 2025/26 (so far)"
    first: date
    last: date  # the period's end, or `today` if it has not ended
    ends: date  # the period's end as planned
    half_terms: tuple[TermDates, ...]  # the term rows inside it (clipped to `today`)
    previous: tuple[date, date] | None = None  # the period before it, of the same kind
    last_year: tuple[date, date] | None = None  # the same period a year earlier

    @property
    def finished(self) -> bool:
        return self.last >= self.ends

    @property
    def academic_year(self) -> int:
        return academic_year_of(self.first)


def _clip(terms: Iterable[TermDates], today: date) -> tuple[TermDates, ...]:
    return tuple(TermDates(t.name, t.start, min(t.end, today)) for t in terms if t.start <= today)


def report_periods(terms: Iterable[TermDates], today: date) -> list[ReportPeriod]:
    """Every half-term, term and year that has started by `today`, newest first within kind.

    Order: this year, its terms (newest first), its half-terms (newest first), then last
    year's likewise. A period's `last_year` is last year's period of the same kind and season,
    cut at the same point (52 weeks before `last`) so a part-term compares like with like.
    """
    terms = sorted(terms, key=lambda t: t.start)
    by_year: dict[int, list[TermDates]] = {}
    for t in terms:
        by_year.setdefault(academic_year_of(t.start), []).append(t)
    this_year = academic_year_of(today)
    found: list[ReportPeriod] = []
    for year in sorted((y for y in by_year if y <= this_year), reverse=True):
        found.extend(_year_periods(year, by_year, today))
    return found


def _year_periods(
    year: int, by_year: dict[int, list[TermDates]], today: date
) -> list[ReportPeriod]:
    rows = by_year[year]
    label = academic_year_label(year)
    year_first, year_ends = date(year, 8, 1), date(year + 1, 7, 31)
    periods = [
        _period(
            f"{year}-year",
            "year",
            f"{label} school year",
            year_first,
            year_ends,
            rows,
            today,
            previous=(date(year - 1, 8, 1), date(year, 7, 31)),
            last_year=_span_last_year(year - 1, by_year, None, year_first, min(year_ends, today)),
        )
    ]
    seasons = [s for s in SEASONS if any(season_of(t) == s for t in rows)]
    term_periods, half_periods = [], []
    for i, season in enumerate(seasons):
        inside = [t for t in rows if season_of(t) == season]
        first, ends = inside[0].start, inside[-1].end
        if first > today:
            continue
        before = [t for t in rows if season_of(t) == seasons[i - 1]] if i else []
        term_periods.append(
            _period(
                f"{year}-{season}",
                "term",
                f"{season.capitalize()} term {label}",
                first,
                ends,
                inside,
                today,
                previous=(before[0].start, before[-1].end) if before else None,
                last_year=_span_last_year(year - 1, by_year, season, first, min(ends, today)),
            )
        )
    for i, t in enumerate(rows):
        if t.start > today:
            continue
        half_periods.append(
            _period(
                f"half-{t.start.isoformat()}",
                "half_term",
                f"{t.name} {label}",
                t.start,
                t.end,
                [t],
                today,
                previous=(rows[i - 1].start, rows[i - 1].end) if i else None,
                last_year=None,
            )
        )
    return periods + term_periods[::-1] + half_periods[::-1]


def _period(key, kind, label, first, ends, rows, today, *, previous, last_year) -> ReportPeriod:
    last = min(ends, today)
    return ReportPeriod(
        key=key,
        kind=kind,
        label=label if last >= ends else f"{label} (so far)",
        first=first,
        last=last,
        ends=ends,
        half_terms=_clip(rows, today),
        previous=previous,
        last_year=last_year,
    )


def _span_last_year(
    year: int, by_year: dict[int, list[TermDates]], season: str | None, first: date, last: date
) -> tuple[date, date] | None:
    """Last year's matching period, cut 52 weeks before `last` (like with like)."""
    cut = date.fromordinal(last.toordinal() - 364)
    if season is None:
        start = date(year, 8, 1)
        return (start, min(date(year + 1, 7, 31), cut))
    rows = [t for t in by_year.get(year, []) if season_of(t) == season]
    if not rows:
        return None
    return (rows[0].start, min(rows[-1].end, max(cut, rows[0].start)))


def find(periods: list[ReportPeriod], key: str | None, kinds: Iterable[str]) -> ReportPeriod | None:
    """The period asked for (if offered), else the newest of the wanted kinds."""
    kinds = tuple(kinds)
    wanted = [p for p in periods if p.kind in kinds]
    chosen = next((p for p in wanted if p.key == key), None)
    if chosen is None and wanted:
        chosen = min(wanted, key=lambda p: kinds.index(p.kind))  # stable: newest of that kind
    return chosen
