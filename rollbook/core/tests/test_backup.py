"""`rollbook backup` / `rollbook restore`: a verified round trip on a real database.

The round trip runs in a child process against its own database: a SQLite file in tmp_path,
or (when DATABASE_URL is PostgreSQL) a throw-away PostgreSQL database created and dropped
here. The test database pytest-django gives us is in memory on SQLite, and a restore replaces
a whole database, so neither could be the test's own.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

BASE_DIR = Path(settings.BASE_DIR)
MONDAY = date(2025, 9, 1)


def scenario(dump: str) -> dict:
    """Run in the child process (Django set up, an empty database): the round trip."""
    from rollbook.core.backup import row_counts
    from rollbook.core.models import AuditEvent
    from rollbook.core.tests.factories import add_marks, make_pupil, make_school
    from rollbook.pupils.models import Pupil
    from rollbook.registers.models import Mark

    call_command("migrate", verbosity=0)
    school = make_school(name="Backup Primary")
    pupils = [make_pupil(school) for _ in range(3)]
    for pupil in pupils:
        add_marks(pupil, [(MONDAY, "AM", "/"), (MONDAY, "PM", "N")])
    backed_up = row_counts()
    call_command("backup", dump, stdout=io.StringIO())  # (then audits itself: not in the dump)
    manifest = json.loads(Path(dump + ".manifest.json").read_text())

    # Change the data: one mark's code (a revision) and a new pupil.
    add_marks(pupils[0], [(MONDAY, "PM", "C")], reason="changed after the backup")
    make_pupil(school)
    changed = row_counts()
    changed_code = Mark.objects.get(pupil=pupils[0], date=MONDAY, session="PM").code

    try:
        call_command("restore", dump)
        refused = ""
    except CommandError as exc:
        refused = str(exc)
    call_command("restore", dump, yes=True, stdout=io.StringIO())
    restored = row_counts()
    restored_event = AuditEvent.objects.order_by("-pk").values("kind", "data").first()
    restored["core.AuditEvent"] -= 1  # the restore's own audit row
    return {
        "manifest": manifest,
        "backed_up": backed_up,
        "changed": changed,
        "changed_code": changed_code,
        "refused": refused,
        "restored": restored,
        "restored_code": Mark.objects.get(pupil=pupils[0], date=MONDAY, session="PM").code,
        "pupils": Pupil.objects.count(),
        "restored_event": restored_event,
    }


def run_scenario(database_url: str, dump: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url,
    }
    code = (
        "import django, json; django.setup(); "
        "from rollbook.core.tests.test_backup import scenario; "
        f"print('RESULT ' + json.dumps(scenario({str(dump)!r}), default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def check_round_trip(result: dict, engine: str) -> None:
    manifest = result["manifest"]
    assert manifest["engine"] == engine
    assert manifest["counts"] == result["backed_up"]
    assert manifest["counts"]["pupils.Pupil"] == 3
    assert manifest["counts"]["registers.Mark"] == 6
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["created_at"]

    assert result["changed"]["pupils.Pupil"] == 4
    assert (
        result["changed"]["registers.MarkRevision"] > result["backed_up"]["registers.MarkRevision"]
    )
    assert result["changed_code"] == "C"
    assert "--yes" in result["refused"]

    assert result["restored"] == result["backed_up"]
    assert result["restored_code"] == "N"
    assert result["pupils"] == 3
    assert result["restored_event"]["kind"] == "database.restored"
    assert result["restored_event"]["data"]["mismatches"] == {}


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite run"
)
def test_sqlite_round_trip(tmp_path):
    dump = tmp_path / "backups" / "rollbook.sqlite3"
    result = run_scenario(f"sqlite:///{tmp_path / 'live.sqlite3'}", dump)
    check_round_trip(result, "sqlite")
    assert dump.is_file() and (tmp_path / "backups" / "rollbook.sqlite3.manifest.json").is_file()


@pytest.fixture
def throwaway_pg():
    """A new, empty PostgreSQL database beside the test one; dropped afterwards."""
    import psycopg

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = f"rollbook_backup_{uuid.uuid4().hex[:12]}"
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL run",
)
def test_postgresql_round_trip(tmp_path, throwaway_pg):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed")
    dump = tmp_path / "rollbook.pgdump"
    result = run_scenario(throwaway_pg, dump)
    check_round_trip(result, "postgresql")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


def test_restore_refuses_a_missing_backup(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", tmp_path / "nothing.sqlite3", yes=True)


def test_restore_refuses_a_backup_of_another_engine(tmp_path, db):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"x")
    other = (
        "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "sqlite"
    )
    (tmp_path / "x.dump.manifest.json").write_text(
        json.dumps({"version": 1, "engine": other, "created_at": "2026-01-01", "counts": {}})
    )
    with pytest.raises(CommandError, match="Restore it into a database of the same kind"):
        call_command("restore", dump, yes=True)
