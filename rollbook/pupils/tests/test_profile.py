"""The pupil profile builder against a hand-counted pupil.

School: the factory's 2025/26 terms (Autumn 1 starts Monday 1 September 2025; Summer 1 runs
13 April to 22 May 2026), an INSET day on Friday 17 April and staff training on the
afternoon of Wednesday 22 April. Monday 4 May 2026 is the early May bank holiday.
TODAY is Thursday 7 May 2026.

Amy's marks (blank sessions have no mark):
    Mon  8 Sep  / \\          Tue  9 Sep  I I
    Mon 13 Apr  / \\          Tue 14 Apr  L (12 min) \\     Wed 15 Apr  U (40 min) N
    Thu 16 Apr  M \\          Fri 17 Apr  INSET day
    Tue 28 Apr  Y2 (AM)
    Mon  4 May  bank holiday Tue  5 May  L (no minutes) \\  Wed  6 May  G G
    Thu  7 May  / (PM blank)  Fri  8 May  V (AM, entered in advance: after today)

Year so far (1 Aug 2025 to 7 May 2026): attended 10 (/ x3, \\ x5, L x2), authorised 3
(I I M), unauthorised 4 (U N G G), not possible 1 (Y2): possible 17, absence 7/17 = 41.2%
(PA, not SA), attendance 58.8%.
Summer 1 so far (13 Apr to 7 May): attended 8, authorised 1, unauthorised 4: possible 13,
attendance 61.5%, absence 38.5%.
Sessions missed by weekday: Mon 0 of 4, Tue 2 of 6, Wed 4 of 4, Thu 1 of 3, Fri 0 of 0.
Lates: L 2, U 1; 2 timed, 52 minutes, average 26.0.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollbook.core.actions import add_closure
from rollbook.core.calendar import Session
from rollbook.core.models import Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.pupils.actions import add_contact
from rollbook.pupils.models import Pupil
from rollbook.pupils.profile import CellKind, pupil_profile
from rollbook.registers.actions import change_mark, save_marks
from rollbook.registers.importing import MarkRow
from rollbook.registers.models import Mark

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 7)
LONDON = ZoneInfo("Europe/London")


def d(month: int, day: int) -> date:
    return date(2025 if month >= 8 else 2026, month, day)


def add_lates(pupil, *rows):
    """rows: (date, session, code, minutes) through the same action as imports."""
    marks = [MarkRow(0, pupil.pk, day, s, code, minutes) for day, s, code, minutes in rows]
    save_marks(actor_label="test", school=pupil.school, rows=marks, reason="test")


@pytest.fixture
def school():
    school = make_school()
    add_closure(actor_label="test", school=school, day=d(4, 17), reason="INSET day")
    add_closure(
        actor_label="test", school=school, day=d(4, 22), session=Session.PM, reason="Staff training"
    )
    return school


@pytest.fixture
def amy(school):
    amy = make_pupil(school, legal_forename="Amy", legal_surname="Able", class_name="3A")
    add_marks(
        amy,
        [
            (d(9, 8), "AM", "/"),
            (d(9, 8), "PM", "\\"),
            (d(9, 9), "AM", "I"),
            (d(9, 9), "PM", "I"),
            (d(4, 13), "AM", "/"),
            (d(4, 13), "PM", "\\"),
            (d(4, 14), "PM", "\\"),
            (d(4, 15), "PM", "N"),
            (d(4, 16), "AM", "M"),
            (d(4, 16), "PM", "\\"),
            (d(4, 28), "AM", "Y2"),
            (d(5, 5), "PM", "\\"),
            (d(5, 6), "AM", "G"),
            (d(5, 6), "PM", "G"),
            (d(5, 7), "AM", "/"),
            (d(5, 8), "AM", "V"),
        ],
    )
    add_lates(amy, (d(4, 14), "AM", "L", 12), (d(4, 15), "AM", "U", 40), (d(5, 5), "AM", "L", None))
    return amy


def week(profile, monday: date):
    return next(w for w in profile.weeks if w.monday == monday)


def test_the_year_and_term_figures_follow_the_dfe_breakdown(amy):
    profile = pupil_profile(amy, TODAY)

    year, term = profile.year, profile.term
    assert (year.first_day, year.last_day) == (d(8, 1), TODAY)
    assert (year.tally.attended, year.tally.authorised, year.tally.unauthorised) == (10, 3, 4)
    assert (year.tally.possible, year.tally.not_possible) == (17, 1)
    assert (str(year.attendance_rate), str(year.absence_rate)) == ("58.8%", "41.2%")
    assert (str(year.authorised_rate), str(year.unauthorised_rate)) == ("17.6%", "23.5%")
    assert year.tally.persistent_absence and not year.tally.severe_absence
    assert term.label == "Summer 1 term so far"
    assert (term.first_day, term.last_day) == (d(4, 13), TODAY)
    assert (term.tally.attended, term.tally.authorised, term.tally.unauthorised) == (8, 1, 4)
    assert (str(term.attendance_rate), str(term.absence_rate)) == ("61.5%", "38.5%")
    assert profile.year_label == "2025/26"


def test_the_grid_has_one_row_per_school_week_with_ten_cells(amy):
    profile = pupil_profile(amy, TODAY)

    assert len(profile.weeks) == 8 + 7 + 6 + 5 + 4  # the half terms, up to this week
    assert profile.weeks[0].monday == d(9, 1)
    assert profile.weeks[-1].monday == d(5, 4)
    assert {len(w.cells) for w in profile.weeks} == {10}


def test_a_week_shows_codes_blanks_and_a_shaded_inset_day(amy):
    profile = pupil_profile(amy, TODAY)

    row = week(profile, d(4, 13))
    assert [c.code for c in row.cells] == ["/", "\\", "L", "\\", "U", "N", "M", "\\", "", ""]
    assert [c.kind for c in row.cells[-2:]] == [CellKind.CLOSED, CellKind.CLOSED]
    assert row.cells[-1].meaning == "INSET day"
    assert (row.attended, row.possible) == (5, 8)
    assert row.cells[4].text == (
        "Wednesday 15 April 2026, morning: U (Arrived in school after registration closed)"
    )
    assert (
        row.cells[4].css_class == "rollbook-cell rollbook-cell--school rollbook-cell--unauthorised"
    )


def test_a_bank_holiday_is_shaded_and_later_this_week_is_future(amy):
    profile = pupil_profile(amy, TODAY)

    row = week(profile, d(5, 4))
    assert [c.kind for c in row.cells[:2]] == [CellKind.CLOSED, CellKind.CLOSED]
    assert row.cells[0].meaning == "bank holiday"
    assert row.cells[0].text == "Monday 4 May 2026, morning: bank holiday"
    assert [c.code for c in row.cells[2:]] == ["L", "\\", "G", "G", "/", "", "V", ""]
    assert row.cells[7].kind is CellKind.SCHOOL
    assert row.cells[7].text == "Thursday 7 May 2026, afternoon: no mark"
    assert [c.kind for c in row.cells[8:]] == [CellKind.FUTURE, CellKind.FUTURE]
    assert (row.attended, row.possible) == (3, 5)  # the V after today is not counted


def test_a_session_closure_shades_only_that_session(amy):
    profile = pupil_profile(amy, TODAY)

    wednesday = week(profile, d(4, 20)).cells[4:6]
    assert [c.kind for c in wednesday] == [CellKind.SCHOOL, CellKind.CLOSED]
    assert wednesday[1].meaning == "Staff training"


def test_the_key_lists_the_codes_in_the_grid_in_code_table_order(amy):
    profile = pupil_profile(amy, TODAY)

    assert [k.code for k in profile.key] == ["/", "\\", "L", "V", "M", "I", "Y2", "G", "N", "U"]
    assert profile.key[3].meaning == "Attending an educational visit or trip"
    assert profile.key[3].counts_as == "Attendance"


def test_code_totals_count_the_year_so_far(amy):
    profile = pupil_profile(amy, TODAY)

    totals = {t.code: t.sessions for t in profile.code_totals}
    assert totals == {"/": 3, "\\": 5, "L": 2, "M": 1, "I": 2, "Y2": 1, "G": 2, "N": 1, "U": 1}
    assert [t.code for t in profile.code_totals][:3] == ["/", "\\", "L"]
    assert profile.code_totals[5].counts_as == "Not counted (not a possible session)"


def test_lates_count_l_and_u_with_their_minutes(amy):
    lates = pupil_profile(amy, TODAY).lates

    assert (lates.before_close, lates.after_close, lates.count) == (2, 1, 3)
    assert (lates.timed, lates.total_minutes) == (2, 52)
    assert lates.average_minutes == Decimal("26.0")


def test_the_weekday_chart_counts_missed_and_possible_sessions(amy):
    chart = pupil_profile(amy, TODAY).weekdays

    assert [b.absent for b in chart.bars] == [0, 2, 4, 1, 0]
    assert [b.possible for b in chart.bars] == [4, 6, 4, 3, 0]
    assert [str(b.rate) for b in chart.bars] == ["0.0%", "33.3%", "100.0%", "33.3%", "No marks yet"]
    assert chart.summary == (
        "Sessions missed by day of the week: Monday 0, Tuesday 2, Wednesday 4, Thursday 1, Friday 0."
    )


def test_the_weekday_bars_are_scaled_to_the_tallest(amy):
    chart = pupil_profile(amy, TODAY).weekdays

    assert [b.height for b in chart.bars] == [0, 64, 128, 32, 0]
    assert [b.x for b in chart.bars] == [20, 80, 140, 200, 260]
    assert {b.width for b in chart.bars} == {40}
    assert [b.y + b.height for b in chart.bars] == [chart.baseline] * 5
    assert chart.bars[2].value_y == chart.bars[2].y - 6


def test_a_pupil_admitted_mid_year_is_counted_from_admission(school):
    ben = make_pupil(school, admission_date=d(4, 22), class_name="3A")
    add_marks(ben, [(d(4, 22), "AM", "/"), (d(4, 23), "AM", "N"), (d(4, 23), "PM", "\\")])

    profile = pupil_profile(ben, TODAY)

    assert [w.monday for w in profile.weeks] == [d(4, 20), d(4, 27), d(5, 4)]
    first = profile.weeks[0].cells
    assert [c.kind for c in first[:4]] == [CellKind.NOT_ON_ROLL] * 4
    assert first[0].text == "Monday 20 April 2026, morning: not on roll"
    assert [c.kind for c in first[4:6]] == [CellKind.SCHOOL, CellKind.CLOSED]
    assert profile.year.first_day == profile.term.first_day == d(4, 22)
    assert (profile.year.tally.attended, profile.year.tally.possible) == (2, 3)


def test_a_pupil_who_has_left_is_counted_to_their_leaving_date(school):
    cara = make_pupil(school, leaving_date=d(4, 14), class_name="3A")
    add_marks(cara, [(d(4, 13), "AM", "/"), (d(4, 14), "AM", "N"), (d(4, 15), "AM", "N")])

    profile = pupil_profile(cara, TODAY)

    assert profile.year.last_day == d(4, 14)
    assert (profile.year.tally.attended, profile.year.tally.unauthorised) == (1, 1)
    assert profile.weeks[-1].monday == d(4, 13)
    assert profile.weeks[-1].cells[4].kind is CellKind.NOT_ON_ROLL


def test_a_pupil_not_yet_on_roll_has_no_figures_or_weeks(school):
    dev = make_pupil(school, admission_date=d(6, 1), class_name="3A")

    profile = pupil_profile(dev, TODAY)

    assert profile.year.first_day is None
    assert profile.year.tally.possible == 0
    assert str(profile.year.attendance_rate) == "No marks yet"
    assert profile.weeks == ()


def test_between_terms_the_term_figures_are_for_the_term_just_ended(amy):
    profile = pupil_profile(amy, date(2026, 4, 1))  # Easter holidays

    assert profile.term.label == "Spring 2 term"
    assert profile.term.first_day == d(2, 23)
    assert profile.term.last_day == d(3, 27)
    assert profile.weeks[-1].monday == d(3, 23)


def test_history_lists_every_change_newest_first_with_who_and_why(amy, time_machine):
    office = get_user_model().objects.create_user(
        "olive", first_name="Olive", last_name="Okafor", password="x"
    )
    StaffRole.objects.create(user=office, school=amy.school, role=Role.OFFICE)
    mark = Mark.objects.get(pupil=amy, date=d(4, 15), session="PM")
    time_machine.move_to(datetime(2026, 4, 16, 10, 0, tzinfo=LONDON), tick=False)
    change_mark(actor=office, mark=mark, code="I", reason="Mum phoned: sick")
    time_machine.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=LONDON), tick=False)
    change_mark(actor=office, mark=mark, code="O", reason="No medical evidence")

    history = pupil_profile(amy, TODAY).history

    assert [(h.old_code, h.new_code) for h in history] == [("I", "O"), ("N", "I")]
    assert history[0].reason == "No medical evidence"
    assert history[0].who == "Olive Okafor"
    assert history[0].position == "Office / attendance officer"
    assert history[0].when == "Wednesday 15 April 2026, afternoon"
    assert history[0].changed_at == datetime(2026, 4, 20, 9, 0, tzinfo=LONDON)
    assert history[1].source == "Office"


def test_changes_by_an_import_name_the_import(amy):
    add_marks(amy, [(d(9, 8), "AM", "L")], reason="MIS import")

    entry = pupil_profile(amy, TODAY).history[0]

    assert (entry.who, entry.position, entry.source) == ("test", "", "Import")
    assert entry.reason == "MIS import"


def test_sensitive_flags_are_only_included_when_asked(school):
    pupil = make_pupil(
        school,
        pupil_premium=True,
        sen_status="K",
        eal=True,
        cp_plan=True,
        cin=True,
        class_name="3A",
    )

    ordinary = pupil_profile(pupil, TODAY)
    sensitive = pupil_profile(pupil, TODAY, sensitive=True)

    assert [f.abbreviation for f in ordinary.flags] == ["PP", "SEN", "EAL"]
    assert [f.abbreviation for f in sensitive.flags] == ["PP", "SEN", "EAL", "CIN", "CP"]


def test_contacts_come_in_calling_order_with_their_numbers(amy):
    add_contact(
        actor_label="test",
        school=amy.school,
        pupils=[amy],
        forename="Jo",
        surname="Able",
        relationship="Mother",
        mobile_phone="07700 900123",
        email="jo@example.org",
    )
    add_contact(
        actor_label="test",
        school=amy.school,
        pupils=[amy],
        forename="Sam",
        surname="Able",
        relationship="Father",
        home_phone="01632 960001",
        lives_with_pupil=False,
    )

    contacts = pupil_profile(amy, TODAY).contacts

    assert [(c.priority, c.name, c.relationship) for c in contacts] == [
        (1, "Jo Able", "Mother"),
        (2, "Sam Able", "Father"),
    ]
    assert [(p.label, p.number) for p in contacts[0].phones] == [("Mobile", "07700 900123")]
    assert contacts[1].lives_with_pupil is False


def _queries(pupil, today: date) -> int:
    """Queries for the profile of a pupil fetched as `access.get_pupil_for_user` fetches one."""
    pupil = Pupil.objects.select_related("school", "registration_group").get(pk=pupil.pk)
    with CaptureQueriesContext(connection) as ctx:
        pupil_profile(pupil, today)
    return len(ctx.captured_queries)


def test_the_builder_runs_the_same_queries_for_10_or_300_marks(school):
    few, many = (make_pupil(school, class_name="3A") for _ in range(2))
    end_of_year = d(7, 22)
    sessions = school.calendar().school_sessions(d(9, 1), end_of_year)
    add_marks(few, [(day, str(s), "N") for day, s in sessions[:10]])
    add_marks(many, [(day, str(s), "N") for day, s in sessions[:300]])
    office = get_user_model().objects.create_user("olive", password="x")
    StaffRole.objects.create(user=office, school=school, role=Role.OFFICE)
    for mark in Mark.objects.filter(pupil__in=[few, many]).order_by("id")[::5]:
        change_mark(actor=office, mark=mark, code="I", reason="ill")

    assert Mark.objects.filter(pupil=many).count() == 300
    # terms, closures, marks, contacts, revisions, roles of the people who changed marks
    assert _queries(few, end_of_year) == _queries(many, end_of_year) == 6


def test_the_cumulative_rate_is_given_for_every_school_week_since_the_first(amy):
    profile = pupil_profile(amy, TODAY)

    weeks = profile.cumulative
    assert [w.monday for w in weeks] == [w.monday for w in profile.weeks]  # up to this week
    first, second = weeks[0], weeks[1]
    # Week of 1 Sep: no marks. Week of 8 Sep: / \ then I I: 2 of 4 so far.
    assert (first.attended, first.possible, str(first.rate)) == (0, 0, "No marks yet")
    assert (second.attended, second.possible, str(second.rate)) == (2, 4, "50.0%")
    # Week of 13 Apr: / \, L \, U N, M \ added: 2 + 5 attended of 4 + 8 possible.
    april = next(w for w in weeks if w.monday == d(4, 13))
    assert (april.attended, april.possible, str(april.rate)) == (7, 12, "58.3%")
    assert str(april.week_rate) == "62.5%"  # 5 of 8 that week
    # The last week equals the year so far (DfE tally of the same marks).
    assert (weeks[-1].attended, weeks[-1].possible) == (
        profile.year.tally.attended,
        profile.year.tally.possible,
    )


def test_the_cumulative_chart_draws_weeks_with_figures_against_the_90_percent_line(amy):
    chart = pupil_profile(amy, TODAY).cumulative_chart

    points = [tuple(map(int, p.split(","))) for p in chart.points.split()]
    # The week of 1 September has no marks: no point. Plot: y 24 (100 %) to 152 (0 %).
    assert len(points) == len(pupil_profile(amy, TODAY).cumulative) - 1
    assert points[0][1] == 152 - 64  # 50 % after the week of 8 September
    assert chart.target_y == round(152 - 128 * 0.9)
    assert chart.summary.startswith("Attendance so far by week: 50.0% in the week of 8 September")
