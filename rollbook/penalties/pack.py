"""The LA evidence pack: the sessions counted, letters, meetings, support, referrals, dates.

`assemble` is pure (hand-built cases test it); `build_pack` reads the database (the marks,
the figures and the casework timeline, so that new kinds of casework event appear without
a change here); `pack_csv` and `pack_pdf` turn the pack into files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone

from rollbook.casework.queries import timeline
from rollbook.casework.rules import TimelineEvent
from rollbook.core.calendar import academic_year_of
from rollbook.penalties import queries
from rollbook.penalties.models import PenaltyNotice
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil
from rollbook.registers import codes
from rollbook.registers.models import Mark
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate, Tally

# Pack sections, in order, and the timeline kinds each gathers (others are left out: alerts,
# awards and notes are not evidence the LA asks for; safeguarding notes are never read here).
SECTIONS = (
    ("letters", "Letters sent"),
    ("meetings", "Meetings held and support offered"),
    ("contacts", "Calls, messages and home visits"),
    ("referrals", "Referrals"),
    ("penalty", "Penalty-notice steps"),
)
_KIND_SECTION = {
    "letter": "letters",
    "meeting": "meetings",
    "part_time": "meetings",
    "contact": "contacts",
    "message": "contacts",
    "referral": "referrals",
    "penalty": "penalty",
}


@dataclass(frozen=True)
class PackSession:
    day: date
    session: str
    code: str  # the code now
    meaning: str
    counted: bool  # still a code the threshold counts (False: recoded since)


@dataclass(frozen=True)
class PackEvent:
    at: datetime
    title: str
    detail: str
    by: str


@dataclass(frozen=True)
class EvidencePack:
    school_name: str
    pupil_name: str
    upn: str
    date_of_birth: date
    class_name: str
    parents: tuple[str, ...]
    first_date: date
    last_date: date
    sessions: tuple[PackSession, ...]
    figures: Tally
    figures_from: date
    figures_to: date
    notice: str  # a one-line summary of the notice, or "" for a pack with no notice
    sections: tuple[tuple[str, tuple[PackEvent, ...]], ...]  # (title, events oldest first)
    generated_on: date

    @property
    def sessions_counted(self) -> int:
        return sum(1 for s in self.sessions if s.counted)

    @property
    def attendance_rate(self) -> str:
        return str(Rate(self.figures.attendance_rate))


def _meaning(code: str, day: date) -> str:
    found = codes.definition(code, day)
    return found.meaning if found else "not a valid code that day"


def assemble(
    *,
    school_name: str,
    pupil: Pupil,
    parents: Iterable[str],
    first_date: date,
    last_date: date,
    sessions: Iterable[str],
    marks: dict[tuple[date, str], str],
    pn_codes: Iterable[str],
    figures: Tally,
    figures_from: date,
    figures_to: date,
    events: Iterable[TimelineEvent],
    since: date,
    notice: str,
    generated_on: date,
) -> EvidencePack:
    """The pack from plain values. `sessions`: the sessions counted ('2025-11-04 PM');
    `marks`: their codes now; `events`: the casework timeline (any order)."""
    counted_codes = frozenset(pn_codes)
    rows = []
    for key in sorted(sessions):
        day_text, session = key.split()
        day = date.fromisoformat(day_text)
        code = marks.get((day, session), "")
        rows.append(PackSession(day, session, code, _meaning(code, day), code in counted_codes))
    grouped: dict[str, list[PackEvent]] = {key: [] for key, _ in SECTIONS}
    for event in sorted(events, key=lambda e: (e.at, e.title)):
        section = _KIND_SECTION.get(event.kind)
        if event.kind == "action" and event.title.startswith("Letter"):
            section = "letters"  # a stage letter marked sent on the Alerts page
        elif event.kind == "action" and event.title.endswith("done"):
            section = "meetings"  # a call, meeting or task the policy asked for, done
        if section is None or event.safeguarding or timezone.localtime(event.at).date() < since:
            continue
        grouped[section].append(PackEvent(event.at, event.title, event.detail, event.by))
    group = pupil.registration_group
    return EvidencePack(
        school_name=school_name,
        pupil_name=pupil.display_name,
        upn=pupil.upn,
        date_of_birth=pupil.date_of_birth,
        class_name=group.name if group else "",
        parents=tuple(parents),
        first_date=first_date,
        last_date=last_date,
        sessions=tuple(rows),
        figures=figures,
        figures_from=figures_from,
        figures_to=figures_to,
        notice=notice,
        sections=tuple((title, tuple(grouped[key])) for key, title in SECTIONS),
        generated_on=generated_on,
    )


def notice_summary(notice: PenaltyNotice) -> str:
    parts = [f"Notice {notice.pk} for {notice.parent}: {notice.status_label.lower()}"]
    if notice.warned_on:
        parts.append(f"{notice.get_warning_kind_display().lower()} {notice.warned_on:%-d %b %Y}")
    if notice.requested_on:
        parts.append(f"requested {notice.requested_on:%-d %b %Y}")
    if notice.issued_on:
        parts.append(f"issued {notice.issued_on:%-d %b %Y} ({notice.get_rate_display().lower()})")
    if notice.la_reference:
        parts.append(f"LA reference {notice.la_reference}")
    return "; ".join(parts)


def build_pack(pupil: Pupil, notice: PenaltyNotice | None, today: date) -> EvidencePack:
    """The pack for a notice (its offence period and sessions), or, with no notice, for the
    academic year so far (the sessions with a penalty-notice code)."""
    school = pupil.school
    policy, _ = active_policy(school)
    year_start = date(academic_year_of(today), 8, 1)
    if notice is not None:
        first, last, sessions = notice.first_date, notice.last_date, list(notice.sessions)
        parents = [str(notice.parent)]
        summary = notice_summary(notice)
    else:
        first, last = year_start, today
        sessions = queries.sessions_between(pupil, first, last)
        parents = [str(c) for c in queries.parents_of([pupil]).get(pupil.pk, [])]
        summary = ""
    marks = {
        (d, s): c
        for d, s, c in Mark.objects.filter(pupil=pupil, date__range=(first, last)).values_list(
            "date", "session", "code"
        )
    }
    figures_from = date(academic_year_of(first), 8, 1)
    figures_to = max(last, min(today, date(figures_from.year + 1, 7, 31)))
    figures = pupil_tallies(school, figures_from, figures_to, [pupil.pk]).get(pupil.pk, Tally())
    events = timeline(school, [pupil], safeguarding=False).events
    return assemble(
        school_name=school.name,
        pupil=pupil,
        parents=parents,
        first_date=first,
        last_date=last,
        sessions=sessions,
        marks=marks,
        pn_codes=policy.statutory.pn_codes,
        figures=figures,
        figures_from=figures_from,
        figures_to=figures_to,
        events=events,
        since=figures_from,
        notice=summary,
        generated_on=today,
    )


def pack_csv(pack: EvidencePack) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "date", "session", "code", "what", "detail", "by"])
    writer.writerow(
        ["pupil", "", "", "", pack.pupil_name, f"UPN {pack.upn}; born {pack.date_of_birth}", ""]
    )
    for parent in pack.parents:
        writer.writerow(["parent", "", "", "", parent, "", ""])
    if pack.notice:
        writer.writerow(["notice", "", "", "", pack.notice, "", ""])
    writer.writerow(
        [
            "figures",
            f"{pack.figures_from} to {pack.figures_to}",
            "",
            "",
            f"attendance {pack.attendance_rate}",
            f"possible {pack.figures.possible}; attended {pack.figures.attended}; "
            f"authorised absence {pack.figures.authorised}; "
            f"unauthorised absence {pack.figures.unauthorised}",
            "",
        ]
    )
    for s in pack.sessions:
        what = "counted" if s.counted else "recoded since: not counted"
        writer.writerow(["session", s.day.isoformat(), s.session, s.code, what, s.meaning, ""])
    for title, events in pack.sections:
        for e in events:
            when = timezone.localtime(e.at)
            writer.writerow([title, when.date().isoformat(), "", "", e.title, e.detail, e.by])
    return out.getvalue()


def pack_html(pack: EvidencePack) -> str:
    return render_to_string("penalties/pack_pdf.html", {"pack": pack})


def pack_pdf(pack: EvidencePack) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    return weasyprint.HTML(string=pack_html(pack)).write_pdf()
