"""Read side of scheduled campaigns: which are due, who they go to, and what each family reads.

The audience comes from the DfE session counts (`registers.queries.pupil_tallies`) judged by
the pure `rules.audience`; the wording from the school's template for the kind and the
contact's language (`template_for`), falling back to English. Nothing here writes: the
preview a person approves is exactly what `actions.approve_campaign` queues.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from rollbook.comms import rules
from rollbook.comms.models import STANDING_KINDS, Campaign, Message, MessageTemplate, TextBlock
from rollbook.core.calendar import academic_year_label, academic_year_of
from rollbook.core.models import School
from rollbook.pupils.models import Pupil, PupilContact
from rollbook.registers.queries import pupil_tallies

CONJUNCTIONS = {"en": "and", "pl": "i"}


@dataclass(frozen=True)
class Template:
    kind: str
    language: str
    version: int  # 0: the wording Rollbook ships; 1 and up: the school's own saved versions
    body: str

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.language}/sms"


def template_for(school: School, kind: str, language: str) -> Template:
    """The school's latest wording for the kind in `language`, else Rollbook's; a language
    with neither falls back to English."""
    for lang in dict.fromkeys((language, "en")):
        own = (
            MessageTemplate.objects.filter(school=school, kind=kind, language=lang)
            .order_by("-version")
            .first()
        )
        if own is not None:
            return Template(kind, lang, own.version, own.body)
        if (kind, lang) in rules.DEFAULT_TEMPLATES:
            return Template(kind, lang, 0, rules.DEFAULT_TEMPLATES[kind, lang])
    raise LookupError(f"no template for {kind!r}")


def blocks_for(school: School) -> dict[str, str]:
    """The school's latest version of each reusable text block, else Rollbook's (one query)."""
    blocks = dict(rules.DEFAULT_BLOCKS)
    seen: set[str] = set()
    for key, body in (
        TextBlock.objects.filter(school=school)
        .order_by("key", "-version")
        .values_list("key", "body")
    ):
        if key not in seen:
            seen.add(key)
            blocks[key] = body
    return blocks


@dataclass(frozen=True)
class Named:
    pupil: Pupil
    standing: rules.Standing

    @property
    def first_name(self) -> str:
        return self.pupil.preferred_forename or self.pupil.legal_forename

    @property
    def pct(self) -> str:
        if not self.standing.possible:  # standing campaigns carry no figures
            return "every family"
        return rules.pct_text(self.standing.attended, self.standing.possible)


@dataclass(frozen=True)
class Draft:
    """One family's message as it will be queued."""

    family: str
    pupils: tuple[Named, ...]
    contact: object | None  # pupils.Contact, or None when nobody can be texted
    template: Template | None
    body: str


@dataclass(frozen=True)
class Preview:
    campaign: Campaign
    audience: tuple[Named, ...]
    drafts: tuple[Draft, ...]

    @property
    def sendable(self) -> tuple[Draft, ...]:
        return tuple(d for d in self.drafts if d.contact is not None)

    @property
    def unreachable(self) -> tuple[Draft, ...]:
        return tuple(d for d in self.drafts if d.contact is None)


def _terms(school: School) -> list[rules.Term]:
    return [rules.Term(t.name, t.start, t.end) for t in school.calendar().terms]


def due_period(school: School, config, today: date) -> rules.Period | None:
    """The period a policy campaign is due for today, or None."""
    calendar = school.calendar()
    if config.kind == "weekly_update":
        week = calendar.school_days(today - timedelta(days=7), today)
        return rules.weekly_period(today, config.weekday, week)
    ended = rules.ended_half_term(today, _terms(school))
    return rules.half_term_period(ended[0]) if ended else None


def standing_periods(school: School, today: date) -> list[tuple[str, rules.Period]]:
    """The standing campaigns due today: the reminder before each holiday that term-time
    holidays are not authorised, and the policy's link at the start of each school year."""
    calendar = school.calendar()
    days = calendar.school_days()
    due = []
    terms = [rules.Term(t.name, t.start, t.end) for t in calendar.terms]
    if (period := rules.holiday_reminder_period(today, terms, days)) is not None:
        due.append(("holiday_reminder", period))
    if (period := rules.policy_share_period(today, days)) is not None:
        due.append(("policy_share", period))
    return due


def _previous_term(school: School, first_day: date) -> rules.Term | None:
    before = [t for t in _terms(school) if t.end < first_day]
    return max(before, key=lambda t: t.end) if before else None


def _config(school: School, kind: str):
    from rollbook.comms.actions import comms_policy

    configs = [c for c in comms_policy(school).campaigns if c.kind == kind]
    if configs:
        return configs[0]
    from rollbook.policy.schema import Campaign as CampaignConfig

    return CampaignConfig(kind=kind)


def audience(campaign: Campaign) -> tuple[Named, ...]:
    """The pupils the campaign names, oldest first within each family, from the statistics."""
    school, kind = campaign.school, campaign.kind
    last = campaign.last_day
    if kind in STANDING_KINDS:  # every family on roll; no figures
        everyone = Pupil.objects.on_roll(last).filter(school=school)
        named = [Named(p, rules.Standing(p.pk, 0, 0)) for p in everyone]
        named.sort(key=lambda n: (n.pupil.legal_surname, n.pupil.date_of_birth, n.pupil.pk))
        return tuple(named)
    config = _config(school, kind)
    first = date(academic_year_of(last), 8, 1) if kind == "weekly_update" else campaign.first_day
    pupils = {p.pk: p for p in Pupil.objects.on_roll(last).filter(school=school)}
    now = pupil_tallies(school, first, last, pupils)
    before = {}
    if kind == "halfterm_improvement" and (prev := _previous_term(school, first)) is not None:
        before = pupil_tallies(school, prev.start, prev.end, pupils)
    standings = [
        rules.Standing(
            pk,
            t.attended,
            t.possible,
            before[pk].attended if pk in before else 0,
            before[pk].possible if pk in before else 0,
        )
        for pk, t in now.items()
        if pk in pupils
    ]
    chosen = rules.audience(
        kind,
        standings,
        line=config.at_or_below_pct,
        points=config.improvement_points,
        min_possible=config.min_possible_sessions,
    )
    named = [Named(pupils[s.pupil_id], s) for s in chosen]
    named.sort(key=lambda n: (n.pupil.legal_surname, n.pupil.date_of_birth, n.pupil.pk))
    return tuple(named)


def _values(
    campaign: Campaign, children: list[Named], language: str, blocks: dict[str, str]
) -> dict[str, str]:
    conj = CONJUNCTIONS.get(language, "and")
    standing = campaign.kind in STANDING_KINDS
    line = (
        ""
        if standing
        else f"{_config(campaign.school, campaign.kind).at_or_below_pct.normalize():f}%"
    )
    return {
        "school": campaign.school.name,
        "children": ""
        if standing
        else rules.join_names([f"{n.first_name} {n.pct}" for n in children], conj),
        "names": rules.join_names([n.first_name for n in children], conj),
        "week": campaign.period_label,
        "half_term": campaign.period_label,
        "holiday": campaign.period_label,
        "year": academic_year_label(academic_year_of(campaign.first_day)),
        "fpn": rules.FPN_SENTENCE,
        "line": line,
        **blocks,
    }


def preview(campaign: Campaign) -> Preview:
    """Every family's message, one per family (siblings named together), to the first
    contact with parental responsibility and a mobile, in their language."""
    from rollbook.comms.actions import _family_contact

    named = audience(campaign)
    families: dict[str, list[Named]] = defaultdict(list)
    for n in named:
        families[rules.family_key(n.pupil.family_id, n.pupil.pk)].append(n)
    links: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(
        pupil_id__in=[n.pupil.pk for n in named]
    ).select_related("contact"):
        links[link.pupil_id].append(link)
    contacts = {link.contact_id: link.contact for ls in links.values() for link in ls}
    templates: dict[str, Template] = {}
    blocks = blocks_for(campaign.school)
    drafts = []
    for family, children in families.items():
        children.sort(key=lambda n: (n.pupil.date_of_birth, n.pupil.pk))
        chosen = _family_contact([n.pupil for n in children], links)
        if chosen is None:
            drafts.append(Draft(family, tuple(children), None, None, ""))
            continue
        contact = contacts[chosen.contact_id]
        language = rules.language_code(contact.preferred_language)
        if language not in templates:
            templates[language] = template_for(campaign.school, campaign.kind, language)
        template = templates[language]
        body = rules.fill(template.body, _values(campaign, children, template.language, blocks))
        drafts.append(Draft(family, tuple(children), contact, template, body))
    return Preview(campaign, named, tuple(drafts))


def progress(campaign: Campaign) -> dict[str, int]:
    """The campaign's messages counted by status (one query)."""
    rows = Message.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id"))
    return dict(rows.order_by())
