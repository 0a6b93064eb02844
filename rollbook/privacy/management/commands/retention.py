"""`rollbook retention [--apply]`: the retention report, and (with --apply) the changes it lists."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollbook.core.schools import school_for_command
from rollbook.privacy.actions import apply_retention
from rollbook.privacy.retention import plan


class Command(BaseCommand):
    help = (
        "Report what the retention schedule would anonymise or redact (a dry run by default); "
        "--apply makes those changes in one transaction and records them in the audit log."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--school", help="URN (may be left out when there is only one school)")
        parser.add_argument("--apply", action="store_true", help="make the changes")
        parser.add_argument("--today", help="the date to apply the rules on (YYYY-MM-DD)")

    def handle(self, *args, school=None, apply=False, today=None, **options):
        school = school_for_command(school)
        try:
            on = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--today: {e}") from e
        if apply:
            report = apply_retention(
                actor_label="rollbook retention --apply", school=school, today=on
            )
        else:
            report = plan(school, on).report
        self.stdout.write(f"{school.name} ({school.urn})")
        self.stdout.write("\n".join(report.lines()))
        self.stdout.write("")
        if apply:
            self.stdout.write(f"Applied: {report.changes} change(s), recorded in the audit log.")
        else:
            self.stdout.write(
                f"Dry run: nothing changed. {report.changes} change(s) would be made; "
                "run again with --apply to make them."
            )
