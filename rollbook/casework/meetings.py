"""Reads for meetings, plans and tasks: the figures a meeting freezes, and a pupil's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rollbook.casework import rules
from rollbook.casework.models import CaseTask, Meeting, SupportPlan
from rollbook.core import calendar
from rollbook.pupils.models import Pupil
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate, Tally


@dataclass(frozen=True)
class MeetingFigures:
    """The absence report for a meeting, and 'Pupil B' (peers above the line, summed)."""

    first: date
    last: date
    tally: Tally
    peers: int
    peer_tally: Tally

    @property
    def attendance(self) -> Rate:
        return Rate(self.tally.attendance_rate)

    @property
    def peer_attendance(self) -> Rate:
        return Rate(self.peer_tally.attendance_rate)


def meeting_figures(
    pupil: Pupil, held_on: date, above_pct: Decimal = rules.COMPARISON_ABOVE_PCT
) -> MeetingFigures:
    """The academic year to the meeting day, for the pupil and their year group (one query)."""
    first = date(calendar.academic_year_of(held_on), 8, 1)
    peers = list(
        Pupil.objects.on_roll(held_on)
        .filter(school_id=pupil.school_id, year_group=pupil.year_group)
        .values_list("pk", flat=True)
    )
    tallies = pupil_tallies(pupil.school, first, held_on, {*peers, pupil.pk})
    others = [t for pk, t in tallies.items() if pk != pupil.pk]
    above = [t for t in others if rules.above_line(t.attended, t.possible, above_pct)]
    return MeetingFigures(
        first=first,
        last=held_on,
        tally=tallies.get(pupil.pk, Tally()),
        peers=len(above),
        peer_tally=rules.comparison(others, above_pct),
    )


def frozen_figures(meeting: Meeting) -> MeetingFigures:
    """The figures as saved on the meeting (they never change afterwards)."""
    return MeetingFigures(
        first=meeting.figures_from,
        last=meeting.held_on,
        tally=Tally(meeting.attended, meeting.authorised, meeting.unauthorised),
        peers=meeting.peer_pupils,
        peer_tally=Tally(
            attended=meeting.peer_attended, authorised=meeting.peer_possible - meeting.peer_attended
        ),
    )


@dataclass(frozen=True)
class PupilRecords:
    meetings: tuple[Meeting, ...]
    plans: tuple[SupportPlan, ...]
    tasks: tuple[CaseTask, ...]


def tasks_for(pupil: Pupil, *, safeguarding: bool):
    """The pupil's tasks a reader may see: safeguarding tasks for the DSL only."""
    tasks = CaseTask.objects.filter(pupil=pupil)
    return tasks if safeguarding else tasks.filter(safeguarding=False)


def pupil_records(pupil: Pupil, *, safeguarding: bool = False) -> PupilRecords:
    """The pupil's meetings, plans and tasks, newest first (three queries)."""
    return PupilRecords(
        meetings=tuple(Meeting.objects.filter(pupil=pupil).select_related("recorded_by")),
        plans=tuple(SupportPlan.objects.filter(pupil=pupil).select_related("meeting")),
        tasks=tuple(
            tasks_for(pupil, safeguarding=safeguarding)
            .select_related("assigned_to", "done_by")
            .order_by("done_at", "due_on", "id")
        ),
    )
