"""Deterministic synthetic attendance data at trust / LA scale, written straight to Parquet.

    .venv/bin/python bench/generate.py PATH [--pupils 150000] [--per-school 420] [--seed 1]

Writes `marks.parquet`, `pupils.parquet` and `sessions.parquet` (the snapshot layout of
`rollbook export parquet`, read by `rollbook.analytics.engine`) for one school year (2025/26,
190 school days) of `--pupils` pupils in schools of `--per-school`. All randomness is a hash of
(seed, pupil, day, purpose) computed inside DuckDB, so the same arguments give the same data.

The distributions follow the demo school (`rollbook/demo/attendance.py`): illness episodes of
1-3 days, about one pupil in six (more among pupil-premium pupils) ill five to ten times as
often as the rest; truanting households (O days); term-time holidays (G) next to the breaks;
a few long O runs (children missing education); lateness (L, a few U); medical appointments
(M), trips (V), unresolved N; some pupils join or leave mid-year. Overall absence comes out
near 5 % and persistent absence near 14 %, like English primaries in 2023/24.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rollbook.core.calendar import SchoolCalendar, TermDates  # noqa: E402

TERMS = (
    ("Autumn 1", "2025-09-03", "2025-10-24"),
    ("Autumn 2", "2025-11-03", "2025-12-19"),
    ("Spring 1", "2026-01-05", "2026-02-13"),
    ("Spring 2", "2026-02-23", "2026-03-27"),
    ("Summer 1", "2026-04-13", "2026-05-22"),
    ("Summer 2", "2026-06-01", "2026-07-22"),
)
FIRST_URN = 200000

# Rates per school day (whole-day events) or per session; tuned so a year lands near the
# national primary figures (overall 5.5 %, authorised 3.9 %, unauthorised 1.6 %, PA 14.6 %).
ILLNESS_START = 0.009  # chance an ordinary pupil starts an illness episode on a school day
FRAIL_SHARE = (0.14, 0.32)  # without / with pupil premium
FRAIL_FACTOR = (5.0, 10.0)
SEVERE_SHARE, SEVERE_FACTOR = 0.008, 40.0  # school avoidance / long-term illness
PUPIL_PREMIUM = 0.25
TRUANT_SHARE = (0.12, 0.5)  # households (here: pupils) who keep children off without reason
TRUANT_RATE = (0.004, 0.03)
HOLIDAY_SHARE = 0.3  # take 3-5 days of unauthorised holiday next to a break
LONG_RUN_SHARE = 0.003  # an O run of 10-25 school days
JOIN_LATE, LEAVE_EARLY = 0.05, 0.04


def calendar() -> SchoolCalendar:
    return SchoolCalendar(
        tuple(TermDates(n, date.fromisoformat(s), date.fromisoformat(e)) for n, s, e in TERMS)
    )


def generate(folder: Path, pupils: int, per_school: int, seed: int, *, quiet=False) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    cal = calendar()
    days = cal.school_days()
    term_starts = [
        days.index(min(d for d in days if d >= date.fromisoformat(s))) for _, s, _ in TERMS[1:]
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE days (day_idx INTEGER, date DATE)")
    con.execute(
        "INSERT INTO days VALUES " + ", ".join("(?, ?)" for _ in days),
        [v for i, d in enumerate(days) for v in (i, d)],
    )
    n_days = len(days)
    schools = -(-pupils // per_school)

    def u(*parts: str) -> str:
        """A uniform number in [0, 1) from a hash of the seed and `parts`."""
        return f"((hash({seed}, {', '.join(parts)}) % 1000003) / 1000003.0)"

    con.execute(
        f"""
        CREATE TABLE p AS
        WITH base AS (
            SELECT range AS pupil_id,
                   CAST({FIRST_URN} + range // {per_school} AS VARCHAR) AS school_urn,
                   (range % {per_school}) * 7 // {per_school} AS year_no,
                   {u("range", "'pp'")} < {PUPIL_PREMIUM} AS pupil_premium,
                   {u("range", "'frail'")} AS u_frail,
                   {u("range", "'truant'")} AS u_truant,
                   {u("range", "'join'")} AS u_join,
                   {u("range", "'leave'")} AS u_leave
            FROM range({pupils})
        )
        SELECT *,
            CASE WHEN u_join < {JOIN_LATE} THEN CAST(floor({u("pupil_id", "'jday'")} * {n_days}) AS INT)
                 ELSE 0 END AS first_idx,
            CASE WHEN u_leave < {LEAVE_EARLY} THEN CAST(floor({u("pupil_id", "'lday'")} * {n_days}) AS INT)
                 ELSE {n_days - 1} END AS last_raw,
            {ILLNESS_START} * (0.5 + {u("pupil_id", "'spread'")}) *
              CASE WHEN u_frail < {SEVERE_SHARE} THEN {SEVERE_FACTOR}
                   WHEN u_frail < (CASE WHEN pupil_premium THEN {FRAIL_SHARE[1]} ELSE {FRAIL_SHARE[0]} END)
                   THEN {FRAIL_FACTOR[0]} + {u("pupil_id", "'ff'")} * {FRAIL_FACTOR[1] - FRAIL_FACTOR[0]}
                   ELSE 1 END AS ill_rate,
            CASE WHEN u_truant < (CASE WHEN pupil_premium THEN {TRUANT_SHARE[1]} ELSE {TRUANT_SHARE[0]} END)
                 THEN {TRUANT_RATE[0]} + {u("pupil_id", "'tr'")} * {TRUANT_RATE[1] - TRUANT_RATE[0]}
                 ELSE 0.0015 END AS truant_rate,
            CASE WHEN {u("pupil_id", "'hol'")} < {HOLIDAY_SHARE}
                 THEN {term_starts}[1 + CAST(floor({u("pupil_id", "'hb'")} * {len(term_starts)}) AS INT)]
                 END AS holiday_idx,
            3 + CAST(floor({u("pupil_id", "'hl'")} * 3) AS INT) AS holiday_len,
            CASE WHEN {u("pupil_id", "'run'")} < {LONG_RUN_SHARE}
                 THEN CAST(floor({u("pupil_id", "'rs'")} * {n_days}) AS INT) END AS run_idx,
            10 + CAST(floor({u("pupil_id", "'rl'")} * 16) AS INT) AS run_len
        FROM base
        """
    )
    con.execute("CREATE TABLE pp AS SELECT *, greatest(first_idx, last_raw) AS last_idx FROM p")
    con.execute(
        f"""
        COPY (
            SELECT p.school_urn, 'SYN' || lpad(CAST(p.pupil_id AS VARCHAR), 10, '0') AS upn,
                   p.pupil_id,
                   CASE WHEN p.first_idx = 0 THEN DATE '2025-09-01' ELSE a.date END AS admission_date,
                   CASE WHEN p.last_idx < {n_days - 1} THEN l.date END AS leaving_date,
                   CASE WHEN year_no = 0 THEN 'R' ELSE CAST(year_no AS VARCHAR) END AS year_group,
                   (CASE WHEN year_no = 0 THEN 'R' ELSE CAST(year_no AS VARCHAR) END)
                     || (CASE WHEN pupil_id % 2 = 0 THEN 'A' ELSE 'B' END) AS class_name,
                   DATE '2020-01-15' - INTERVAL (year_no) YEAR AS date_of_birth,
                   'U' AS gender, p.pupil_premium, p.pupil_premium AS fsm, 'N' AS sen_status,
                   false AS eal, false AS cla, false AS cin, false AS cp_plan
            FROM pp p JOIN days a ON a.day_idx = p.first_idx JOIN days l ON l.day_idx = p.last_idx
            ORDER BY p.pupil_id
        ) TO '{folder / "pupils.parquet"}' (FORMAT parquet, COMPRESSION zstd)
        """
    )
    con.execute(
        f"""
        COPY (
            SELECT CAST({FIRST_URN} + s AS VARCHAR) AS school_urn, d.date, x.session
            FROM range({schools}) t(s), days d, (VALUES ('AM'), ('PM')) x(session)
            ORDER BY school_urn, d.date, x.session
        ) TO '{folder / "sessions.parquet"}' (FORMAT parquet, COMPRESSION zstd)
        """
    )
    ill = " OR ".join(
        f"({u('p.pupil_id', f'd.day_idx - {j}', "'is'")} < p.ill_rate"
        f" AND 1 + floor({u('p.pupil_id', f'd.day_idx - {j}', "'il'")} * 3) > {j})"
        for j in range(3)
    )
    started = time.perf_counter()
    con.execute(
        f"""
        COPY (
            SELECT p.school_urn, 'SYN' || lpad(CAST(p.pupil_id AS VARCHAR), 10, '0') AS upn,
                   p.pupil_id, d.date, x.session,
              CASE
                WHEN d.day_idx >= p.run_idx AND d.day_idx < p.run_idx + p.run_len THEN 'O'
                WHEN d.day_idx >= p.holiday_idx AND d.day_idx < p.holiday_idx + p.holiday_len THEN 'G'
                WHEN {ill} THEN 'I'
                WHEN {u("p.pupil_id", "d.day_idx", "'o'")} < p.truant_rate THEN 'O'
                ELSE CASE
                  WHEN {u("p.pupil_id", "d.day_idx", "x.session")} < 0.0016 THEN 'M'
                  WHEN {u("p.pupil_id", "d.day_idx", "x.session")} < 0.0026 THEN 'N'
                  WHEN {u("p.pupil_id", "d.day_idx", "x.session")} < 0.0036 THEN 'V'
                  WHEN x.session = 'AM' AND {u("p.pupil_id", "d.day_idx", "x.session")} < 0.0046 THEN 'U'
                  WHEN x.session = 'AM' AND {u("p.pupil_id", "d.day_idx", "x.session")} < 0.0126 THEN 'L'
                  WHEN x.session = 'AM' THEN '/'
                  ELSE '\\'
                END
              END AS code
            FROM pp p
            JOIN days d ON d.day_idx BETWEEN p.first_idx AND p.last_idx
            CROSS JOIN (VALUES ('AM'), ('PM')) x(session)
        ) TO '{folder / "marks.parquet"}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
        """
    )
    took = time.perf_counter() - started
    marks = con.execute(
        f"SELECT count(*) FROM read_parquet('{folder / 'marks.parquet'}')"
    ).fetchone()[0]
    info = {
        "pupils": pupils,
        "schools": schools,
        "school_days": n_days,
        "marks": marks,
        "seconds": took,
    }
    if not quiet:
        print(
            f"generated {marks:,} marks for {pupils:,} pupils in {schools} schools "
            f"({n_days} school days) in {took:.1f} s -> {folder}"
        )
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--pupils", type=int, default=150_000)
    parser.add_argument("--per-school", type=int, default=420)
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    generate(opts.path, opts.pupils, opts.per_school, opts.seed)


if __name__ == "__main__":
    main()
