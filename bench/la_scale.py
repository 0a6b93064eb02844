"""Benchmark: a local authority's year (150,000 pupils, ~57 M marks) in DuckDB.

    .venv/bin/python bench/la_scale.py [--pupils 150000] [--sample 300] [--repeat 2] [--data PATH]

Generates the snapshot with `bench/generate.py` (or reuses `--data`), then times the full LA
run three ways, each from the same Parquet files:

1. Rollbook's engine (`rollbook.analytics.engine`): every enrolment's DfE counts, rates and
   PA/SA flags; totals for the LA, per school and per school x year group; the penalty-notice
   threshold and 10-day continuous unauthorised absence for every pupil on roll.
2. A hand-written DuckDB SQL baseline doing the same with the code lists typed in (it knows
   the data hold only post-2024 codes). Target: the engine within 1.5x of it.
3. A naive per-pupil loop with the pure Python rules (`enrolment_tally`,
   `penalty_notice_threshold`, `continuous_unauthorised_absence`, then `summarise`), one marks
   query per pupil, on `--sample` pupils, extrapolated to all. Its marks table holds only the
   sampled pupils (kinder to the loop than a real per-pupil ORM query). Target: the engine
   at least 20x faster.

Not a test. Prints the command line, the times and the ratios; checks the three agree.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from rollbook.analytics.engine import Engine  # noqa: E402
from rollbook.core.calendar import Session  # noqa: E402
from rollbook.policy import statutory  # noqa: E402
from rollbook.registers.rules import enrolment_tally, summarise  # noqa: E402

FIRST, LAST = date(2025, 9, 1), date(2026, 8, 31)


def run_engine(folder: Path, as_of: date) -> dict:
    engine = Engine.from_parquet(folder)
    table = engine.materialise(FIRST, LAST)
    la = engine.totals(FIRST, LAST, table=table)[0].summary
    schools = engine.totals(FIRST, LAST, ("school_urn",), table=table)
    years = engine.totals(FIRST, LAST, ("school_urn", "year_group"), table=table)
    pn = engine.penalty_notice_threshold(as_of)
    runs = engine.continuous_absence(as_of)
    pupils = engine.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return {
        "pupils": pupils,
        "la": (
            la.enrolments,
            la.tally.possible,
            la.tally.absent,
            la.persistent_absentees,
            la.severe_absentees,
        ),
        "schools": len(schools),
        "groups": len(years),
        "pn": sorted(h.pupil_id for h in pn),
        "runs": sorted(r.pupil_id for r in runs),
    }


BASELINE = r"""
CREATE OR REPLACE TEMP TABLE e AS
SELECT p.school_urn, p.pupil_id, p.year_group,
       count(m.code) FILTER (WHERE m.code IN ('/', '\', 'L', 'K', 'V', 'P', 'W', 'B')) AS att,
       count(m.code) FILTER (WHERE m.code IN ('C1', 'M', 'J1', 'S', 'C2', 'C', 'T', 'R', 'I', 'E')) AS auth,
       count(m.code) FILTER (WHERE m.code IN ('G', 'N', 'O', 'U')) AS unauth
FROM pupils p
LEFT JOIN marks m ON m.pupil_id = p.pupil_id
     AND m.date BETWEEN greatest(p.admission_date, DATE '{first}')
                    AND least(coalesce(p.leaving_date, DATE '{last}'), DATE '{last}')
WHERE p.admission_date <= DATE '{last}' AND (p.leaving_date IS NULL OR p.leaving_date >= DATE '{first}')
GROUP BY ALL
"""
BASELINE_TOTALS = """
SELECT {keys} count(*) FILTER (WHERE att + auth + unauth > 0), sum(att), sum(auth), sum(unauth),
       count(*) FILTER (WHERE att + auth + unauth > 0 AND (auth + unauth) * 10 >= att + auth + unauth),
       count(*) FILTER (WHERE att + auth + unauth > 0 AND (auth + unauth) * 2 >= att + auth + unauth)
FROM e {group}
"""
BASELINE_PN = """
WITH w AS (SELECT school_urn, date, session, CAST(date_trunc('week', date) AS DATE) AS week
           FROM sessions WHERE date <= DATE '{as_of}'),
     weeks AS (SELECT school_urn, week, dense_rank() OVER (PARTITION BY school_urn ORDER BY week DESC) AS back
               FROM (SELECT DISTINCT school_urn, week FROM w)),
     ws AS (SELECT w.* FROM w JOIN weeks USING (school_urn, week) WHERE back <= 10),
     on_roll AS (SELECT pupil_id FROM pupils WHERE admission_date <= DATE '{as_of}'
                 AND (leaving_date IS NULL OR leaving_date >= DATE '{as_of}'))
SELECT m.pupil_id, count(*) FROM marks m JOIN ws USING (school_urn, date, session)
WHERE m.code IN ('G', 'O', 'U') AND m.pupil_id IN (SELECT pupil_id FROM on_roll)
GROUP BY m.pupil_id HAVING count(*) >= 10
"""
BASELINE_RUNS = """
WITH days AS (SELECT school_urn, date, count(*) AS n,
                     row_number() OVER (PARTITION BY school_urn ORDER BY date DESC) AS back
              FROM sessions WHERE date <= DATE '{as_of}' GROUP BY school_urn, date),
     on_roll AS (SELECT pupil_id FROM pupils WHERE admission_date <= DATE '{as_of}'
                 AND (leaving_date IS NULL OR leaving_date >= DATE '{as_of}')),
     whole AS (SELECT m.pupil_id, d.back FROM marks m JOIN days d USING (school_urn, date)
               WHERE m.code IN ('G', 'N', 'O', 'U') AND m.pupil_id IN (SELECT pupil_id FROM on_roll)
               GROUP BY m.pupil_id, d.back, d.n HAVING count(*) = d.n),
     ranked AS (SELECT pupil_id, back, row_number() OVER (PARTITION BY pupil_id ORDER BY back) AS k FROM whole)
SELECT pupil_id, count(*) FROM ranked WHERE back = k GROUP BY pupil_id HAVING count(*) >= 10
"""


def run_baseline(folder: Path, as_of: date) -> dict:
    con = duckdb.connect()
    for name in ("marks", "pupils", "sessions"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")
    con.execute(BASELINE.format(first=FIRST, last=LAST))
    la = con.execute(BASELINE_TOTALS.format(keys="", group="")).fetchone()
    schools = con.execute(
        BASELINE_TOTALS.format(keys="school_urn,", group="GROUP BY school_urn")
    ).fetchall()
    years = con.execute(
        BASELINE_TOTALS.format(keys="school_urn, year_group,", group="GROUP BY ALL")
    ).fetchall()
    pn = con.execute(BASELINE_PN.format(as_of=as_of)).fetchall()
    runs = con.execute(BASELINE_RUNS.format(as_of=as_of)).fetchall()
    pupils = con.execute("SELECT count(*) FROM e").fetchone()[0]
    return {
        "pupils": pupils,
        "la": (la[0], la[1] + la[2] + la[3], la[2] + la[3], la[4], la[5]),
        "schools": len(schools),
        "groups": len(years),
        "pn": sorted(r[0] for r in pn),
        "runs": sorted(r[0] for r in runs),
    }


def naive_setup(folder: Path, sample: int) -> tuple[duckdb.DuckDBPyConnection, list[tuple]]:
    con = duckdb.connect()
    total = con.execute(
        f"SELECT count(*) FROM read_parquet('{folder / 'pupils.parquet'}')"
    ).fetchone()[0]
    step = max(total // sample, 1)
    con.execute(
        f"CREATE TABLE pupils AS SELECT * FROM read_parquet('{folder / 'pupils.parquet'}')"
        f" WHERE pupil_id % {step} = 0 ORDER BY pupil_id LIMIT {sample}"
    )
    con.execute(
        f"CREATE TABLE marks AS SELECT * FROM read_parquet('{folder / 'marks.parquet'}')"
        " WHERE pupil_id IN (SELECT pupil_id FROM pupils) ORDER BY pupil_id, date, session"
    )
    con.execute(
        f"CREATE TABLE sessions AS SELECT * FROM read_parquet('{folder / 'sessions.parquet'}')"
    )
    pupils = con.execute(
        "SELECT school_urn, pupil_id, admission_date, leaving_date FROM pupils ORDER BY pupil_id"
    ).fetchall()
    return con, pupils


def run_naive(con, pupils, as_of: date) -> tuple[float, dict]:
    """One pupil at a time, as an ORM loop over `Pupil.objects` would: fetch, then pure rules."""
    started = time.perf_counter()
    calendars: dict[str, tuple] = {}
    tallies, pn, runs = {}, [], []
    for urn, pid, admission, leaving in pupils:
        if urn not in calendars:  # one calendar per school, cached as a service would
            calendars[urn] = tuple(
                (d, Session(s))
                for d, s in con.execute(
                    "SELECT date, session FROM sessions WHERE school_urn = ? ORDER BY date, session",
                    [urn],
                ).fetchall()
            )
        rows = con.execute(
            "SELECT date, session, code FROM marks WHERE pupil_id = ?", [pid]
        ).fetchall()
        tallies[pid] = enrolment_tally(
            [(d, c) for d, _, c in rows],
            period_start=FIRST,
            period_end=LAST,
            admission=admission,
            leaving=leaving,
        )
        if admission <= as_of and (leaving is None or leaving >= as_of):
            marks = {(d, Session(s)): c for d, s, c in rows}
            if statutory.penalty_notice_threshold(marks, calendars[urn], as_of):
                pn.append(pid)
            if statutory.continuous_unauthorised_absence(marks, calendars[urn], as_of):
                runs.append(pid)
    total = summarise(tallies.values())
    took = time.perf_counter() - started
    return took, {"tallies": tallies, "pn": pn, "runs": runs, "summary": total}


def best(fn, repeat: int) -> tuple[float, dict]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=150_000)
    parser.add_argument("--per-school", type=int, default=420)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 3, 20))
    parser.add_argument("--data", type=Path, help="reuse (or keep) the generated snapshot here")
    opts = parser.parse_args()
    print("$ .venv/bin/python bench/la_scale.py", shlex.join(sys.argv[1:]))
    print(f"DuckDB {duckdb.__version__}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.data or Path(tmp)
        if not (folder / "marks.parquet").exists():
            info = generate(folder, opts.pupils, opts.per_school, opts.seed)
        marks = duckdb.execute(
            f"SELECT count(*) FROM read_parquet('{folder / 'marks.parquet'}')"
        ).fetchone()[0]
        pupils = duckdb.execute(
            f"SELECT count(*) FROM read_parquet('{folder / 'pupils.parquet'}')"
        ).fetchone()[0]
        size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 1e6
        print(f"snapshot: {pupils:,} pupils, {marks:,} marks, {size:.1f} MB of Parquet (zstd)")
        if opts.data is None:
            print(f"  generated in {info['seconds']:.1f} s")

        baseline_time, baseline = best(lambda: run_baseline(folder, opts.as_of), opts.repeat)
        engine_time, engine = best(lambda: run_engine(folder, opts.as_of), opts.repeat)
        con, sample = naive_setup(folder, opts.sample)
        naive_sample, naive = run_naive(con, sample, opts.as_of)
        got = {e.pupil_id: e.tally for e in Engine.from_parquet(folder).enrolments(FIRST, LAST)}

    naive_time = naive_sample * pupils / len(sample)
    agree = engine == baseline
    agree = agree and all(got[pid] == t for pid, t in naive["tallies"].items())
    sampled = set(naive["tallies"])
    agree = agree and set(naive["pn"]) == {p for p in engine["pn"] if p in sampled}
    agree = agree and set(naive["runs"]) == {p for p in engine["runs"] if p in sampled}
    la = engine["la"]
    print(
        f"LA totals: {la[0]:,} enrolments, overall absence {100 * la[2] / la[1]:.2f} %, "
        f"PA {100 * la[3] / la[0]:.2f} %, SA {100 * la[4] / la[0]:.2f} %; "
        f"{engine['schools']} schools, {engine['groups']} school x year groups; "
        f"as of {opts.as_of}: {len(engine['pn'])} at the PN threshold, "
        f"{len(engine['runs'])} with 10+ days' continuous unauthorised absence"
    )
    print(f"  Rollbook engine            {engine_time:8.2f} s  (best of {opts.repeat})")
    print(f"  hand-written DuckDB SQL    {baseline_time:8.2f} s  (best of {opts.repeat})")
    print(
        f"  naive per-pupil loop       {naive_time:8.2f} s  (extrapolated: {naive_sample:.2f} s "
        f"for {len(sample)} pupils x {pupils / len(sample):.0f})"
    )
    ratio = engine_time / baseline_time
    speedup = naive_time / engine_time
    print(
        f"  engine / hand-written SQL  {ratio:8.2f}   target <= 1.5   {'met' if ratio <= 1.5 else 'MISSED'}"
    )
    print(
        f"  naive loop / engine        {speedup:8.1f}x  target >= 20x  {'met' if speedup >= 20 else 'MISSED'}"
    )
    print(
        f"  results agree (engine = SQL baseline = pure rules on the sample): {'yes' if agree else 'NO'}"
    )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
