"""Benchmark: the daily monitoring job over the demo school's 2025/26 year, day by day.

Not a test. Loads the demo school into a fresh SQLite database (preset 002, St Dunstan's),
then runs monitoring as of every school day of 2025/26 in order, as the scheduler would
(marking each stage letter sent the same day, as a diligent office would),
and again over the same days to show that a second run raises nothing. Prints the time per
day, the number of pupils that reached each stage of the preset, and the statutory and
pattern alerts raised.

    .venv/bin/python bench/monitor_year.py [--seed 9]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=9)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        rollbook = str(ROOT / ".venv" / "bin" / "rollbook")
        subprocess.run([rollbook, "migrate", "-v", "0"], check=True)
        subprocess.run(
            [rollbook, "demo", "--seed", str(opts.seed), "--today", "2026-11-23"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        import django

        django.setup()
        import time_machine

        from rollbook.core.models import School
        from rollbook.policy.actions import complete_action
        from rollbook.policy.models import Alert, PolicyAction
        from rollbook.policy.monitoring import run_monitoring

        school = School.objects.get()
        days = school.calendar().school_days(date(2025, 9, 1), date(2026, 7, 31))
        timings = []
        for day in days:
            started = time.perf_counter()
            run_monitoring(school=school, as_of=day, actor_label="bench")
            timings.append(time.perf_counter() - started)
            # A diligent office posts every stage letter the day it is drafted, so the dated
            # written warning that 002's penalty-notice stage waits for exists.
            with time_machine.travel(f"{day.isoformat()} 17:00:00+00:00", tick=False):
                for action in PolicyAction.objects.filter(
                    school=school, kind="letter", status="open"
                ):
                    complete_action(actor=None, action=action, note="bench: posted")
        again = sum(
            len(run_monitoring(school=school, as_of=day, actor_label="bench").created)
            for day in days
        )
        alerts = Alert.objects.filter(school=school, academic_year=2025)
        stages = Counter(alerts.filter(kind="stage").values_list("stage_key", flat=True))
        kinds = Counter(alerts.exclude(kind="stage").values_list("kind", flat=True))
    timings.sort()
    print(
        f"monitor_year: demo school (seed {opts.seed}), preset 002, {len(days)} school days of 2025/26"
    )
    print(
        f"  per day: median {timings[len(timings) // 2]:.2f} s, max {timings[-1]:.2f} s (target 2 s: ratio {timings[-1] / 2:.2f})"
    )
    print(f"  second pass over the same days raised {again} new alerts (expected 0)")
    print("  pupils reaching each stage of preset 002:")
    for key, n in sorted(stages.items()):
        print(f"    {key:24} {n}")
    print("  statutory and pattern alerts:")
    for kind, n in sorted(kinds.items()):
        print(f"    {kind:32} {n}")


if __name__ == "__main__":
    main()
