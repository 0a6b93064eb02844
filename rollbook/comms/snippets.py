"""Read side of the public texts (`public.py`): whole-school and class figures, award counts.

A fixed number of queries whatever the school's size: the whole-school tally, the class
tallies, class sizes, award counts and the pupils' names for the last check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from rollbook.comms import public
from rollbook.core.models import School
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.registers.queries import marks_on_roll, tallies_by
from rollbook.rewards.models import Award

AWARD_GROUPS = 6  # the latest award periods offered as posts


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    withheld: tuple[str, ...] = ()  # names found in the text: the draft is not shown

    @property
    def safe(self) -> bool:
        return not self.withheld


@dataclass(frozen=True)
class PublicTexts:
    spans: tuple[public.Span, public.Span] | None
    target: object  # Decimal | None
    week: public.Figure | None
    term: public.Figure | None
    newsletter: Draft | None
    posts: tuple[Draft, ...]
    left_out: int  # classes too small to publish


def _figure(tallies: dict, key) -> public.Figure:
    t = tallies.get(key)
    return public.Figure(t.attended, t.possible) if t else public.Figure(0, 0)


def _checked(title: str, text: str, names: list[str]) -> Draft:
    found = public.names_in(text, names)
    return Draft(title, "" if found else text, tuple(found))


def _names(school: School, last: date) -> list[str]:
    names = []
    rows = Pupil.objects.on_roll(last).filter(school=school)
    for fore, pref, sur, pref_sur in rows.values_list(
        "legal_forename", "preferred_forename", "legal_surname", "preferred_surname"
    ):
        for first in {fore, pref} - {""}:
            names.extend(f"{first} {s}" for s in {sur, pref_sur} - {""})
    return names


def public_texts(school: School, today: date, target) -> PublicTexts:
    """The newsletter snippet and the draft posts for the week and term to date."""
    calendar = school.calendar()
    spans = public.reporting_spans(
        today, calendar.school_days(None, today), [(t.name, t.start, t.end) for t in calendar.terms]
    )
    awards = _award_counts(school)
    if spans is None:
        names = _names(school, today)
        posts = tuple(_award_draft(school, a, names) for a in awards)
        return PublicTexts(None, target, None, None, None, posts, 0)
    week_span, term_span = spans
    whole = tallies_by(marks_on_roll(school, term_span.first, term_span.last), "school_id")
    week_whole = tallies_by(marks_on_roll(school, week_span.first, week_span.last), "school_id")
    week, term = _figure(week_whole, school.pk), _figure(whole, school.pk)
    by_group = tallies_by(
        marks_on_roll(school, week_span.first, week_span.last), "pupil__registration_group_id"
    )
    sizes = dict(
        Pupil.objects.on_roll(week_span.last)
        .filter(school=school)
        .values_list("registration_group_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups = [
        public.GroupFigure(g.name, sizes.get(g.pk, 0), _figure(by_group, g.pk))
        for g in RegistrationGroup.objects.filter(school=school).order_by("name")
    ]
    names = _names(school, term_span.last)
    newsletter = _checked(
        "Newsletter",
        public.newsletter_snippet(
            school=school.name,
            week_label=week_span.label,
            week=week,
            term_label=term_span.label,
            term=term,
            target=target,
        ),
        names,
    )
    posts = [
        _checked(
            "Weekly attendance post",
            public.weekly_post(
                school=school.name, week_label=week_span.label, whole=week, groups=groups
            ),
            names,
        )
    ]
    posts += [_award_draft(school, a, names) for a in awards]
    published = public.publishable_groups(groups)
    left_out = sum(1 for g in groups if g.figure.possible > 0) - len(published)
    return PublicTexts(spans, target, week, term, newsletter, tuple(posts), left_out)


def _award_draft(school: School, award: public.AwardCount, names: list[str]) -> Draft:
    title = f"Award post: {award.name}, {award.period_label}"
    return _checked(title, public.award_post(school=school.name, award=award), names)


def _award_counts(school: School) -> list[public.AwardCount]:
    """Children per award and period, the latest periods first."""
    rows = (
        Award.objects.filter(school=school)
        .values("name", "period_label", "period_end")
        .annotate(n=Count("pupil_id", distinct=True))
        .order_by("-period_end", "name")[:AWARD_GROUPS]
    )
    return [public.AwardCount(r["name"], r["period_label"], r["n"]) for r in rows]
