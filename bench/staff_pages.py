"""Benchmark: server time of the main staff pages on the demo school.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollbook .venv/bin/python bench/staff_pages.py \
        [--repeat 20] [--today YYYY-MM-DD]

Not a test. Loads `rollbook demo` (Oakfield Primary: 420 pupils, last year's and this year's
marks up to --today, alerts, cases) into a throw-away database created next to the one
DATABASE_URL names (PostgreSQL by default; a SQLite URL gives an in-memory SQLite), then
requests each page as the member of staff who uses it, through Django's test client: the
time is the whole request inside the server (middleware, session, queries, template), without
the network. Two requests warm each page up, then `--repeat` are timed. Prints p50, p95, the
largest and the query count per page. Target: p95 <= 200 ms for every page.

The pages are measured as they look mid-morning on a school day: the clock is pinned (with
time-machine, ticking) to 10:30 London time on --today, by default the latest weekday up to
the real date, so a run on a Sunday does not measure an empty Today page and a closed register.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rollbook")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
TARGET = 0.2


def pages(today: date) -> list[tuple[str, str, str]]:
    """(page, user, path) for the demo school, chosen from its data."""
    from django.db.models import Count
    from django.urls import reverse

    from rollbook.core.models import School
    from rollbook.policy.models import Alert
    from rollbook.pupils.models import RegistrationGroup

    school = School.objects.get()
    group = (
        RegistrationGroup.objects.filter(school=school, teachers__isnull=False)
        .order_by("name")
        .first()
    )
    teacher = group.teachers.order_by("username").first().username
    # The pupil page with the most behind it: the pupil with the most alerts.
    busiest = (
        Alert.objects.filter(school=school)
        .values("pupil_id")
        .annotate(n=Count("id"))
        .order_by("-n", "pupil_id")
        .first()
    )
    pupil_id = busiest["pupil_id"] if busiest else school.pupils.order_by("pk").first().pk
    return [
        ("Today (office)", "office", reverse("office_today")),
        (
            f"Register {group.name} AM",
            teacher,
            reverse("register_take", args=[group.pk, today, "AM"]),
        ),
        ("Pupil list", "attendance_lead", reverse("pupils:list")),
        ("Pupil page", "attendance_lead", reverse("pupils:detail", args=[pupil_id])),
        ("Alerts", "attendance_lead", reverse("policy:alerts")),
        ("Cases", "attendance_lead", reverse("casework:caseload")),
        ("Reports home", "head", reverse("home")),
        ("Weekly report", "head", reverse("weekly_report")),
    ]


def measure(repeat: int, today: date) -> list[tuple[str, str, int, int, list[float]]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    users = get_user_model().objects
    results, profiles = [], []
    for name, username, path in pages(today):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(users.get(username=username))
        for _ in range(2):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name} {path} as {username}: {response.status_code}")
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - started)
        results.append((name, path, len(response.content), queries, timings))
        if sorted(timings)[max(int(len(timings) * 0.95 + 0.5) - 1, 0)] > TARGET:
            profiles.append((name, profile(client, path)))
    return results, profiles


def profile(client, path: str) -> str:
    """Where one request of a page that misses the target spends its time: the project's
    own functions (and the ORM/template entry points they call), by cumulative time."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    client.get(path)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(r"rollbook/", 8)
    rollbook = [line for line in out.getvalue().splitlines() if "rollbook/" in line]
    out.seek(0)
    out.truncate()
    stats.sort_stats("tottime").print_stats(8)
    own = [line for line in out.getvalue().splitlines() if "/" in line or "{" in line]
    lines = ["by cumulative time, the project's code:", *rollbook, "by own time, anything:", *own]
    return "\n".join("      " + line.strip().replace(str(ROOT) + "/", "") for line in lines)


def latest_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    opts = parser.parse_args()
    print("$ .venv/bin/python bench/staff_pages.py", shlex.join(sys.argv[1:]))
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    today = opts.today or latest_weekday(timezone.localdate())
    traveller = time_machine.travel(
        datetime.combine(today, clock(10, 30), tzinfo=ZoneInfo("Europe/London")), tick=True
    )
    traveller.start()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("demo", "--today", today.isoformat(), stdout=quiet)
        loaded = time.perf_counter() - started
        load = os.getloadavg()
        results, profiles = measure(opts.repeat, today)
        load_after = os.getloadavg()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        traveller.stop()
    print(
        f"staff_pages on {connection.vendor}: demo school as of {today}, 10:30 (loaded in {loaded:.0f} s), "
        f"{opts.repeat} requests per page after 2 warm-ups; load average {load[0]:.1f} before, "
        f"{load_after[0]:.1f} after"
    )
    print(
        f"  {'page':24} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>8} {'KB':>6}  ratio p95/200 ms"
    )
    worst = 0.0
    for name, _, size, queries, timings in results:
        timings.sort()
        p95 = timings[max(int(len(timings) * 0.95 + 0.5) - 1, 0)]
        worst = max(worst, p95)
        print(
            f"  {name:24} {statistics.median(timings) * 1000:6.1f}ms {p95 * 1000:6.1f}ms "
            f"{timings[-1] * 1000:6.1f}ms {queries:8d} {size / 1024:6.0f}  {p95 / TARGET:.2f}"
        )
    print(
        f"  worst p95 {worst * 1000:.1f} ms: target <= 200 ms "
        f"{'met' if worst <= TARGET else 'MISSED'} (ratio {worst / TARGET:.2f})"
    )
    for name, text in profiles:
        print(f"  {name}: one request under cProfile (ncalls tottime percall cumtime percall)")
        print(text)


if __name__ == "__main__":
    main()
