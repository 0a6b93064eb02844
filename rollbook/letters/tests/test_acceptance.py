"""Issue #6 acceptance: a school on preset 002 followed day by day through the first weeks of a
term gets each stage letter for the right pupil on the right day, exactly once, on the timeline.

Three pupils, all absences counted (002 counts all absence, S002-41):
  Ava  ill from 1 September to 12 September (10 days): 4 days on Thu 4 Sep (stage 1),
       10 days on Fri 12 Sep (stage 2).
  Ben  away 1-3 September and again on Mon 15 September: 4 days on 15 Sep (stage 1).
  Cal  3.5 days away: never reaches a stage.
"""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.casework.models import Case
from rollbook.casework.queries import timeline
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.letters.models import Letter
from rollbook.policy.actions import adopt_preset
from rollbook.policy.tasks import monitor_school

pytestmark = pytest.mark.django_db
AWAY = {
    "Ava": {date(2025, 9, d): ("AM", "PM") for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)},
    "Ben": {date(2025, 9, d): ("AM", "PM") for d in (1, 2, 3, 15)},
    "Cal": {date(2025, 9, 1): ("AM", "PM"), date(2025, 9, 2): ("AM", "PM")}
    | {date(2025, 9, 3): ("AM", "PM"), date(2025, 9, 4): ("AM",)},
}
CODE = {"Ava": "I", "Ben": "O", "Cal": "M"}


def test_following_a_school_on_preset_002_drafts_each_stage_letter_once_on_the_right_day():
    school = make_school(name="St Dunstan's")
    adopt_preset(actor_label="test", school=school, preset="002_st_dunstans")
    days = school.calendar().school_days(date(2025, 9, 1), date(2025, 9, 19))
    pupils = {}
    for name, away in AWAY.items():
        pupil = make_pupil(school, legal_forename=name, family_id=f"F-{name}")
        marks = [
            (day, s, CODE[name] if s in away.get(day, ()) else "/")
            for day in days
            for s in ("AM", "PM")
        ]
        add_marks(pupil, marks)
        pupils[name] = pupil

    drafted = {}
    for day in days:
        monitor_school.call(school.pk, day.isoformat())
        new = Letter.objects.filter(letter_date=day).select_related("pupil")
        if new:
            drafted[day] = sorted((x.pupil.legal_forename, x.template_key) for x in new)
    monitor_school.call(school.pk, days[-1].isoformat())  # a second run on the last day

    assert drafted == {
        date(2025, 9, 4): [("Ava", "stage_1_letter")],
        date(2025, 9, 12): [("Ava", "stage_2_letter")],
        date(2025, 9, 15): [("Ben", "stage_1_letter")],
    }
    assert Letter.objects.count() == 3
    ava = Letter.objects.filter(pupil=pupils["Ava"]).order_by("letter_date")
    assert [x.case_id for x in ava] == [Case.objects.get(pupil=pupils["Ava"]).pk] * 2
    assert "4 of those 19 days" in ava[0].html and "10 of those 19 days" in ava[1].html
    shown = timeline(school, [pupils["Ava"]], safeguarding=False, kinds=["letter"]).events
    assert [e.title for e in shown] == ["Letter drafted", "Letter drafted"]
    assert "serious concerns" in shown[0].detail and "Stage 2" in shown[0].detail
    assert "concerning level" in shown[1].detail and "Stage 1" in shown[1].detail
