"""`rollbook import pupils PUPILS.csv` and `rollbook import marks MARKS.csv` (all-or-nothing)."""

import time

from django.core.management.base import BaseCommand, CommandError

from rollbook.core.csvio import ImportRejected, progress_printer
from rollbook.core.schools import school_for_command
from rollbook.pupils.actions import parse_pupils_file, save_pupils
from rollbook.registers.actions import parse_marks_file, save_marks


class Command(BaseCommand):
    help = "Import pupils or marks from CSV. A file with any bad row stores nothing."
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind, columns in (
            (
                "pupils",
                "upn,legal_surname,legal_forename,date_of_birth,year_group,class_name,admission_date",
            ),
            ("marks", "upn,date,session,code[,minutes_late]"),
        ):
            p = sub.add_parser(kind, help=f"columns: {columns}")
            p.add_argument("path")
            p.add_argument("--school", help="URN (may be left out when there is only one school)")

    def handle(self, *args, kind, path, school=None, **options):
        school = school_for_command(school)
        started = time.monotonic()
        try:
            if kind == "pupils":
                result = save_pupils(
                    actor_label="rollbook import pupils",
                    school=school,
                    rows=parse_pupils_file(path),
                    source=path,
                )
                summary = f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            else:
                rows = parse_marks_file(
                    path, school, progress=progress_printer("checked", 0, stream=self.stderr)
                )
                result = save_marks(
                    actor_label="rollbook import marks",
                    school=school,
                    rows=rows,
                    reason=f"imported from {path}",
                    progress=progress_printer("saved", len(rows), stream=self.stderr),
                )
                summary = f"{result.created} created, {result.changed} changed, {result.unchanged} unchanged"
        except ImportRejected as e:
            raise CommandError(e.report()) from e
        self.stdout.write(
            f"{path}: {kind} imported into {school.name}: {summary} ({time.monotonic() - started:.1f} s)."
        )
