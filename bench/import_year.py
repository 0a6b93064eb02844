"""Benchmark: import a year of marks for a 420-pupil school, then `rollbook stats` for the year.

Not a test. Builds a fresh SQLite database (or the one DATABASE_URL names, if set to a
PostgreSQL URL) in a temporary folder, writes terms/pupils/marks CSVs, and times each
`rollbook` command as a whole process. Prints seconds and the ratio to the target.

    .venv/bin/python bench/import_year.py [--pupils 420] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rollbook.core.calendar import SchoolCalendar, TermDates  # noqa: E402
from rollbook.pupils.rules import make_upn  # noqa: E402

TERMS = [
    ("Autumn 1", "2025-09-03", "2025-10-24"),
    ("Autumn 2", "2025-11-03", "2025-12-19"),
    ("Spring 1", "2026-01-05", "2026-02-13"),
    ("Spring 2", "2026-02-23", "2026-03-27"),
    ("Summer 1", "2026-04-13", "2026-05-22"),
    ("Summer 2", "2026-06-01", "2026-07-22"),
]
WEIGHTS = {"/": 930, "L": 15, "I": 30, "M": 5, "N": 3, "O": 5, "G": 8, "U": 2, "C": 1, "V": 1}


def write_files(folder: Path, pupils: int, rnd: random.Random) -> tuple[Path, Path, Path, int]:
    terms, pupils_csv, marks_csv = folder / "terms.csv", folder / "pupils.csv", folder / "marks.csv"
    with terms.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "start_date", "end_date"])
        w.writerows(TERMS)
    upns = [make_upn("873", "2001", 25, i % 1000) if i < 1000 else "" for i in range(pupils)]
    with pupils_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "upn",
                "legal_surname",
                "legal_forename",
                "date_of_birth",
                "year_group",
                "class_name",
                "admission_date",
            ]
        )
        for i, upn in enumerate(upns):
            year = i * 7 // pupils
            w.writerow(
                [
                    upn,
                    f"Surname{i}",
                    "Pupil",
                    f"{2019 - year}-01-15",
                    year or "R",
                    f"{year or 'R'}{'AB'[i % 2]}",
                    "2025-09-01",
                ]
            )
    sessions = SchoolCalendar(
        tuple(TermDates(n, date.fromisoformat(s), date.fromisoformat(e)) for n, s, e in TERMS)
    ).school_sessions()
    codes, weights = list(WEIGHTS), list(WEIGHTS.values())
    rows = 0
    with marks_csv.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["upn", "date", "session", "code", "minutes_late"])
        for upn in upns:
            for (day, session), code in zip(
                sessions, rnd.choices(codes, weights, k=len(sessions)), strict=True
            ):
                if code == "/" and session == "PM":
                    code = "\\"
                w.writerow(
                    [
                        upn,
                        day.isoformat(),
                        session.value,
                        code,
                        rnd.randint(1, 20) if code == "L" else "",
                    ]
                )
                rows += 1
    return terms, pupils_csv, marks_csv, rows


def timed(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rollbook"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=420)
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"),
        }
        terms, pupils, marks, rows = write_files(folder, opts.pupils, random.Random(opts.seed))
        timed(["migrate", "-v", "0"], env)
        timed(
            [
                "school",
                "create",
                "--urn",
                "999999",
                "--name",
                "Bench Primary",
                "--terms",
                str(terms),
            ],
            env,
        )
        timed(["import", "pupils", str(pupils)], env)
        first = timed(["import", "marks", str(marks)], env)
        again = timed(["import", "marks", str(marks)], env)
        stats = timed(
            ["stats", "--from", "2025-09-01", "--to", "2026-08-31", "--format", "json"], env
        )
        baseline = timed(["school", "list"], env)
    db = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"import_year on {db}: {opts.pupils} pupils, {rows:,} marks (whole-process times, start-up included)"
    )
    print(
        f"  import marks (new)     {first:6.2f} s   target 10 s   ratio {first / 10:.2f} of target"
    )
    print(f"  import marks (again)   {again:6.2f} s   (idempotent: nothing changes)")
    print(
        f"  stats for the year     {stats:6.2f} s   target 1 s    ratio {stats / 1:.2f} of target"
    )
    print(
        f"  start-up alone         {baseline:6.2f} s   (`rollbook school list`: Python + Django set-up)"
    )
    print(f"  stats minus start-up   {stats - baseline:6.2f} s")


if __name__ == "__main__":
    main()
