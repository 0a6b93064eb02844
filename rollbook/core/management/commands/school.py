"""`rollbook school create --urn URN --name NAME --terms TERMS.csv`"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from rollbook.core import actions
from rollbook.core.calendar import TermDates
from rollbook.core.csvio import ImportRejected, LineError, read_csv
from rollbook.core.models import Phase, School

ACTOR = "rollbook school create"


def read_terms(path: str) -> list[TermDates]:
    csv_rows = read_csv(path, ("name", "start_date", "end_date"))
    errors, terms = list(csv_rows.errors), []
    for line, raw in csv_rows.rows:
        try:
            start, end = date.fromisoformat(raw["start_date"]), date.fromisoformat(raw["end_date"])
        except ValueError:
            errors.append(
                LineError(line, "start_date and end_date must be dates in YYYY-MM-DD form")
            )
            continue
        if not raw["name"]:
            errors.append(LineError(line, "name is empty"))
        elif end < start:
            errors.append(LineError(line, f"term ends ({end}) before it starts ({start})"))
        else:
            terms.append(TermDates(raw["name"], start, end))
    if not terms and not errors:
        errors.append(LineError(0, "the file lists no terms"))
    if errors:
        raise ImportRejected(path, errors)
    return terms


class Command(BaseCommand):
    help = "Create and list schools."
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a school with its term dates")
        create.add_argument("--urn", required=True)
        create.add_argument("--name", required=True)
        create.add_argument(
            "--terms", required=True, help="CSV with columns name,start_date,end_date"
        )
        create.add_argument("--phase", default=Phase.PRIMARY, choices=Phase.values)
        create.add_argument("--la", default="", help="local authority name")
        create.add_argument("--la-code", default="", help="three-digit LA number")
        sub.add_parser("list", help="List schools")

    def handle(self, *args, action, **options):
        if action == "list":
            for school in School.objects.all():
                self.stdout.write(f"{school.urn}  {school.name}")
            return
        try:
            terms = read_terms(options["terms"])
            school = actions.create_school(
                actor_label=ACTOR,
                urn=options["urn"],
                name=options["name"],
                terms=terms,
                phase=options["phase"],
                local_authority=options["la"],
                la_code=options["la_code"],
            )
        except ImportRejected as e:
            raise CommandError(e.report()) from e
        except (actions.SchoolError, ValueError) as e:
            raise CommandError(str(e)) from e
        days = len(school.calendar().school_days())
        self.stdout.write(f"Created {school} with {len(terms)} term(s) and {days} school days.")
