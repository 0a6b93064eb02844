"""`rollbook restore PATH --yes`: replace the database with a backup made by `rollbook backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rollbook.core.backup import BackupError, read_manifest, record_restore, restore

ACTOR = "rollbook restore"


class Command(BaseCommand):
    help = (
        "Replace ALL data in the database with the backup at PATH, then check the row counts "
        "against its manifest. Needs --yes."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: everything now in the database is lost."
        )

    def handle(self, *args, path: Path, yes: bool, **options):
        try:
            manifest = read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            raise CommandError(
                f"This replaces everything in the database with the backup made at "
                f"{manifest['created_at']}. Run again with --yes to do it."
            )
        try:
            result = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record_restore(path, result, actor_label=ACTOR)
        if result.mismatches:
            lines = ", ".join(
                f"{label}: {want} in the backup, {got} now"
                for label, (want, got) in result.mismatches.items()
            )
            raise CommandError(f"Restored, but the row counts differ from the manifest: {lines}")
        self.stdout.write(
            f"Restored the backup made at {manifest['created_at']} from {path}; row counts match."
        )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(
                "The backup predates some migrations: run `rollbook migrate` before starting."
            )
