"""Benchmark: server time to save a 30-pupil register (teacher, keyboard-style POST).

Not a test. Runs against PostgreSQL by default (a throw-away test database created next to
the one DATABASE_URL names), through Django's test client, so the time is the whole request
inside the server: middleware, form, `take_register`, audit and redirect, without the network.
Prints p50/p95 over one save per school day.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollbook .venv/bin/python bench/register_save.py [--days 120]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rollbook")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--pupils", type=int, default=30)
    opts = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        timings = run(opts, Client())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"register_save on {connection.vendor}: {len(timings)} saves of a {opts.pupils}-pupil register"
    )
    print(
        f"  p50 {p50 * 1000:.1f} ms   p95 {p95 * 1000:.1f} ms   target p95 50 ms: ratio {p95 / 0.05:.2f}"
    )


def run(opts, client) -> list[float]:
    from django.contrib.auth import get_user_model

    from rollbook.core.models import Role, StaffRole
    from rollbook.core.tests.factories import make_pupil, make_school

    school = make_school()
    pupils = [
        make_pupil(school, class_name="3A", legal_surname=f"Pupil{i:02d}")
        for i in range(opts.pupils)
    ]
    group = pupils[0].registration_group
    teacher = get_user_model().objects.create_user("teacher", password="x")
    StaffRole.objects.create(user=teacher, school=school, role=Role.TEACHER)
    group.teachers.add(teacher)
    client.force_login(teacher)
    days = school.calendar().school_days()[: opts.days]
    timings = []
    for day in days:
        data = {f"mark-{p.pk}": "present" for p in pupils} | {
            f"version-{p.pk}": "0" for p in pupils
        }
        data |= {f"mark-{pupils[1].pk}": "late", f"minutes-{pupils[1].pk}": "9"}
        data |= {
            f"mark-{pupils[2].pk}": "absent",
            f"mark-{pupils[3].pk}": "absent",
            "action": "save",
        }
        started = time.perf_counter()
        response = client.post(f"/registers/{group.pk}/{day.isoformat()}/AM/", data)
        timings.append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(
                f"save failed on {day}: {response.status_code} {response.content[:500]!r}"
            )
    return timings


if __name__ == "__main__":
    main()
