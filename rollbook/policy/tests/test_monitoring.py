"""The monitoring run against the database: alerts, stage actions, idempotency, dismissal."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.actions import AlertError, adopt_policy, decide_alert
from rollbook.policy.models import Alert, PolicyAction
from rollbook.policy.monitoring import run_monitoring
from rollbook.policy.schema import PolicyError

pytestmark = pytest.mark.django_db
POLICY = """
name = "Test policy"
version = 1
[[stages]]
key = "stage1"
name = "Stage 1"
owner = "office"
trigger = { days_absent_at_least = 2 }
actions = [
  { kind = "task", text = "Phone home", due_in_school_days = 1 },
  { kind = "letter", text = "Stage 1 letter", template = "stage1" },
]
[[stages]]
key = "stage2"
name = "Stage 2"
trigger = { days_absent_at_least = 4 }
"""


def school_days(first: date, n: int) -> list[date]:
    days, day = [], first
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@pytest.fixture
def school():
    school = make_school()
    adopt_policy(actor_label="test", school=school, text=POLICY, source="test")
    return school


def absent(pupil, days, code="I"):
    add_marks(pupil, [(d, s, code) for d in days for s in ("AM", "PM")])


def test_a_stage_fires_once_with_its_actions_and_a_second_run_creates_nothing(school):
    pupil = make_pupil(school)
    absent(pupil, school_days(date(2025, 9, 8), 2))

    first = run_monitoring(school=school, as_of=date(2025, 9, 12))
    second = run_monitoring(school=school, as_of=date(2025, 9, 12))
    later = run_monitoring(school=school, as_of=date(2025, 9, 19))

    assert [(a.kind, a.stage_key) for a in first.created] == [
        ("stage", "stage1"),
        ("severe_absence", ""),
    ]
    assert second.created == [] and later.created == []  # SA is raised once a year
    actions = list(PolicyAction.objects.order_by("id").values_list("kind", "role", "due_on"))
    assert actions == [
        ("task", "office", date(2025, 9, 15)),
        ("letter", "office", date(2025, 9, 19)),
    ]
    assert AuditEvent.objects.filter(kind="monitoring.run").count() == 3


def test_stages_fire_as_absence_grows(school):
    pupil = make_pupil(school)
    days = school_days(date(2025, 9, 8), 4)
    absent(pupil, days[:2])
    run_monitoring(school=school, as_of=days[1])
    absent(pupil, days[2:])

    result = run_monitoring(school=school, as_of=days[3])

    assert [a.stage_key for a in result.created if a.kind == "stage"] == ["stage2"]


def test_a_dry_run_stores_nothing(school):
    pupil = make_pupil(school)
    absent(pupil, school_days(date(2025, 9, 8), 2))

    result = run_monitoring(school=school, as_of=date(2025, 9, 12), record=False)

    assert len(result.created) >= 1 and not Alert.objects.exists()


def test_the_penalty_notice_threshold_raises_one_alert_per_episode(school):
    pupil = make_pupil(school)
    days = school_days(date(2025, 9, 8), 7)
    absent(pupil, days[:5], code="O")
    run_monitoring(school=school, as_of=days[4])
    absent(pupil, days[5:], code="G")

    run_monitoring(school=school, as_of=days[6])

    notices = Alert.objects.filter(kind="penalty_notice_threshold")
    assert notices.count() == 1
    assert notices.get().met_on == days[4]
    assert "2025-09-08 AM" in notices.get().evidence


def test_pupils_not_on_roll_are_not_monitored(school):
    gone = make_pupil(school, admission_date=date(2022, 9, 1), leaving_date=date(2025, 9, 10))
    absent(gone, school_days(date(2025, 9, 8), 3))

    assert run_monitoring(school=school, as_of=date(2025, 9, 12)).evaluated == 0


def test_an_alert_can_be_dismissed_only_with_a_reason(school):
    pupil = make_pupil(school)
    absent(pupil, school_days(date(2025, 9, 8), 2))
    run_monitoring(school=school, as_of=date(2025, 9, 12))
    alert = Alert.objects.get(kind="stage")
    lead = get_user_model().objects.create_user("lead", password="x")

    with pytest.raises(AlertError, match="reason"):
        decide_alert(actor=lead, alert=alert, status="dismissed", reason="")
    decide_alert(actor=lead, alert=alert, status="dismissed", reason="Bereavement: known to school")

    alert.refresh_from_db()
    assert (alert.status, alert.decided_by) == ("dismissed", lead)
    assert AuditEvent.objects.get(kind="alert.decided").reason == "Bereavement: known to school"
    assert run_monitoring(school=school, as_of=date(2025, 9, 12)).created == []  # still fired


def test_adopting_a_policy_keeps_old_versions_and_refuses_bad_files(school):
    adopt_policy(actor_label="test", school=school, text=POLICY, source="again")

    assert list(school.policies.values_list("version", "active")) == [(2, True), (1, False)]
    with pytest.raises(PolicyError, match=r"line 4, register\.minutes_open"):
        adopt_policy(
            actor_label="test",
            school=school,
            text='name="x"\nversion=1\n[register]\nminutes_open=40\n',
            source="bad",
        )
    assert school.policies.count() == 2


def test_the_monitor_command_prints_json(school):
    pupil = make_pupil(school)
    absent(pupil, school_days(date(2025, 9, 8), 2))
    out = StringIO()

    call_command("monitor", "--as-of", "2025-09-12", "--format", "json", stdout=out)

    doc = json.loads(out.getvalue())
    assert doc["alerts"][0]["upn"] == pupil.upn and doc["alerts"][0]["stage"] == "stage1"
    with pytest.raises(CommandError, match="not a date"):
        call_command("monitor", "--as-of", "12/09/2025", stdout=StringIO())


def test_pattern_alerts_are_raised_once_a_year_including_siblings(school):
    amy = make_pupil(school, family_id="F1", legal_forename="Amy")
    ben = make_pupil(school, family_id="F1", legal_forename="Ben")
    together = [
        date(2025, 9, 8),
        date(2025, 9, 15),
        date(2025, 9, 22),
        date(2025, 9, 17),
        date(2025, 9, 25),
    ]
    for pupil in (amy, ben):
        absent(pupil, together, code="O")
        add_marks(pupil, [(d, s, "/") for d in school_days(date(2025, 9, 9), 4) for s in ("AM",)])

    run_monitoring(school=school, as_of=date(2025, 9, 26))
    run_monitoring(school=school, as_of=date(2025, 9, 29))

    kinds = sorted(
        Alert.objects.filter(pupil=amy).exclude(kind="stage").values_list("kind", flat=True)
    )
    assert kinds.count("siblings_absent_together") == 1 and kinds.count("weekday_pattern") == 1
    assert "Ben" in Alert.objects.get(pupil=amy, kind="siblings_absent_together").explanation


def test_adopting_a_preset_sets_the_school_register_times(school):
    from rollbook.policy.actions import adopt_preset
    from rollbook.registers.taking import times_for

    adopt_preset(actor_label="test", school=school, preset="002_st_dunstans")

    school.refresh_from_db()
    times = times_for(school)
    assert times.closes(date(2025, 10, 6), "AM").strftime("%H:%M") == "09:20"
    from datetime import datetime

    from rollbook.registers.taking import LONDON, arrival_code

    at = lambda hh, mm: datetime(2025, 10, 6, hh, mm, tzinfo=LONDON)  # noqa: E731
    assert arrival_code(at(9, 19), date(2025, 10, 6), "AM", times).code == "L"
    assert (
        arrival_code(at(9, 20), date(2025, 10, 6), "AM", times).code == "U"
    )  # S002-72: U from 09:20
    with pytest.raises(AlertError, match="no preset"):
        adopt_preset(actor_label="test", school=school, preset="nope")


PN_POLICY = """
name = "Warning then penalty notice"
version = 1
[[stages]]
key = "warning"
name = "Formal warning"
trigger = { unauthorised_sessions_at_least = 4 }
actions = [{ kind = "letter", text = "Formal warning", template = "formal_warning" }]
[[stages]]
key = "pn"
name = "Consider a penalty notice"
trigger = { unauthorised_sessions_at_least = 10, after_stage = "warning", absent_after_warning_from = "warning" }
"""


def test_the_penalty_notice_stage_waits_for_the_warning_letter_and_later_absence():
    import time_machine

    from rollbook.policy.actions import complete_action

    school = make_school()
    adopt_policy(actor_label="test", school=school, text=PN_POLICY, source="test")
    pupil = make_pupil(school)
    days = school_days(date(2025, 9, 8), 10)
    absent(pupil, days[:5], code="O")  # 10 unauthorised sessions by Fri 12 Sep
    run_monitoring(school=school, as_of=days[4])
    lead = get_user_model().objects.create_user("lead", password="x")
    letter = PolicyAction.objects.get(kind="letter")

    assert not Alert.objects.filter(stage_key="pn").exists()  # warning not sent yet
    with time_machine.travel("2025-09-15 10:00:00+01:00", tick=False):
        complete_action(actor=lead, action=letter, note="posted")
    run_monitoring(school=school, as_of=days[6])  # Tue 16 Sep: present since the letter
    assert not Alert.objects.filter(stage_key="pn").exists()
    absent(pupil, days[7:8], code="I")  # Wed 17 Sep: absent again
    run_monitoring(school=school, as_of=days[7])

    alert = Alert.objects.get(stage_key="pn")
    assert "after the written warning sent on 15 Sep 2025" in alert.explanation
    with pytest.raises(AlertError, match="no longer open"):
        complete_action(actor=lead, action=letter)


def test_a_stage_with_a_review_period_creates_a_review_task_and_holidays_raise_one_alert_per_spell():
    school = make_school()
    adopt_policy(
        actor_label="test",
        school=school,
        text='name="r"\nversion=1\n[[stages]]\nkey="meet"\nname="Meeting"\nowner="head"\n'
        "review_after_school_days=10\ntrigger={days_absent_at_least=1}\n",
        source="test",
    )
    pupil = make_pupil(school)
    absent(pupil, school_days(date(2025, 9, 8), 2), code="G")

    run_monitoring(school=school, as_of=date(2025, 9, 10))
    run_monitoring(school=school, as_of=date(2025, 9, 12))

    review = PolicyAction.objects.get(text="Review: Meeting")
    assert (review.role, review.due_on) == ("head", date(2025, 9, 24))
    holiday = Alert.objects.get(kind="unauthorised_holiday")
    assert (
        holiday.evidence[0] == "2025-09-08 AM"
        and "consider a penalty notice" in holiday.explanation
    )
