"""Reads for letters: what a merge needs for many pupils at once, and the list page's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rollbook.casework.models import FamilyAssignment
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


def head_signatory(school: School) -> rules.Signatory | None:
    """The head teacher (the first with the role) as the default signer; None without one."""
    grant = (
        StaffRole.objects.filter(school=school, role=Role.HEAD)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if grant is None:
        return None
    name = grant.user.get_full_name() or "The Headteacher"
    return rules.Signatory(grant.user_id, name, rules.HEADTEACHER)


def family_signatories(
    school: School, pupils: list[Pupil], policy: Policy, head: rules.Signatory | None
) -> dict[int, rules.Signatory]:
    """S003-15: each pupil's signer, from the open caseload assignment of their family (one
    query): the Headship or SLT member holding the family, else the head."""
    caseloads = {c.key: c for c in policy.caseloads}
    owners: dict[int, tuple[rules.Signatory, str]] = {}
    families = {p.family_id for p in pupils if p.family_id}
    for assignment in FamilyAssignment.objects.filter(
        family_id__in=families, ended_on__isnull=True
    ).select_related("holder"):
        caseload = caseloads.get(assignment.caseload)
        if caseload is None:
            continue
        holder = assignment.holder
        signer = rules.Signatory(
            holder.pk,
            holder.get_full_name() or holder.get_username(),
            rules.caseload_title(caseload.key, caseload.name),
        )
        owners[assignment.family_id] = (signer, str(caseload.role))
    found = {}
    for pupil in pupils:
        owner, role = owners.get(pupil.family_id, (None, ""))
        found[pupil.pk] = rules.signatory_for(owner=owner, owner_caseload_role=role, head=head)
    return found


def signers(school: School) -> list[tuple[int, str]]:
    """Senior staff who may sign a letter: (user id, name), each once (one query)."""
    seen: dict[int, str] = {}
    for grant in (
        StaffRole.objects.filter(school=school, role__in=rules.SIGNING_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    ):
        seen.setdefault(grant.user_id, grant.user.get_full_name() or grant.user.get_username())
    return list(seen.items())


def school_contact(school: School, policy: Policy) -> rules.SchoolContact | None:
    """The member of staff letters name for families to talk to (the policy's contact role),
    with the policy's telephone and email; None when nobody holds the role. One query."""
    settings = policy.letters
    grant = (
        StaffRole.objects.filter(school=school, role=settings.contact_role)
        .select_related("user")
        .order_by("id")
        .first()
    )
    name = grant.user.get_full_name() if grant else ""
    if not name and not (settings.contact_phone or settings.contact_email):
        return None
    return rules.SchoolContact(
        name=name,
        role_label=Role(settings.contact_role).label,
        phone=settings.contact_phone,
        email=settings.contact_email or (grant.user.email if grant else ""),
    )


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


def term_tallies(
    school: School, pupils: list[Pupil], term: rules.TermPeriod, today: date
) -> dict[int, Tally]:
    """Each pupil's tally for the term up to today (one query)."""
    return pupil_tallies(school, term.start, min(term.end, today), [p.pk for p in pupils])


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
