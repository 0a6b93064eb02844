"""`rollbook monitor --as-of DATE --format json|table [--school URN] [--dry-run]`"""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollbook.core.schools import school_for_command
from rollbook.policy.monitoring import run_monitoring


class Command(BaseCommand):
    help = "Apply the school's policy and the statutory rules as of a date; record and list new alerts."
    requires_system_checks = []  # a data command: start fast (checks run in `make lint` and at deploy)

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", default="table", choices=("json", "table"))
        parser.add_argument("--school", help="URN (may be left out when there is only one school)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be raised; store nothing"
        )

    def handle(self, *args, as_of, format, school, dry_run, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--as-of {as_of!r} is not a date in YYYY-MM-DD form") from e
        school = school_for_command(school)
        started = time.monotonic()
        result = run_monitoring(
            school=school, as_of=day, actor_label="rollbook monitor", record=not dry_run
        )
        alerts = [
            {
                "upn": a.pupil.upn,
                "name": a.pupil.display_name,
                "kind": a.kind,
                "stage": a.stage_key or None,
                "explanation": a.explanation,
                "evidence": a.evidence,
                "met_on": a.met_on.isoformat() if a.met_on else None,
            }
            for a in result.created
        ]
        if format == "json":
            doc = {
                "school": school.urn,
                "as_of": day.isoformat(),
                "policy": result.policy.name,
                "alerts": alerts,
            }
            self.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False))
            return
        for a in alerts:
            self.stdout.write(
                f"{a['upn']}  {a['name'][:24]:24}  {a['stage'] or a['kind']:30}  {a['explanation']}"
            )
        verb = "would be raised" if dry_run else "raised"
        self.stdout.write(
            f"{len(alerts)} alert(s) {verb} for {result.evaluated} pupils as of {day} under "
            f"{result.policy.name!r} ({time.monotonic() - started:.2f} s)."
        )
