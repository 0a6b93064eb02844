"""`rollbook stats --from DATE --to DATE --format json|csv|table [--school URN] [--group year|class]`"""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rollbook.core.schools import school_for_command
from rollbook.registers.rules import summarise
from rollbook.reports.statistics import (
    GROUPINGS,
    grouped,
    pupil_fields,
    pupil_stats,
    summary_fields,
)

TABLE_COLUMNS = (
    ("upn", "UPN", 13),
    ("name", "Name", 24),
    ("class_name", "Class", 6),
    ("possible_sessions", "Poss", 5),
    ("attended_sessions", "Att", 5),
    ("authorised_absence_sessions", "Auth", 5),
    ("unauthorised_absence_sessions", "Unauth", 6),
    ("attendance_rate", "Att %", 7),
    ("overall_absence_rate", "Abs %", 7),
    ("persistent_absence", "PA", 3),
    ("severe_absence", "SA", 3),
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise CommandError(f"{value!r} is not a date in YYYY-MM-DD form") from e


class Command(BaseCommand):
    help = "DfE attendance statistics per pupil and in total for a period (dates inclusive)."
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, type=str)
        parser.add_argument("--to", dest="last", required=True, type=str)
        parser.add_argument("--format", default="table", choices=("json", "csv", "table"))
        parser.add_argument("--school", help="URN (may be left out when there is only one school)")
        parser.add_argument("--group", choices=GROUPINGS)

    def handle(self, *args, first, last, format, school, group, **options):
        first, last = _date(first), _date(last)
        if last < first:
            raise CommandError("--to is before --from")
        school = school_for_command(school)
        stats = pupil_stats(school, first, last)
        pupils = [pupil_fields(s) for s in stats]
        totals = summary_fields(summarise(s.tally for s in stats))
        groups = (
            [{"group": g.group, **summary_fields(g.summary)} for g in grouped(stats, group)]
            if group
            else None
        )
        if format == "json":
            doc = {
                "school": {"urn": school.urn, "name": school.name},
                "from": first.isoformat(),
                "to": last.isoformat(),
            }
            doc |= {"pupils": pupils, "totals": totals} | ({"groups": groups} if group else {})
            self.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False))
        elif format == "csv":
            self._csv(groups if group else pupils)
        else:
            self._table(pupils, totals, groups)

    def _csv(self, rows: list[dict]) -> None:
        if not rows:
            return
        writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    def _table(self, pupils, totals, groups) -> None:
        fmt = lambda v: "" if v is None else ("yes" if v is True else "" if v is False else str(v))  # noqa: E731
        self.stdout.write("  ".join(title.ljust(w) for _, title, w in TABLE_COLUMNS))
        for row in groups or pupils:
            row = {
                "upn": row.get("group", row.get("upn")),
                **{k: v for k, v in row.items() if k != "upn"},
            }
            self.stdout.write("  ".join(fmt(row.get(k))[:w].ljust(w) for k, _, w in TABLE_COLUMNS))
        self.stdout.write(
            f"\nTotal: {totals['pupils']} pupils, {totals['possible_sessions']} possible sessions, "
            f"attendance {fmt(totals['attendance_rate'])} %, overall absence {fmt(totals['overall_absence_rate'])} %, "
            f"PA {totals['persistent_absentees']} ({fmt(totals['persistent_absence_rate'])} %), "
            f"SA {totals['severe_absentees']} ({fmt(totals['severe_absence_rate'])} %)"
        )
