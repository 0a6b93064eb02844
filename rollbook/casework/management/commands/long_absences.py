"""`rollbook long_absences [--as-of DATE] [--school URN]`: keep-in-touch, return-plan and
welcome-back tasks for long absences (rollbook.casework.long_absences). Safe to rerun."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollbook.casework.long_absences import make_long_absence_tasks
from rollbook.core.schools import school_for_command


class Command(BaseCommand):
    help = "Make the tasks for pupils on a long absence, and for those just back from one."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--school", help="URN (may be left out when there is only one school)")

    def handle(self, *args, as_of, school, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--as-of {as_of!r} is not a date in YYYY-MM-DD form") from e
        made = make_long_absence_tasks(school=school_for_command(school), as_of=day)
        for task in made:
            self.stdout.write(
                f"{task.due_on} {task.pupil_id} {task.get_kind_display()}: {task.title}"
            )
        self.stdout.write(f"{len(made)} task(s) made.")
