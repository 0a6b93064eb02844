"""`rollbook export parquet PATH [--school URN] [--from DATE --to DATE]`

A snapshot for the analytics engine (`rollbook.analytics.engine`): `marks.parquet`,
`pupils.parquet` (enrolments: admission, leaving, year group, flags) and `sessions.parquet`
(each school's school sessions from its calendar) in PATH, written by DuckDB. Without
--school, every school (a trust's or LA's export). Rows stream through a temporary CSV file,
so memory stays flat; codes such as `\\` and `#` round-trip unchanged.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from rollbook.core.models import School
from rollbook.core.schools import school_for_command
from rollbook.pupils.models import Pupil
from rollbook.registers.models import Mark

NULL = "<NULL>"  # never a code, UPN or date; lets CSV tell NULL from an empty string
COLUMNS = {
    "marks": (
        ("school_urn", "VARCHAR", "school__urn"),
        ("upn", "VARCHAR", "pupil__upn"),
        ("pupil_id", "BIGINT", "pupil_id"),
        ("date", "DATE", "date"),
        ("session", "VARCHAR", "session"),
        ("code", "VARCHAR", "code"),
    ),
    "pupils": (
        ("school_urn", "VARCHAR", "school__urn"),
        ("upn", "VARCHAR", "upn"),
        ("pupil_id", "BIGINT", "pk"),
        ("admission_date", "DATE", "admission_date"),
        ("leaving_date", "DATE", "leaving_date"),
        ("year_group", "VARCHAR", "year_group"),
        ("class_name", "VARCHAR", "registration_group__name"),
        ("date_of_birth", "DATE", "date_of_birth"),
        ("gender", "VARCHAR", "gender"),
        ("pupil_premium", "BOOLEAN", "pupil_premium"),
        ("fsm", "BOOLEAN", "fsm"),
        ("sen_status", "VARCHAR", "sen_status"),
        ("eal", "BOOLEAN", "eal"),
        ("cla", "BOOLEAN", "cla"),
        ("cin", "BOOLEAN", "cin"),
        ("cp_plan", "BOOLEAN", "cp_plan"),
    ),
    "sessions": (
        ("school_urn", "VARCHAR", None),
        ("date", "DATE", None),
        ("session", "VARCHAR", None),
    ),
}


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"{value!r} is not a date in YYYY-MM-DD form") from e


def _cell(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _copy(con, name: str, rows, folder: Path, tmp: Path) -> int:
    """Rows -> CSV -> Parquet with the snapshot's column types."""
    csv_path = tmp / f"{name}.csv"
    count = 0
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow([c for c, _, _ in COLUMNS[name]])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    types = ", ".join(f"'{c}': '{t}'" for c, t, _ in COLUMNS[name])
    source = str(csv_path).replace("'", "''")
    target = str(folder / f"{name}.parquet").replace("'", "''")
    con.execute(
        f"""COPY (SELECT * FROM read_csv('{source}', header = true, quote = '"', escape = '"',
                  nullstr = '{NULL}', auto_detect = false, columns = {{{types}}}))
            TO '{target}' (FORMAT parquet, COMPRESSION zstd)"""
    )
    return count


class Command(BaseCommand):
    help = "Write a Parquet snapshot (marks, pupils, school sessions) for the analytics engine."
    requires_system_checks = []  # a data command: start fast

    def add_arguments(self, parser):
        parser.add_argument("format", choices=("parquet",))
        parser.add_argument("path", type=Path, help="folder for marks/pupils/sessions.parquet")
        parser.add_argument("--school", help="URN (default: every school)")
        parser.add_argument("--from", dest="first")
        parser.add_argument("--to", dest="last")

    def handle(self, *args, format, path, school, first, last, **options):
        import duckdb  # only this command needs it

        first, last = _date(first), _date(last)
        if first and last and last < first:
            raise CommandError("--to is before --from")
        schools = [school_for_command(school)] if school else list(School.objects.order_by("urn"))
        path.mkdir(parents=True, exist_ok=True)

        marks = Mark.objects.filter(school__in=schools)
        pupils = Pupil.objects.filter(school__in=schools)
        if first:
            marks = marks.filter(date__gte=first)
            pupils = pupils.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=first))
        if last:
            marks = marks.filter(date__lte=last)
            pupils = pupils.filter(admission_date__lte=last)

        def fields(name):
            return [f for _, _, f in COLUMNS[name]]

        def sessions():
            for s in schools:
                for day, session in s.calendar().school_sessions(first, last):
                    yield s.urn, day, session.value

        con = duckdb.connect()
        with tempfile.TemporaryDirectory() as tmp:
            counts = {
                "marks": _copy(
                    con,
                    "marks",
                    marks.order_by("school__urn", "pupil_id", "date", "session")
                    .values_list(*fields("marks"))
                    .iterator(chunk_size=5000),
                    path,
                    Path(tmp),
                ),
                "pupils": _copy(
                    con,
                    "pupils",
                    pupils.order_by("school__urn", "pk").values_list(*fields("pupils")).iterator(),
                    path,
                    Path(tmp),
                ),
                "sessions": _copy(con, "sessions", sessions(), path, Path(tmp)),
            }
        self.stdout.write(
            f"{len(schools)} school(s): {counts['marks']} marks, {counts['pupils']} pupils, "
            f"{counts['sessions']} school sessions -> {path}"
        )
