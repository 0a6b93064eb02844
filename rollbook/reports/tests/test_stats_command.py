"""`rollbook stats`: DfE-exact figures from the database, checked against hand-computed cases."""

import csv
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers import codes
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import enrolment_tally

pytestmark = pytest.mark.django_db
MON = date(2025, 10, 6)


def stats(*args) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def stats_json(first="2025-09-01", last="2025-12-31", *args) -> dict:
    return json.loads(stats("--from", first, "--to", last, "--format", "json", *args))


def week(start: date, codes_am_pm: str) -> list[tuple[date, str, str]]:
    """'/ \\ / I ...' -> marks for consecutive sessions Mon AM, Mon PM, Tue AM, ..."""
    return [
        (start + timedelta(days=i // 2), "AM" if i % 2 == 0 else "PM", c)
        for i, c in enumerate(codes_am_pm.split())
    ]


def test_worked_example_1_through_the_cli():
    school = make_school()
    pupil = make_pupil(school, legal_surname="Example")
    add_marks(
        pupil,
        week(MON, r"/ \ / \ / \ / \ L U") + week(MON + timedelta(days=7), "C1 M I I Y1 Y1 D D O N"),
    )

    row = stats_json()["pupils"][0]

    assert row["possible_sessions"] == 16
    assert (
        row["attended_sessions"],
        row["authorised_absence_sessions"],
        row["unauthorised_absence_sessions"],
    ) == (9, 4, 3)
    assert row["attendance_rate"] == 56.25 and row["overall_absence_rate"] == 43.75
    assert row["persistent_absence"] is True and row["severe_absence"] is False


def test_totals_sum_sessions_and_count_pa_and_sa_enrolments():
    school = make_school()
    a, b = make_pupil(school), make_pupil(school)
    add_marks(a, week(MON, "/ / / / / / / / / I"))  # 10 % absent: PA
    add_marks(b, week(MON, "/ / / I I I I I I I"))  # 70 %: PA and SA

    totals = stats_json()["totals"]

    assert totals["pupils"] == 2 and totals["possible_sessions"] == 20
    assert totals["overall_absence_rate"] == 40.0
    assert (totals["persistent_absentees"], totals["persistent_absence_rate"]) == (2, 100.0)
    assert (totals["severe_absentees"], totals["severe_absence_rate"]) == (1, 50.0)


def test_pupils_admitted_or_leaving_mid_period_count_only_while_on_roll():
    school = make_school()
    joiner = make_pupil(school, admission_date=MON + timedelta(days=2))
    leaver = make_pupil(
        school, admission_date=date(2022, 9, 1), leaving_date=MON + timedelta(days=1)
    )
    gone = make_pupil(school, admission_date=date(2022, 9, 1), leaving_date=date(2025, 7, 18))
    add_marks(joiner, week(MON + timedelta(days=2), "/ \\ O O / \\"))
    add_marks(leaver, week(MON, "I I / \\"))

    rows = {r["upn"]: r for r in stats_json("2025-10-06", "2025-10-10")["pupils"]}

    assert (
        rows[joiner.upn]["possible_sessions"] == 6
        and rows[joiner.upn]["unauthorised_absence_sessions"] == 2
    )
    assert rows[leaver.upn]["possible_sessions"] == 4
    assert gone.upn not in rows


def test_the_period_limits_which_marks_count():
    school = make_school()
    pupil = make_pupil(school)
    add_marks(pupil, week(MON, "O O O O / \\ / \\ / \\"))

    row = stats_json("2025-10-08", "2025-10-10")["pupils"][0]

    assert (row["possible_sessions"], row["unauthorised_absence_sessions"]) == (6, 0)


def test_group_by_year_and_class():
    school = make_school()
    add_marks(make_pupil(school, year_group="3", class_name="3A"), week(MON, "/ I"))
    add_marks(make_pupil(school, year_group="3", class_name="3B"), week(MON, "/ /"))
    add_marks(
        make_pupil(school, year_group="R", class_name="RA", date_of_birth=date(2021, 1, 1)),
        week(MON, "O O"),
    )

    years = stats_json("2025-09-01", "2025-12-31", "--group", "year")["groups"]
    classes = stats_json("2025-09-01", "2025-12-31", "--group", "class")["groups"]

    assert [(g["group"], g["pupils"], g["overall_absence_rate"]) for g in years] == [
        ("R", 1, 100.0),
        ("3", 2, 25.0),
    ]
    assert [g["group"] for g in classes] == ["3A", "3B", "RA"]


def test_csv_and_table_formats():
    school = make_school()
    add_marks(make_pupil(school, legal_surname="Csv"), week(MON, "/ N"))

    rows = list(
        csv.DictReader(
            StringIO(stats("--from", "2025-09-01", "--to", "2025-12-31", "--format", "csv"))
        )
    )
    table = stats("--from", "2025-09-01", "--to", "2025-12-31")

    assert rows[0]["unauthorised_absence_sessions"] == "1" and rows[0]["attendance_rate"] == "50.0"
    assert "Csv, Test" in table and "attendance 50.0 %" in table


def test_bad_dates_are_refused():
    make_school()

    with pytest.raises(CommandError, match="not a date"):
        stats("--from", "2025-13-01", "--to", "2025-12-31")
    with pytest.raises(CommandError, match="before"):
        stats("--from", "2025-12-01", "--to", "2025-11-30")


SCHOOL_DAYS = [
    MON + timedelta(days=i) for i in range(14) if (MON + timedelta(days=i)).weekday() < 5
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    marks=st.dictionaries(
        st.tuples(st.sampled_from(SCHOOL_DAYS), st.sampled_from(["AM", "PM"])),
        st.sampled_from([c for c in codes.CURRENT_CODES if c not in ("X", "C2")]),
        max_size=20,
    ),
    admission_offset=st.integers(0, 10),
    stay=st.one_of(st.none(), st.integers(0, 10)),
    window=st.tuples(st.integers(0, 13), st.integers(0, 13)),
)
def test_database_counting_matches_the_pure_rules(marks, admission_offset, stay, window):
    """Counting in SQL (by code and era) must give exactly the pure per-mark tally."""
    school = make_school()
    admission = MON + timedelta(days=admission_offset)
    leaving = None if stay is None else admission + timedelta(days=stay)
    pupil = make_pupil(school, admission_date=date(2022, 9, 1))
    add_marks(pupil, [(d, s, c) for (d, s), c in marks.items()])
    pupil.admission_date, pupil.leaving_date = admission, leaving
    pupil.save()
    first, last = sorted(MON + timedelta(days=w) for w in window)

    from_db = pupil_tallies(school, first, last).get(pupil.pk)
    pure = enrolment_tally(
        [(d, c) for (d, _), c in marks.items()],
        period_start=first,
        period_end=last,
        admission=admission,
        leaving=leaving,
    )

    assert (from_db or pure.__class__()) == pure


def test_bank_holidays_and_closures_are_not_possible_sessions():
    from rollbook.core.actions import add_closure

    school = make_school()
    pupil = make_pupil(school)
    # Week of Mon 4 May 2026: the Early May bank holiday; Wed 6 May an INSET day coded '#'.
    add_closure(actor_label="test", school=school, day=date(2026, 5, 6), reason="INSET day")
    add_marks(pupil, [(date(2026, 5, 5), "AM", "/"), (date(2026, 5, 5), "PM", "I")])
    add_marks(pupil, [(date(2026, 5, 6), "AM", "#"), (date(2026, 5, 6), "PM", "#")])
    add_marks(
        pupil,
        [(date(2026, 5, 7), s, "/") for s in ("AM", "PM")]
        + [(date(2026, 5, 8), s, "O") for s in ("AM", "PM")],
    )

    row = stats_json("2026-05-04", "2026-05-08")["pupils"][0]

    assert (row["possible_sessions"], row["not_counted_sessions"]) == (6, 2)
    assert (
        row["attended_sessions"],
        row["authorised_absence_sessions"],
        row["unauthorised_absence_sessions"],
    ) == (3, 1, 2)
    assert row["overall_absence_rate"] == 50.0 and row["severe_absence"] is True
    assert (
        len(school.calendar().school_days(date(2026, 5, 4), date(2026, 5, 8))) == 3
    )  # Mon and Wed gone
