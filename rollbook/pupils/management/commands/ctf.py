"""`rollbook ctf export --school URN --upn UPN [-o FILE]` and `rollbook ctf import FILE --school URN`."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rollbook.core.models import School
from rollbook.pupils import ctf, transfer
from rollbook.pupils.models import Pupil

ACTOR = "rollbook ctf"


class Command(BaseCommand):
    help = "Export pupils to a Common Transfer File, or import one."
    requires_system_checks = []  # a data command: start fast

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("export", help="Write a CTF for one or more pupils")
        out.add_argument("--school", required=True, help="the school's URN")
        out.add_argument("--upn", action="append", required=True, help="repeat for each pupil")
        out.add_argument("-o", "--output", help="file to write (default: the CTF file name)")
        into = sub.add_parser("import", help="Import a CTF (all or nothing)")
        into.add_argument("file")
        into.add_argument("--school", required=True, help="the school's URN")
        into.add_argument(
            "--admission", type=date.fromisoformat, help="admission date of new pupils (today)"
        )

    def _school(self, urn: str) -> School:
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise CommandError(f"no school with URN {urn}")
        return school

    def handle(self, *args, action, **options):
        school = self._school(options["school"])
        if action == "export":
            pupils = list(Pupil.objects.filter(school=school, upn__in=options["upn"]))
            missing = sorted(set(options["upn"]) - {p.upn for p in pupils})
            if missing:
                raise CommandError(f"no pupil at {school.name} with UPN {', '.join(missing)}")
            name, data = transfer.export_pupils(
                actor_label=ACTOR, school=school, pupils=pupils, now=timezone.now()
            )
            path = Path(options["output"] or name)
            path.write_bytes(data)
            self.stdout.write(f"Wrote {path} ({len(pupils)} pupil(s))")
            return
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from None
        try:
            result = transfer.import_file(
                actor_label=ACTOR,
                school=school,
                data=data,
                admission=options["admission"] or timezone.localdate(),
            )
        except ctf.CtfError as error:
            raise CommandError(
                "Nothing imported:\n" + "\n".join(f"  {p}" for p in error.problems[:50])
            ) from None
        self.stdout.write(
            f"Imported: {result.created} new pupil(s), {result.matched} matched by UPN, "
            f"{result.years} year(s) of previous attendance, {result.contacts} contact(s)"
        )
