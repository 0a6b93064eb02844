"""The DuckDB engine against the pure rules, on random data (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollbook.analytics.engine import (
    Engine,
    InvalidCodes,
    code_rows,
    create_tables,
    exact,
    write_parquet,
)
from rollbook.core.calendar import Session
from rollbook.policy import statutory
from rollbook.registers.codes import CODES, REFORM_2024
from rollbook.registers.rules import enrolment_tally, summarise

URN = "100001"
AM, PM = Session.AM, Session.PM
# Two months either side of the 2024 reform, so old and new meanings both occur.
FIRST_DAY, DAYS = date(2024, 7, 1), 100
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def valid_codes(on: date) -> list[str]:
    return sorted({c.code for c in CODES if c.valid_on(on)})


def engine_for(marks, pupils, sessions=()) -> Engine:
    con = duckdb.connect()
    create_tables(con, marks=marks, pupils=pupils, sessions=sessions)
    return Engine(con)


@st.composite
def enrolments(draw):
    """A handful of pupils with admission/leaving dates and random marks (any valid code)."""
    pupils, marks = [], []
    for pid in range(1, draw(st.integers(1, 5)) + 1):
        admission = FIRST_DAY + timedelta(days=draw(st.integers(0, DAYS)))
        leaving = draw(
            st.none() | st.integers(0, DAYS).map(lambda n, a=admission: a + timedelta(days=n))
        )
        pupils.append((URN, f"U{pid}", pid, admission, leaving, "3"))
        days = draw(st.sets(st.integers(-10, DAYS + 10), max_size=25))
        for n in sorted(days):
            day = FIRST_DAY + timedelta(days=n)
            for session in draw(st.sampled_from([(AM,), (PM,), (AM, PM)])):
                marks.append(
                    (
                        URN,
                        f"U{pid}",
                        pid,
                        day,
                        session.value,
                        draw(st.sampled_from(valid_codes(day))),
                    )
                )
    first = FIRST_DAY + timedelta(days=draw(st.integers(-5, DAYS // 2)))
    last = first + timedelta(days=draw(st.integers(0, DAYS)))
    return pupils, marks, first, last


@SETTINGS
@given(enrolments())
def test_enrolment_counts_rates_and_flags_equal_the_pure_rules(data):
    pupils, marks, first, last = data
    engine = engine_for(marks, pupils)
    got = {e.pupil_id: e for e in engine.enrolments(first, last)}
    expected = {}
    for _, _, pid, admission, leaving, _ in pupils:
        if admission > last or (leaving is not None and leaving < first):
            continue
        expected[pid] = enrolment_tally(
            [(d, c) for _, _, p, d, _, c in marks if p == pid],
            period_start=first,
            period_end=last,
            admission=admission,
            leaving=leaving,
        )
    assert set(got) == set(expected)
    for pid, tally in expected.items():
        e = got[pid]
        assert e.tally == tally
        assert e.persistent_absence == tally.persistent_absence
        assert e.severe_absence == tally.severe_absence
        assert exact(e.attendance_rate, tally.attendance_rate)
        assert exact(e.overall_absence_rate, tally.overall_absence_rate)
        assert exact(e.authorised_absence_rate, tally.authorised_absence_rate)
        assert exact(e.unauthorised_absence_rate, tally.unauthorised_absence_rate)
    assert engine.summary(first, last) == summarise(expected.values())


def test_totals_group_by_school_and_sum_enrolments_not_percentages():
    pupils = [
        ("A", "U1", 1, date(2025, 9, 1), None, "1"),
        ("B", "U2", 2, date(2025, 9, 1), None, "2"),
    ]
    day = date(2025, 9, 8)
    marks = [("A", "U1", 1, day, "AM", "/"), ("A", "U1", 1, day, "PM", "I")]
    marks += [("B", "U2", 2, day + timedelta(days=n), "AM", "/") for n in range(9)]
    marks += [("B", "U2", 2, day + timedelta(days=9), "AM", "O")]
    engine = engine_for(marks, pupils)
    rows = {
        g.group: g.summary for g in engine.totals(day, day + timedelta(days=20), by=("school_urn",))
    }
    assert rows[("A",)].tally.absent == 1 and rows[("A",)].persistent_absentees == 1
    assert rows[("B",)].tally.possible == 10 and rows[("B",)].persistent_absentees == 1
    overall = engine.summary(day, day + timedelta(days=20))
    assert overall.tally.possible == 12 and overall.tally.absent == 2  # 2/12, not mean(50%, 10%)


def test_backslash_and_hash_round_trip_through_parquet(tmp_path):
    day = date(2025, 9, 8)
    pupils = [(URN, "U1", 1, date(2025, 9, 1), None, "R")]
    marks = [
        (URN, "U1", 1, day, "AM", "/"),
        (URN, "U1", 1, day, "PM", "\\"),
        (URN, "U1", 1, day + timedelta(days=1), "AM", "#"),
        (URN, "U1", 1, day + timedelta(days=1), "PM", "#"),
    ]
    con = duckdb.connect()
    create_tables(con, marks=marks, pupils=pupils)
    write_parquet(con, tmp_path)
    engine = Engine.from_parquet(tmp_path)
    codes = [
        r[0] for r in engine.con.execute("SELECT code FROM marks ORDER BY date, session").fetchall()
    ]
    assert codes == ["/", "\\", "#", "#"]
    assert len("\\") == 1
    (e,) = engine.enrolments(day, day + timedelta(days=1))
    assert (e.tally.attended, e.tally.not_possible, e.tally.possible) == (2, 2, 2)


def test_old_j_before_the_reform_counts_as_attendance_like_the_pure_rules():
    before, after = REFORM_2024 - timedelta(days=5), REFORM_2024 + timedelta(days=14)
    pupils = [(URN, "U1", 1, date(2024, 1, 1), None, "5")]
    marks = [(URN, "U1", 1, before, "AM", "J"), (URN, "U1", 1, after, "AM", "J1")]
    marks += [(URN, "U1", 1, before, "PM", "C"), (URN, "U1", 1, after, "PM", "C")]
    (e,) = engine_for(marks, pupils).enrolments(date(2024, 7, 1), date(2024, 9, 30))
    pure = enrolment_tally(
        [(d, c) for *_, d, _, c in marks],
        period_start=date(2024, 7, 1),
        period_end=date(2024, 9, 30),
        admission=date(2024, 1, 1),
    )
    assert e.tally == pure
    assert (e.tally.attended, e.tally.authorised) == (1, 3)


def test_a_code_not_valid_on_its_date_fails_as_the_pure_rules_do():
    pupils = [(URN, "U1", 1, date(2024, 1, 1), None, "5")]
    marks = [(URN, "U1", 1, REFORM_2024 + timedelta(days=1), "AM", "J")]  # withdrawn by then
    with pytest.raises(InvalidCodes):
        engine_for(marks, pupils).enrolments(date(2024, 8, 1), date(2024, 9, 30))


def test_the_code_table_is_generated_from_codes_with_eras():
    rows = code_rows()
    assert len(rows) == len(CODES)
    assert {(c, s) for c, f, t, s in rows if c == "J"} == {("J", "attended")}
    assert {s for c, f, t, s in rows if c == "C"} == {"authorised"}
    assert ("\\", "attended") in {(c, s) for c, f, t, s in rows}


# -- statutory monitoring --------------------------------------------------------------------

# School weeks of autumn 2025 with the October half-term (27-31 Oct) as a holiday gap; a few
# afternoons closed (so some school days have one session) and a bank-holiday-like Monday off.
TERM = [date(2025, 9, 1) + timedelta(days=n) for n in range(84)]
SCHOOL_DAYS = [
    d
    for d in TERM
    if d.weekday() < 5
    and not date(2025, 10, 27) <= d <= date(2025, 10, 31)
    and d != date(2025, 9, 29)
]
PM_CLOSED = {date(2025, 9, 19), date(2025, 11, 7)}
SCHOOL_SESSIONS = tuple(
    (d, s) for d in SCHOOL_DAYS for s in ((AM,) if d in PM_CLOSED else (AM, PM))
)
MONITOR_CODES = ["/", "\\", "G", "O", "U", "N", "I", "#"]


@st.composite
def monitoring_data(draw):
    pupils, marks = [], []
    for pid in range(1, draw(st.integers(1, 4)) + 1):
        pupils.append((URN, f"U{pid}", pid, date(2025, 9, 1), None, "4"))
        absent = draw(st.floats(0.0, 1.0))
        # Unauthorised runs are what the rules look for: make them likely.
        start = draw(st.integers(0, len(SCHOOL_SESSIONS) - 1))
        length = draw(st.integers(0, 60))
        for i, (d, s) in enumerate(SCHOOL_SESSIONS):
            if start <= i < start + length:
                code = draw(st.sampled_from(["G", "O", "N", "U"]))
            elif draw(st.floats(0, 1)) < absent:
                code = draw(st.sampled_from(MONITOR_CODES))
            elif draw(st.booleans()) and draw(st.booleans()):
                continue  # no mark
            else:
                code = "/" if s is AM else "\\"
            marks.append((URN, f"U{pid}", pid, d, s.value, code))
    # A mark on a holiday date is not a school session: the rules ignore it.
    marks.append((URN, "U1", 1, date(2025, 10, 28), "AM", "O"))
    as_of = draw(st.sampled_from(TERM))
    return pupils, marks, as_of


def pure_marks(marks, pid):
    return {(d, Session(s)): c for _, _, p, d, s, c in marks if p == pid}


@settings(max_examples=30, deadline=None)
@given(monitoring_data())
def test_penalty_notice_and_continuous_absence_sql_agree_with_statutory(data):
    pupils, marks, as_of = data
    sessions = [(URN, d, s.value) for d, s in SCHOOL_SESSIONS]
    engine = engine_for(marks, pupils, sessions)
    pn = {h.pupil_id: h for h in engine.penalty_notice_threshold(as_of)}
    runs = {r.pupil_id: r for r in engine.continuous_absence(as_of)}
    for _, _, pid, *_ in pupils:
        own = pure_marks(marks, pid)
        alert = statutory.penalty_notice_threshold(own, SCHOOL_SESSIONS, as_of)
        if alert is None:
            assert pid not in pn
        else:
            assert pn[pid].count == len(alert.evidence)
            assert pn[pid].met_on == (alert.met_on[0], alert.met_on[1].value)
        run = statutory.continuous_unauthorised_absence(own, SCHOOL_SESSIONS, as_of)
        if run is None:
            assert pid not in runs
        else:
            assert runs[pid].met_on == run.met_on[0]
            assert runs[pid].since == run.evidence[0][0]
            assert runs[pid].days == len({d for d, _ in run.evidence})


def test_penalty_window_reaches_back_across_the_half_term():
    # 5 O sessions the week before half-term, 5 after: 10 within 10 school weeks.
    before = [d for d in SCHOOL_DAYS if date(2025, 10, 20) <= d <= date(2025, 10, 24)]
    after = [d for d in SCHOOL_DAYS if date(2025, 11, 3) <= d <= date(2025, 11, 7)]
    marks = [(URN, "U1", 1, d, "AM", "O") for d in before + after]
    pupils = [(URN, "U1", 1, date(2025, 9, 1), None, "4")]
    sessions = [(URN, d, s.value) for d, s in SCHOOL_SESSIONS]
    (hit,) = engine_for(marks, pupils, sessions).penalty_notice_threshold(date(2025, 11, 7))
    assert (hit.count, hit.met_on) == (10, (date(2025, 11, 7), "AM"))
