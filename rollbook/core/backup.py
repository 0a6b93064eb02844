"""Backing up and restoring the whole database (`rollbook backup` / `rollbook restore`).

SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent
snapshot even while the site is writing (and includes what is still in the WAL file).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner`, with the
connection details from settings.DATABASES; the password goes in PGPASSWORD, never argv.

Beside each dump, `<dump>.manifest.json` records the engine, the applied migrations, the time
and the row counts of the main tables; a restore checks the counts against it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST_VERSION = 1
# The tables whose row counts are recorded and checked (app_label.ModelName).
MAIN_TABLES = (
    "auth.User",
    "core.School",
    "core.StaffRole",
    "core.AuditEvent",
    "pupils.RegistrationGroup",
    "pupils.Pupil",
    "pupils.Contact",
    "registers.Mark",
    "registers.MarkRevision",
    "registers.Register",
    "absences.ContactAttempt",
    "policy.Alert",
    "policy.PolicyAction",
)


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatches: dict[str, tuple[int, int]]  # table -> (in the manifest, after the restore)


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".manifest.json")


def engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def row_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    counts = {}
    for label in MAIN_TABLES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[label] = model._default_manager.using(alias).count()
    return counts


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def backup(dump: Path, *, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the database to `dump` and its manifest beside it; return the manifest."""
    vendor = engine(alias)
    dump.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "version": MANIFEST_VERSION,
        "engine": vendor,
        "created_at": timezone.now().isoformat(),
        "file": dump.name,
        "migrations": applied_migrations(alias),
        "counts": row_counts(alias),
    }
    if vendor == "sqlite":
        _sqlite_backup(dump, alias)
    else:
        _pg_dump(dump, alias)
    manifest_path(dump).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(dump: Path) -> dict[str, Any]:
    path = manifest_path(dump)
    if not dump.is_file():
        raise BackupError(f"No backup file at {dump}.")
    if not path.is_file():
        raise BackupError(f"No manifest beside the backup (expected {path}).")
    manifest = json.loads(path.read_text())
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(f"{path} has an unknown manifest version.")
    return manifest


def restore(dump: Path, *, alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replace the database's contents with the backup at `dump`, then check the row counts."""
    manifest = read_manifest(dump)
    vendor = engine(alias)
    if manifest["engine"] != vendor:
        raise BackupError(
            f"This is a {manifest['engine']} backup; the database is {vendor}. "
            "Restore it into a database of the same kind."
        )
    if vendor == "sqlite":
        _sqlite_restore(dump, alias)
    else:
        _pg_restore(dump, alias)
    counts = row_counts(alias)
    expected: Mapping[str, int] = manifest["counts"]
    mismatches = {
        label: (want, counts.get(label, -1))
        for label, want in expected.items()
        if counts.get(label, -1) != want
    }
    return RestoreResult(manifest=manifest, counts=counts, mismatches=mismatches)


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_name(alias: str) -> str:
    name = str(connections[alias].settings_dict["NAME"])
    if connections[alias].is_in_memory_db():
        raise BackupError("The database is in memory: there is nothing on disk to back up.")
    return name


def _sqlite_backup(dump: Path, alias: str) -> None:
    source = sqlite3.connect(_sqlite_name(alias), timeout=20)
    tmp = dump.with_name(dump.name + ".partial")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    tmp.replace(dump)


def _sqlite_restore(dump: Path, alias: str) -> None:
    connections[alias].close()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_name(alias), timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_env_and_args(alias: str) -> tuple[dict[str, str], list[str]]:
    db = connections[alias].settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (it comes with the PostgreSQL client).")
    done = subprocess.run([exe, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")


def _pg_dump(dump: Path, alias: str) -> None:
    env, args = _pg_env_and_args(alias)
    name = str(connections[alias].settings_dict["NAME"])
    tmp = dump.with_name(dump.name + ".partial")
    _run("pg_dump", [*args, "--format=custom", "--file", str(tmp), "--dbname", name], env)
    tmp.replace(dump)


def _pg_restore(dump: Path, alias: str) -> None:
    env, args = _pg_env_and_args(alias)
    name = str(connections[alias].settings_dict["NAME"])
    connections[alias].close()
    _run(
        "pg_restore",
        [
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            name,
            str(dump),
        ],
        env,
    )


# --- Audit ------------------------------------------------------------------------------------


def record_backup(dump: Path, manifest: Mapping[str, Any], *, actor_label: str) -> None:
    """A backup is an export of every pupil's data: audited (after the dump, so not in it)."""
    from rollbook.core import audit

    audit.record(
        "database.backed_up",
        actor_label=actor_label,
        file=str(dump),
        engine=manifest["engine"],
        counts=dict(manifest["counts"]),
    )


def record_restore(dump: Path, result: RestoreResult, *, actor_label: str) -> None:
    """Written into the restored database, after the counts were checked."""
    from rollbook.core import audit

    audit.record(
        "database.restored",
        actor_label=actor_label,
        file=str(dump),
        backup_created_at=result.manifest["created_at"],
        counts=result.counts,
        mismatches={k: list(v) for k, v in result.mismatches.items()},
    )
