"""Reads for letters: what a merge needs for many pupils at once, and the list page's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rollbook.core.calendar import academic_year_of
from rollbook.core.models import Role, School, StaffRole
from rollbook.leave.models import PartTimeTimetable
from rollbook.letters import rules
from rollbook.letters.models import Adaptation, Letter, LetterStatus, LetterTemplate
from rollbook.policy.kinds import ActionKind
from rollbook.policy.schema import Policy
from rollbook.pupils.models import Pupil, PupilContact
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Tally


@dataclass(frozen=True)
class PupilLetterFacts:
    parents: list[rules.Parent]
    tally: Tally
    circumstances: frozenset[str]
    half_terms: list[tuple[str, Tally]]


def head_name(school: School) -> str:
    role = (
        StaffRole.objects.filter(school=school, role=Role.HEAD)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return role.user.get_full_name() if role else ""


def pupil_facts(
    school: School, pupils: list[Pupil], today: date
) -> tuple[date, dict[int, PupilLetterFacts]]:
    """(first school day of the year, facts per pupil): a query per half-term, plus three."""
    ids = [p.pk for p in pupils]
    year_start = date(academic_year_of(today), 8, 1)
    calendar = school.calendar()
    days = calendar.school_days(year_start, today)
    tallies = pupil_tallies(school, year_start, today, ids)
    terms = [t for t in calendar.terms if year_start <= t.start <= today]
    per_term = [(t.name, pupil_tallies(school, t.start, min(t.end, today), ids)) for t in terms]
    parents: dict[int, list[rules.Parent]] = defaultdict(list)
    links = PupilContact.objects.filter(pupil_id__in=ids, parental_responsibility=True)
    for link in links.select_related("contact").order_by("pupil_id", "priority", "id"):
        c = link.contact
        parents[link.pupil_id].append(rules.Parent(c.title, c.forename, c.surname))
    part_time = set(
        PartTimeTimetable.objects.filter(
            pupil_id__in=ids, active=True, start_date__lte=today, end_date__gte=today
        ).values_list("pupil_id", flat=True)
    )
    facts = {}
    for p in pupils:
        circumstances = {
            name
            for name, present in (
                (Adaptation.LONG_TERM_ILLNESS, p.long_term_illness),
                (Adaptation.MEDICAL_PLAN, p.medical_plan),
                (Adaptation.PART_TIME_TIMETABLE, p.pk in part_time),
            )
            if present
        }
        facts[p.pk] = PupilLetterFacts(
            parents=parents.get(p.pk, []),
            tally=tallies.get(p.pk, Tally()),
            circumstances=frozenset(str(c) for c in circumstances),
            half_terms=[(name, t.get(p.pk, Tally())) for name, t in per_term],
        )
    return (days[0] if days else year_start), facts


def latest_templates(school: School) -> dict[tuple[str, str], LetterTemplate]:
    """The newest version of each (key, adaptation) the school has saved."""
    latest: dict[tuple[str, str], LetterTemplate] = {}
    for t in LetterTemplate.objects.filter(school=school).order_by("key", "adaptation", "version"):
        latest[(t.key, t.adaptation)] = t
    return latest


def policy_letter_keys(policy: Policy) -> dict[str, str]:
    """Template key -> the stage that uses it, for the policy's letter actions."""
    keys: dict[str, str] = {}
    for stage in policy.stages:
        for action in stage.actions:
            if action.kind == ActionKind.LETTER and action.template:
                keys.setdefault(action.template, stage.name)
    return keys


def letters_for_list(school: School, *, status: str = "", week: tuple[date, date] | None = None):
    letters = Letter.objects.filter(school=school).select_related("pupil__registration_group")
    if status:
        letters = letters.filter(status=status)
    if week:
        letters = letters.filter(letter_date__range=week)
    return letters.defer("pdf", "html", "figures", "chart").order_by("-letter_date", "-id")


def draft_letters_in_week(school: School, week: tuple[date, date]):
    return Letter.objects.filter(
        school=school, status=LetterStatus.DRAFT, letter_date__range=week
    ).order_by("family_id", "pupil__legal_surname", "id")
