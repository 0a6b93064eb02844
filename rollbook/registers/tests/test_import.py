"""`rollbook import` end to end: good files, idempotency, audited changes, and all-or-nothing errors."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rollbook.core.actions import add_closure
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.pupils.models import Pupil
from rollbook.pupils.rules import make_upn
from rollbook.registers.models import Mark, MarkRevision

pytestmark = pytest.mark.django_db
AMY = make_upn("873", "2001", 24, 901)
BEN = make_upn("873", "2001", 24, 902)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def rejected(*args) -> str:
    with pytest.raises(CommandError) as e:
        run(*args)
    return str(e.value)


@pytest.fixture
def school():
    school = make_school()
    make_pupil(school, upn=AMY, admission_date=date(2022, 9, 1), leaving_date=date(2025, 12, 12))
    make_pupil(
        school,
        upn=BEN,
        admission_date=date(2025, 10, 1),
        date_of_birth=date(2021, 3, 1),
        year_group="R",
    )
    return school


def marks_csv(tmp_path, rows: str, name="marks.csv"):
    return write(tmp_path, name, "upn,date,session,code,minutes_late\n" + rows)


def test_pupils_import_creates_classes_families_and_flags(tmp_path):
    make_school()
    path = write(
        tmp_path,
        "pupils.csv",
        "upn,legal_surname,legal_forename,date_of_birth,year_group,class_name,admission_date,pupil_premium,sen,family_id\n"
        f"{AMY},Smith,Amy,2018-05-01,Y3,3A,2022-09-01,yes,K,F1\n"
        f"{BEN},Smith,Ben,2020-05-01,1,1A,2024-09-01,no,E,F1\n",
    )

    assert "2 created" in run("pupils", path)

    amy, ben = Pupil.objects.get(upn=AMY), Pupil.objects.get(upn=BEN)
    assert amy.year_group == "3" and amy.registration_group.name == "3A"
    assert amy.pupil_premium and amy.sen_status == "K" and ben.has_ehcp
    assert amy.family == ben.family
    assert AuditEvent.objects.filter(kind="pupils.imported").count() == 1


def test_a_bad_pupils_file_stores_nothing_and_names_each_line(tmp_path):
    make_school()
    path = write(
        tmp_path,
        "pupils.csv",
        "upn,legal_surname,legal_forename,date_of_birth,year_group,class_name,admission_date\n"
        f"{AMY},Smith,Amy,2018-05-01,3,3A,2022-09-01\n"
        "A123,Jones,Ben,2018-05-01,3,3A,2022-09-01\n"
        f"{BEN},Jones,Cal,2018-05-01,9,3A,2022-13-01\n"
        f"{AMY},Smith,Amy,2018-05-01,3,3A,2022-09-01\n",
    )

    message = rejected("pupils", path)

    assert "line 3: UPN 'A123'" in message
    assert "line 4: year_group '9'" in message and "line 4: admission_date '2022-13-01'" in message
    assert "line 5: UPN " in message and "also appears on line 2" in message
    assert Pupil.objects.count() == 0


def test_marks_import_stores_codes_and_minutes_late(tmp_path, school):
    path = marks_csv(
        tmp_path, f"{AMY},2025-10-06,AM,L,12\n{AMY},2025-10-06,PM,\\,\n{BEN},2025-10-06,AM,#,\n"
    )

    assert "3 created" in run("marks", path)

    late = Mark.objects.get(pupil__upn=AMY, session="AM")
    assert (late.code, late.minutes_late, late.source) == ("L", 12, "import")
    assert Mark.objects.get(pupil__upn=AMY, session="PM").code == "\\"


def test_reimporting_the_same_file_changes_nothing(tmp_path, school):
    path = marks_csv(tmp_path, f"{AMY},2025-10-06,AM,/,\n{AMY},2025-10-06,PM,I,\n")
    run("marks", path)
    before = list(Mark.objects.values_list("id", "code", "version", "updated_at"))

    assert "0 created, 0 changed, 2 unchanged" in run("marks", path)

    assert list(Mark.objects.values_list("id", "code", "version", "updated_at")) == before
    assert MarkRevision.objects.count() == 0


def test_a_different_code_for_an_existing_mark_is_an_audited_change(tmp_path, school):
    run("marks", marks_csv(tmp_path, f"{AMY},2025-10-06,AM,N,\n"))

    assert "1 changed" in run("marks", marks_csv(tmp_path, f"{AMY},2025-10-06,AM,I,\n", "fix.csv"))

    mark = Mark.objects.get()
    revision = mark.revisions.get()
    assert (mark.code, mark.version) == ("I", 2)
    assert (revision.old_code, revision.new_code) == ("N", "I")
    assert "fix.csv" in revision.reason and revision.changed_by_label == "rollbook import marks"
    assert AuditEvent.objects.filter(kind="marks.saved", data__changed=1).exists()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (f"{AMY},2025-10-06,AM,H1,", "code 'H1' is not a DfE attendance code"),
        (f"{AMY},2025-10-06,AM,H,", "code 'H' was withdrawn"),
        ("L873200124999,2025-10-06,AM,/,", "no pupil with UPN"),
        (f"{AMY},2025-10-11,AM,/,", "Saturday 2025-10-11 is not a school day"),
        (f"{AMY},2025-10-28,AM,/,", "is not a school day"),  # half-term
        (f"{AMY},2025-12-25,AM,/,", "is not a school day"),
        (f"{BEN},2025-09-30,AM,/,", "before the pupil's admission on 2025-10-01"),
        (f"{AMY},2025-12-15,AM,/,", "after the pupil left on 2025-12-12"),
        (f"{AMY},2025-10-06,EVE,/,", "session 'EVE' must be AM or PM"),
        (f"{AMY},06/10/2025,AM,/,", "is not a date in YYYY-MM-DD form"),
        (f"{AMY},2025-10-06,AM,/,5", "minutes_late is only recorded with L or U"),
        (f"{AMY},2025-10-06,AM,X,", "only for pupils below compulsory school age"),
        (f"{BEN},2025-10-06,AM,C2,", "only for pupils of compulsory school age"),
    ],
)
def test_each_kind_of_bad_mark_row_is_named_and_nothing_is_stored(tmp_path, school, row, problem):
    path = marks_csv(tmp_path, f"{AMY},2025-10-07,AM,/,\n{row}\n")

    message = rejected("marks", path)

    assert f"line 3: {problem}" in message or ("line 3:" in message and problem in message)
    assert "line 2" not in message
    assert Mark.objects.count() == 0


def test_a_duplicate_row_is_rejected(tmp_path, school):
    message = rejected(
        "marks", marks_csv(tmp_path, f"{AMY},2025-10-06,AM,/,\n{AMY},2025-10-06,am,I,\n")
    )

    assert "line 3: a second mark for the same pupil, date and session (first on line 2)" in message
    assert Mark.objects.count() == 0


def test_closure_days_accept_only_the_closure_code(tmp_path, school):
    add_closure(actor_label="test", school=school, day=date(2025, 10, 10), reason="INSET day")

    run("marks", marks_csv(tmp_path, f"{AMY},2025-10-10,AM,#,\n"))
    message = rejected("marks", marks_csv(tmp_path, f"{AMY},2025-10-10,PM,/,\n", "open.csv"))

    assert "Friday 2025-10-10 is not a school day" in message
    assert Mark.objects.count() == 1


def test_a_file_in_the_wrong_encoding_is_rejected(tmp_path, school):
    path = write(tmp_path, "m.csv", "upn,date,session,code\nÉ,2025-10-06,AM,/\n", encoding="utf-16")

    assert "not UTF-8" in rejected("marks", path)


def test_malformed_csv_and_missing_columns_are_rejected(tmp_path, school):
    assert "missing column(s): code" in rejected(
        "marks", write(tmp_path, "a.csv", "upn,date,session\n")
    )
    message = rejected(
        "marks", write(tmp_path, "b.csv", f'upn,date,session,code\n{AMY},2025-10-06,AM\n"x,y\n')
    )
    assert "line 2: expected 4 values, found 3" in message
    assert "malformed CSV" in message


def test_only_the_first_fifty_problems_are_listed(tmp_path, school):
    rows = "".join(f"{AMY},2025-10-06,AM,??,\n" for _ in range(60))

    message = rejected("marks", marks_csv(tmp_path, rows))

    assert "60 problem(s)" in message and "... and 10 more" in message
    assert message.count("is not a DfE attendance code") == 50


def test_school_is_required_when_there_are_several(tmp_path, school):
    make_school()

    assert "--school" in rejected("marks", marks_csv(tmp_path, ""))
    assert "1 created" in run(
        "marks", marks_csv(tmp_path, f"{AMY},2025-10-06,AM,/,\n"), "--school", school.urn
    )


def test_a_codes_with_backslash_and_hash_round_trip(tmp_path, school):
    add_closure(actor_label="test", school=school, day=date(2025, 10, 10), reason="INSET day")
    run("marks", marks_csv(tmp_path, f'{AMY},2025-10-06,PM,"\\",\n{AMY},2025-10-10,AM,#,\n'))

    assert sorted(Mark.objects.values_list("code", flat=True)) == ["#", "\\"]


def test_pupils_import_reads_the_circumstances_a_policy_adjusts_for(tmp_path):
    make_school()
    path = write(
        tmp_path,
        "pupils.csv",
        "upn,legal_surname,legal_forename,date_of_birth,year_group,class_name,admission_date,medical_plan,long_term_illness\n"
        f"{AMY},Smith,Amy,2018-05-01,3,3A,2022-09-01,yes,no\n"
        f"{BEN},Smith,Ben,2018-05-01,3,3A,2022-09-01,no,maybe\n",
    )

    assert "line 3: long_term_illness 'maybe' should be yes/no" in rejected("pupils", path)
    path = write(tmp_path, "ok.csv", (tmp_path / "pupils.csv").read_text().replace("maybe", "yes"))
    run("pupils", path)

    amy, ben = Pupil.objects.get(upn=AMY), Pupil.objects.get(upn=BEN)
    assert (amy.medical_plan, amy.long_term_illness, ben.long_term_illness) == (True, False, True)
