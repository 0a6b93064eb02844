from datetime import date
from io import StringIO

import duckdb
import pytest
from django.core.management import call_command

from rollbook.analytics.engine import Engine
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.queries import pupil_tallies

pytestmark = pytest.mark.django_db


def test_export_parquet_writes_a_snapshot_the_engine_reads(tmp_path):
    school = make_school()
    other = make_school()
    ann = make_pupil(school, admission_date=date(2025, 9, 1))
    bob = make_pupil(school, admission_date=date(2025, 9, 1), leaving_date=date(2025, 9, 30))
    make_pupil(other)
    add_marks(
        ann,
        [
            (date(2025, 9, 8), "AM", "/"),
            (date(2025, 9, 8), "PM", "\\"),
            (date(2025, 9, 9), "AM", "I"),
        ],
    )
    add_marks(bob, [(date(2025, 9, 8), "AM", "O"), (date(2025, 9, 8), "PM", "\\")])
    out = StringIO()

    call_command(
        "export",
        "parquet",
        str(tmp_path),
        "--school",
        school.urn,
        "--from",
        "2025-09-01",
        "--to",
        "2025-12-19",
        stdout=out,
    )

    assert "1 school(s): 5 marks, 2 pupils" in out.getvalue()
    con = duckdb.connect()
    marks = con.execute(
        f"SELECT school_urn, upn, date, session, code FROM read_parquet('{tmp_path}/marks.parquet')"
        " ORDER BY upn, date, session"
    ).fetchall()
    assert (school.urn, ann.upn, date(2025, 9, 8), "PM", "\\") in marks
    pupils = con.execute(
        f"SELECT upn, leaving_date, year_group, pupil_premium FROM read_parquet('{tmp_path}/pupils.parquet')"
        " ORDER BY pupil_id"
    ).fetchall()
    assert pupils == [(ann.upn, None, "3", False), (bob.upn, date(2025, 9, 30), "3", False)]
    sessions = con.execute(
        f"SELECT count(*), min(date), max(date) FROM read_parquet('{tmp_path}/sessions.parquet')"
    ).fetchone()
    assert sessions[1:] == (date(2025, 9, 1), date(2025, 12, 19)) and sessions[0] % 2 == 0

    engine = Engine.from_parquet(tmp_path)
    got = {e.pupil_id: e.tally for e in engine.enrolments(date(2025, 9, 1), date(2025, 12, 19))}
    assert got == pupil_tallies(school, date(2025, 9, 1), date(2025, 12, 19))


def test_export_every_school_by_default(tmp_path):
    make_pupil(make_school())
    make_pupil(make_school())
    out = StringIO()
    call_command("export", "parquet", str(tmp_path), stdout=out)
    assert out.getvalue().startswith("2 school(s): 0 marks, 2 pupils")
    assert duckdb.connect().execute(
        f"SELECT count(DISTINCT school_urn) FROM read_parquet('{tmp_path}/sessions.parquet')"
    ).fetchone() == (2,)
