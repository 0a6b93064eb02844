"""Benchmark: the LA run on Apache Spark (local mode) against the DuckDB engine, same snapshot.

    .venv/bin/python bench/spark_scale.py [--pupils 30000] [--master local[*]] [--data PATH]

Not a test. Generates a snapshot with `bench/generate.py` (or reuses `--data`), then does the
full run of `bench/la_scale.py` (every enrolment's counts, rates and PA/SA flags; totals for
the LA, per school and per school x year group; penalty-notice threshold and continuous
absence for every pupil on roll) with `rollbook.analytics.spark.SparkEngine` and with the
DuckDB engine, checks that the two agree exactly and prints both times. Spark on one
machine is not meant to beat DuckDB: it shows the national path runs the same queries with
the same answers, and what local mode costs; on a cluster the same code takes `--master`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from rollbook.analytics.engine import Engine  # noqa: E402

FIRST, LAST = date(2025, 9, 1), date(2026, 8, 31)


def run(engine, as_of: date) -> dict:
    table = engine.materialise(FIRST, LAST)
    return {
        "table": table,
        "la": engine.totals(FIRST, LAST, table=table)[0].summary,
        "schools": engine.totals(FIRST, LAST, ("school_urn",), table=table),
        "groups": engine.totals(FIRST, LAST, ("school_urn", "year_group"), table=table),
        "pn": engine.penalty_notice_threshold(as_of),
        "runs": engine.continuous_absence(as_of),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30_000)
    parser.add_argument("--per-school", type=int, default=420)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 3, 20))
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--data", type=Path, help="reuse (or keep) the generated snapshot here")
    opts = parser.parse_args()
    print("$ .venv/bin/python bench/spark_scale.py", shlex.join(sys.argv[1:]))
    if shutil.which("java") is None:
        raise SystemExit("spark_scale: no Java runtime (java not on PATH); Spark cannot start")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only, and no warning
    import pyspark

    from rollbook.analytics.spark import SparkEngine, session

    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.data or Path(tmp)
        if not (folder / "marks.parquet").exists():
            info = generate(folder, opts.pupils, opts.per_school, opts.seed, quiet=True)
            print(f"snapshot: {info['pupils']:,} pupils, {info['marks']:,} marks")
        load = os.getloadavg()
        started = time.perf_counter()
        duck = run(Engine.from_parquet(folder), opts.as_of)
        duck_time = time.perf_counter() - started

        started = time.perf_counter()
        spark = session(
            opts.master,
            app_name="rollbook-bench",
            **{"spark.ui.enabled": "false", "spark.driver.memory": "2g"},
        )
        spark.sparkContext.setLogLevel("ERROR")
        start_time = time.perf_counter() - started
        try:
            started = time.perf_counter()
            engine = SparkEngine.from_parquet(spark, folder)
            sparked = run(engine, opts.as_of)
            spark_time = time.perf_counter() - started
            # The per-enrolment rows too (not timed), every field equal to DuckDB's.
            rows = engine.enrolments(FIRST, LAST, table=sparked.pop("table"))
            per_pupil = rows == Engine.from_parquet(folder).enrolments(FIRST, LAST)
        finally:
            spark.stop()
        duck.pop("table")
        load_after = os.getloadavg()
    agree = per_pupil and sparked == duck
    la = duck["la"]
    print(
        f"pyspark {pyspark.__version__} ({opts.master}), {os.cpu_count()} cores; load average "
        f"{load[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(
        f"  {la.enrolments:,} enrolments, {la.tally.possible:,} possible sessions; "
        f"{len(duck['pn'])} at the PN threshold, {len(duck['runs'])} with 10+ days' continuous "
        "unauthorised absence"
    )
    print(f"  DuckDB engine              {duck_time:8.2f} s")
    print(f"  Spark session start        {start_time:8.2f} s")
    print(
        f"  Spark engine (same run)    {spark_time:8.2f} s  (Spark / DuckDB {spark_time / duck_time:.1f})"
    )
    print(
        "  results agree (per enrolment, totals at 3 levels, PN and continuous-absence hits): "
        + ("yes" if agree else "NO")
    )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
