from datetime import date

import pytest
import time_machine

from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.models import Alert
from rollbook.policy.tasks import daily_monitoring, monitor_school

pytestmark = pytest.mark.django_db
WEDNESDAY_EVENING = "2025-10-08 16:30:00+01:00"
SATURDAY = "2025-10-11 16:30:00+01:00"


def test_the_daily_job_monitors_each_school_open_today_and_is_idempotent():
    school = make_school()
    pupil = make_pupil(school)
    add_marks(pupil, [(date(2025, 10, 6), "AM", "O"), (date(2025, 10, 6), "PM", "O")])

    with time_machine.travel(WEDNESDAY_EVENING, tick=False):
        daily_monitoring.enqueue()
        daily_monitoring.enqueue()

    assert Alert.objects.filter(pupil=pupil, kind="severe_absence").count() == 1


def test_no_monitoring_on_a_day_the_school_is_shut():
    make_school()

    with time_machine.travel(SATURDAY, tick=False):
        result = daily_monitoring.enqueue()

    assert result.return_value == 0


def test_monitor_school_returns_how_many_alerts_it_raised():
    school = make_school()
    add_marks(make_pupil(school), [(date(2025, 10, 6), "AM", "O")])

    assert monitor_school.enqueue(school.pk, "2025-10-06").return_value == 1
    assert monitor_school.enqueue(school.pk, "2025-10-06").return_value == 0


def test_the_daily_job_also_checks_part_time_timetables_past_their_end():
    from rollbook.leave.actions import agree_part_time_timetable
    from rollbook.pupils.actions import add_contact

    school = make_school()
    pupil = make_pupil(school)
    parent = add_contact(
        actor_label="t",
        school=school,
        pupils=[pupil],
        forename="P",
        surname="Q",
        relationship="Mother",
    )
    agree_part_time_timetable(
        actor=None,
        school=school,
        pupil=pupil,
        start_date=date(2025, 9, 8),
        end_date=date(2025, 9, 26),
        sessions=["Mon PM"],
        reason="Phased return",
        review_date=date(2025, 9, 19),
        agreed_with=parent,
        on=date(2025, 9, 5),
    )

    monitor_school.enqueue(school.pk, "2025-10-06")

    assert Alert.objects.filter(pupil=pupil, kind="part_time_overrun").exists()


def test_the_daily_run_makes_the_long_absence_tasks_once():
    """A pupil away 11 school days gets the keep-in-touch and return-plan tasks from the
    daily monitoring (casework.long_absences), and a second run adds none."""
    from datetime import timedelta

    from rollbook.casework.models import CaseTask

    school = make_school()
    pupil = make_pupil(school)
    marks, day = [], date(2025, 11, 3)
    while len(marks) < 22:
        if day.weekday() < 5:
            marks += [(day, "AM", "I"), (day, "PM", "I")]
        day += timedelta(days=1)
    add_marks(pupil, marks)
    as_of = marks[-1][0].isoformat()

    monitor_school.enqueue(school.pk, as_of)
    made = list(CaseTask.objects.filter(pupil=pupil).values_list("kind", flat=True))
    monitor_school.enqueue(school.pk, as_of)

    assert {"keep_in_touch", "return_plan"} <= set(made), made
    assert CaseTask.objects.filter(pupil=pupil).count() == len(made)
