"""Stage triggers with hand-computed cases."""

from datetime import date, timedelta
from decimal import Decimal

from rollbook.core.calendar import SchoolCalendar, Session, TermDates
from rollbook.policy.rules import PupilFacts, due_stages, statutory_alerts
from rollbook.policy.schema import NATIONAL, Policy, Stage, Thresholds, Trigger
from rollbook.registers.rules import Tally

AM, PM = Session.AM, Session.PM
SESSIONS = SchoolCalendar(
    terms=(TermDates("Autumn", date(2025, 9, 1), date(2025, 12, 19)),)
).school_sessions()
AS_OF = date(2025, 11, 28)


def stage(key, **trigger):
    return Stage(key=key, name=key.title(), trigger=Trigger(**trigger))


def facts(attended=0, authorised=0, unauthorised=0, marks=None, fired=()):
    return PupilFacts(1, Tally(attended, authorised, unauthorised), marks or {}, frozenset(fired))


def policy(*stages, **kw):
    return Policy(name="test", version=1, stages=stages, **kw)


def keys(hits):
    return [h.stage.key for h in hits]


def test_days_absent_counts_sessions_halved_and_fires_at_the_boundary():
    p = policy(stage("s1", days_absent_at_least=4), stage("s2", days_absent_at_least=10))

    assert keys(due_stages(p, facts(100, 7, 0), SESSIONS, AS_OF)) == []  # 3.5 days
    hits = due_stages(p, facts(100, 6, 2), SESSIONS, AS_OF)  # 8 sessions = 4 days
    assert keys(hits) == ["s1"]
    assert "4 days absent this year (8 sessions)" in hits[0].explanation


def test_a_stage_fires_once_a_year_unless_it_repeats():
    p = policy(stage("s1", days_absent_at_least=4))
    again = policy(
        Stage(key="s1", name="S1", trigger=Trigger(days_absent_at_least=4), repeats=True)
    )

    assert keys(due_stages(p, facts(100, 8, fired=["s1"]), SESSIONS, AS_OF)) == []
    assert keys(due_stages(again, facts(100, 8, fired=["s1"]), SESSIONS, AS_OF)) == ["s1"]


def test_attendance_below_is_strict_and_at_or_below_is_inclusive():
    below = policy(stage("meet", attendance_below_pct=Decimal(92)))
    at_or_below = policy(stage("text", attendance_at_or_below_pct=Decimal(90)))

    assert keys(due_stages(below, facts(92, 8), SESSIONS, AS_OF)) == []  # exactly 92 %
    assert keys(due_stages(below, facts(91, 9), SESSIONS, AS_OF)) == ["meet"]
    assert keys(due_stages(at_or_below, facts(90, 10), SESSIONS, AS_OF)) == ["text"]
    assert keys(due_stages(at_or_below, facts(91, 9), SESSIONS, AS_OF)) == []


def test_a_percentage_is_not_judged_before_enough_sessions():
    p = policy(stage("meet", attendance_below_pct=Decimal(92), min_possible_sessions=20))

    assert keys(due_stages(p, facts(5, 5), SESSIONS, AS_OF)) == []
    assert keys(due_stages(p, facts(15, 5), SESSIONS, AS_OF)) == ["meet"]


def test_after_stage_chains_within_one_run_and_conditions_are_anded():
    p = policy(
        stage("warning", days_absent_at_least=5),
        stage("pn", unauthorised_sessions_at_least=10, after_stage="warning"),
    )

    assert keys(due_stages(p, facts(100, 0, 10), SESSIONS, AS_OF)) == ["warning", "pn"]
    assert (
        keys(due_stages(p, facts(100, 0, 9), SESSIONS, AS_OF)) == []
    )  # 4.5 days: no warning, no pn


def test_lates_in_the_last_n_school_days():
    marks = {(date(2025, 11, 24) + timedelta(days=i), AM): "L" for i in range(5)}
    marks[(date(2025, 10, 1), AM)] = "U"
    p = policy(stage("late", lates_at_least=5, lates_within_school_days=10))
    year = policy(stage("late", lates_at_least=6))

    assert keys(due_stages(p, facts(100, marks=marks), SESSIONS, AS_OF)) == ["late"]
    assert keys(due_stages(year, facts(100, marks=marks), SESSIONS, AS_OF)) == ["late"]
    assert (
        keys(
            due_stages(
                policy(stage("late", lates_at_least=6, lates_within_school_days=10)),
                facts(100, marks=marks),
                SESSIONS,
                AS_OF,
            )
        )
        == []
    )


def test_consecutive_days_absent_uses_any_absence_code():
    marks = {}
    for i, code in enumerate(["I", "N", "M", "G"]):
        day = date(2025, 11, 24) + timedelta(days=i)
        marks[(day, AM)] = marks[(day, PM)] = code
    p = policy(stage("run", consecutive_days_absent_at_least=4))

    assert keys(due_stages(p, facts(100, marks=marks), SESSIONS, date(2025, 11, 27))) == ["run"]
    assert (
        keys(due_stages(p, facts(100, marks=marks), SESSIONS, date(2025, 11, 28))) == []
    )  # Fri unmarked


def test_pa_and_sa_alerts_follow_the_dfe_rule_inclusively():
    assert [a.kind for a in statutory_alerts(NATIONAL, facts(90, 10), SESSIONS, AS_OF)] == [
        "persistent_absence"
    ]
    assert [a.kind for a in statutory_alerts(NATIONAL, facts(91, 9), SESSIONS, AS_OF)] == []
    assert [a.kind for a in statutory_alerts(NATIONAL, facts(50, 50), SESSIONS, AS_OF)] == [
        "severe_absence"
    ]


def test_a_school_rule_can_make_pupils_pa_by_sessions_missed():
    school = Policy(name="002-like", version=1, thresholds=Thresholds(pa_sessions_at_least=38))

    assert [a.kind for a in statutory_alerts(school, facts(400, 38), SESSIONS, AS_OF)] == [
        "persistent_absence"
    ]
    assert statutory_alerts(NATIONAL, facts(400, 38), SESSIONS, AS_OF) == []


def test_cme_concern_only_when_the_policy_sets_it():
    marks = {}
    for i in range(5):
        day = date(2025, 11, 24) + timedelta(days=i)
        marks[(day, AM)] = marks[(day, PM)] = "N"
    with_cme = Policy(name="cme", version=1, statutory={"cme_unexplained_days": 5})

    assert "cme_concern" not in [
        a.kind for a in statutory_alerts(NATIONAL, facts(100, 0, 10, marks), SESSIONS, AS_OF)
    ]
    assert "cme_concern" in [
        a.kind for a in statutory_alerts(with_cme, facts(100, 0, 10, marks), SESSIONS, AS_OF)
    ]


def test_a_penalty_notice_stage_needs_absence_after_the_warning_was_sent():
    p = policy(
        stage("warning", days_absent_at_least=1),
        stage(
            "pn",
            unauthorised_sessions_at_least=10,
            after_stage="warning",
            absent_after_warning_from="warning",
        ),
    )
    sent = date(2025, 11, 20)
    before = {(date(2025, 11, 19), AM): "O"}
    after = {(date(2025, 11, 24), AM): "I"}

    def pn(marks, warnings):
        f = PupilFacts(1, Tally(100, 0, 10), marks, frozenset({"warning"}), warnings_sent=warnings)
        return keys(due_stages(p, f, SESSIONS, AS_OF))

    assert pn(before | after, {}) == []  # no warning sent yet
    assert pn(before, {"warning": sent}) == []  # no absence since
    hits = due_stages(
        p,
        PupilFacts(
            1, Tally(100, 0, 10), after, frozenset({"warning"}), warnings_sent={"warning": sent}
        ),
        SESSIONS,
        AS_OF,
    )
    assert keys(hits) == ["pn"]
    assert (
        "absent again on 24 Nov after the written warning sent on 20 Nov 2025"
        in hits[0].explanation
    )


def test_a_repeating_stage_waits_its_gap_of_school_days():
    p = policy(
        Stage(
            key="text",
            name="Text",
            trigger=Trigger(days_absent_at_least=1),
            repeats=True,
            repeat_after_school_days=5,
        )
    )

    def fires(last):
        return keys(
            due_stages(
                p,
                PupilFacts(1, Tally(100, 4), {}, frozenset({"text"}), fired_on={"text": last}),
                SESSIONS,
                AS_OF,
            )
        )

    assert fires(date(2025, 11, 24)) == []  # 4 school days since (Tue-Fri)
    assert fires(date(2025, 11, 21)) == ["text"]  # 5 school days since
