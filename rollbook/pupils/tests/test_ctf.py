"""Common Transfer Files: the pure reader/writer, and the round trip through two schools."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.pupils import ctf, transfer
from rollbook.pupils.models import Contact, PreviousAttendance, Pupil
from rollbook.pupils.rules import year_group_for
from rollbook.registers.rules import tally

MON = date(2025, 9, 1)  # a Monday
STAMP = datetime(2026, 7, 20, 10, 0)  # noqa: DTZ001 — CTF header times are local, naive


def _file(*pupils: ctf.Pupil) -> ctf.TransferFile:
    return ctf.TransferFile(
        generated_at=STAMP,
        source=ctf.School(la="873", estab="2001", urn="100001", name="Old School"),
        pupils=pupils,
    )


def _pupil(**kw) -> ctf.Pupil:
    return ctf.Pupil(
        upn=kw.pop("upn", "A873200125001"),
        surname="Example",
        forename="Sam",
        date_of_birth=date(2018, 1, 15),
        sex="F",
        **kw,
    )


# --- The marks string ------------------------------------------------------------------------


def test_the_marks_string_has_two_positions_a_day_and_dashes_where_nothing_was_recorded():
    marks = {(MON, "AM"): "/", (MON, "PM"): "\\", (MON + timedelta(1), "AM"): "C1"}
    assert ctf.marks_string(marks, MON, MON + timedelta(2)) == "/\\C1---"


def test_two_character_codes_read_back_as_one_session_each():
    assert ctf.tokens("/\\C1Y7-J1N") == ["/", "\\", "C1", "Y7", "-", "J1", "N"]
    sessions = ctf.sessions(MON, "/\\C1-N")
    assert sessions == [
        (MON, "AM", "/"),
        (MON, "PM", "\\"),
        (MON + timedelta(1), "AM", "C1"),
        (MON + timedelta(2), "AM", "N"),
    ]


def test_a_character_that_is_no_code_is_named_with_its_position():
    with pytest.raises(ValueError, match="character 3"):
        ctf.tokens("/\\9N")


def test_totals_hand_computed():
    # 2 present, I (authorised), O (unauthorised), G (unauthorised), # (not possible)
    t = ctf.marks_tally(MON, "/\\IO--G#")
    assert (t.possible, t.authorised, t.unauthorised) == (5, 1, 2)


def test_a_year_block_runs_from_admission_or_1_september_to_leaving_or_31_august():
    marks = {(date(2025, 9, 2), "AM"): "/", (date(2026, 9, 2), "AM"): "N"}
    years = ctf.attendance_years(marks, first=date(2025, 9, 2), last=date(2026, 9, 3))
    assert [(y.year, y.start_date) for y in years] == [
        (2025, date(2025, 9, 2)),
        (2026, date(2026, 9, 1)),
    ]
    assert [(y.possible, y.unauthorised) for y in years] == [(1, 0), (1, 1)]
    assert len(years[1].marks) == 6  # 1 to 3 September 2026, two sessions a day


def test_year_groups_by_age_on_the_admission_date():
    assert year_group_for(date(2018, 1, 15), date(2025, 9, 1)) == "3"
    assert year_group_for(date(2017, 9, 1), date(2025, 9, 1)) == "3"  # oldest in the year
    assert year_group_for(date(2017, 8, 31), date(2025, 9, 1)) == "4"  # youngest in Year 4
    assert year_group_for(date(2021, 6, 1), date(2025, 9, 1)) == "R"
    assert year_group_for(date(2014, 1, 1), date(2025, 9, 1)) == "7"


# --- Writing and reading -------------------------------------------------------------------------


CODES_2025 = ["/", "\\", "L", "B", "D", "K", "V", "P", "W", "C", "C1", "E", "I", "M", "J1"]
CODES_2025 += ["S", "T", "R", "G", "N", "O", "U", "Q", "X", "Y1", "Y2", "Z", "#", "-"]


@settings(max_examples=40, deadline=None)
@given(
    marks=st.lists(st.sampled_from(CODES_2025), max_size=120),
    contacts=st.integers(min_value=0, max_value=3),
    name=st.text(
        alphabet=st.characters(categories=("L", "Zs"), exclude_characters="\r"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool),
)
def test_whatever_is_written_reads_back_the_same(marks, contacts, name):
    string = "".join(marks)
    totals = ctf.marks_tally(MON, string)
    pupil = _pupil(
        preferred_forename=name,
        contacts=tuple(
            ctf.Contact(
                order=i + 1, forename=name, surname=f"Parent{i}", mobile_phone="07700900123"
            )
            for i in range(contacts)
        ),
        attendance=(
            ctf.AttendanceYear(
                2025, MON, string, totals.possible, totals.authorised, totals.unauthorised
            ),
        ),
    )
    assert ctf.parse(ctf.build(_file(pupil))) == _file(pupil)


def test_the_reader_names_every_problem_with_its_path():
    good = ctf.build(_file(_pupil(attendance=(ctf.AttendanceYear(2025, MON, "/\\NN", 4, 0, 2),))))
    bad = (
        good.replace(b"<SessionsUnauthorised>2<", b"<SessionsUnauthorised>3<")
        .replace(b"<DOB>2018-01-15<", b"<DOB>15/01/2018<")
        .replace(b"<Sex>F<", b"<Sex>Q<")
    )
    with pytest.raises(ctf.CtfError) as caught:
        ctf.parse(bad)
    problems = caught.value.problems
    assert "/CTfile/CTFpupilData/Pupil[1]/DOB: '15/01/2018' is not a date (YYYY-MM-DD)" in problems
    assert "/CTfile/CTFpupilData/Pupil[1]/Sex: 'Q' is not M, F or U" in problems
    assert (
        "/CTfile/CTFpupilData/Pupil[1]/Attendance/YearData[1]/SessionsUnauthorised: "
        "3, but the marks add up to 2"
    ) in problems


@pytest.mark.parametrize(
    "payload, message",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x "boom">]><CTfile>&x;</CTfile>',
            "DTD",
        ),
        (b"<CTfile><Header>", "not well-formed"),
        (b"<Other/>", "root element"),
        (b"\xff\xfe<", "not well-formed"),
    ],
)
def test_hostile_or_broken_files_are_refused_before_anything_is_read(payload, message):
    with pytest.raises(ctf.CtfError, match=message):
        ctf.parse(payload)


def test_file_names_follow_the_ctf_convention():
    source = ctf.School(la="873", estab="2001")
    assert ctf.file_name(source, None) == "8732001_CTF_MMMMMMM_001.xml"
    assert ctf.file_name(source, ctf.School(la="201", estab="3456"), 2) == (
        "8732001_CTF_2013456_002.xml"
    )


# --- Through the database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_leaver_exported_and_imported_into_a_fresh_school_keeps_the_same_totals():
    old = make_school(name="Old Primary", la_code="873")
    pupil = make_pupil(old, admission_date=date(2025, 9, 1))
    marks = [
        (date(2025, 9, 1), "AM", "/"),
        (date(2025, 9, 1), "PM", "\\"),
        (date(2025, 9, 2), "AM", "I"),
        (date(2025, 9, 2), "PM", "I"),
        (date(2025, 9, 3), "AM", "O"),
        (date(2025, 9, 3), "PM", "L"),
        (date(2025, 9, 4), "AM", "C1"),
        (date(2025, 9, 4), "PM", "#"),
    ]
    add_marks(pupil, marks)
    expected = tally((d, c) for d, _s, c in marks)
    from rollbook.pupils.models import PupilContact

    parent = Contact.objects.create(
        school=old, forename="Pat", surname="Example", mobile_phone="07700900001"
    )
    PupilContact.objects.create(pupil=pupil, contact=parent, relationship="Mother")

    name, data = transfer.export_pupils(
        actor_label="test",
        school=old,
        pupils=[pupil],
        now=datetime.fromisoformat("2025-09-05T12:00:00+01:00"),
    )
    assert name.endswith("_CTF_MMMMMMM_001.xml")
    assert AuditEvent.objects.filter(kind="pupil.ctf_exported", pupil_id=pupil.pk).count() == 1

    new = make_school(name="New Primary")
    result = transfer.import_file(
        actor_label="test", school=new, data=data, admission=date(2025, 9, 8)
    )
    assert (result.created, result.matched, result.years, result.contacts) == (1, 0, 1, 1)
    arrived = Pupil.objects.get(school=new, upn=pupil.upn)
    assert arrived.year_group == "3"
    history = PreviousAttendance.objects.get(pupil=arrived)
    assert (
        history.sessions_possible,
        history.sessions_authorised,
        history.sessions_unauthorised,
        history.sessions_attended,
    ) == (expected.possible, expected.authorised, expected.unauthorised, expected.attended)
    assert (expected.possible, expected.authorised, expected.unauthorised) == (
        7,
        3,
        1,
    )  # attended /, \\, L; authorised I, I, C1; unauthorised O
    assert ctf.marks_tally(history.start_date, history.marks) == ctf.marks_tally(
        MON, ctf.marks_string({(d, s): c for d, s, c in marks}, MON, date(2025, 9, 5))
    )
    assert arrived.contacts.get().mobile_phone == "07700900001"

    again = transfer.import_file(
        actor_label="test", school=new, data=data, admission=date(2025, 9, 8)
    )
    assert (again.created, again.matched, again.contacts) == (0, 1, 0)  # idempotent
    assert PreviousAttendance.objects.filter(pupil=arrived).count() == 1


@pytest.mark.django_db
def test_an_import_with_a_bad_upn_writes_nothing():
    school = make_school()
    data = ctf.build(_file(_pupil(upn="A873200125009"), _pupil(upn="B12")))
    with pytest.raises(ctf.CtfError) as caught:
        transfer.import_file(actor_label="t", school=school, data=data, admission=MON)
    assert any(p.startswith("Pupil[2]/UPN") for p in caught.value.problems)
    assert not Pupil.objects.filter(school=school).exists()
