"""`rollbook backup PATH`: a consistent copy of the whole database, with a manifest beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rollbook.core.backup import BackupError, backup, manifest_path, record_backup

ACTOR = "rollbook backup"


class Command(BaseCommand):
    help = (
        "Back up the database to PATH (SQLite: online backup API; PostgreSQL: pg_dump custom "
        "format) and write PATH.manifest.json beside it."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record_backup(path, manifest, actor_label=ACTOR)
        rows = ", ".join(f"{label} {n}" for label, n in manifest["counts"].items())
        self.stdout.write(f"Backed up the {manifest['engine']} database to {path}.")
        self.stdout.write(f"Manifest: {manifest_path(path)} ({rows}).")
        self.stdout.write("The backup holds pupils' personal data: store it encrypted.")
