"""DfE attendance statistics and statutory monitoring in DuckDB, for trust and LA scale.

The same numbers as the pure rules (`rollbook.registers.rules`, `rollbook.policy.statutory`),
computed for every enrolment at once over a snapshot: Parquet files written by
`rollbook export parquet` (or `bench/generate.py`), or tables already in a DuckDB connection.

A snapshot has three relations:

- marks    (school_urn, upn, pupil_id, date, session, code)
- pupils   (school_urn, upn, pupil_id, admission_date, leaving_date, year_group, ...flags)
- sessions (school_urn, date, session): the school sessions of each school's calendar

A pupil row is an enrolment (one school). A code's statistical meaning is looked up for the
mark's date in a table generated from `rollbook.registers.codes.CODES`, so a withdrawn code
keeps its historic meaning (old `J` was attendance) and no code list is typed here. A mark
whose code was not valid on its date makes the query fail, as `stat_of` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb

from rollbook.policy.statutory import PN_CODES, UNAUTHORISED
from rollbook.registers.codes import CODES, Stat
from rollbook.registers.rules import (
    PA_DENOMINATOR,
    PA_NUMERATOR,
    SA_DENOMINATOR,
    SA_NUMERATOR,
    Summary,
    Tally,
)

FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(9999, 12, 31)
SNAPSHOT_FILES = ("marks", "pupils", "sessions")


class InvalidCodes(ValueError):
    """Some marks carry a code that was not valid on their date."""


def code_rows() -> list[tuple[str, date, date, str]]:
    """(code, valid_from, valid_to, stat) for every version of every code, from CODES."""
    return [
        (c.code, c.valid_from or FAR_PAST, c.valid_to or FAR_FUTURE, c.stat.value) for c in CODES
    ]


@dataclass(frozen=True)
class EnrolmentStats:
    school_urn: str
    pupil_id: int
    upn: str
    year_group: str
    tally: Tally
    attendance_rate: float | None
    overall_absence_rate: float | None
    authorised_absence_rate: float | None
    unauthorised_absence_rate: float | None
    persistent_absence: bool
    severe_absence: bool


@dataclass(frozen=True)
class GroupSummary:
    group: tuple
    summary: Summary


@dataclass(frozen=True)
class ThresholdHit:
    """Penalty-notice threshold reached: `count` sessions in the window; met at the Nth."""

    school_urn: str
    pupil_id: int
    count: int
    met_on: tuple[date, str]


@dataclass(frozen=True)
class ContinuousRun:
    school_urn: str
    pupil_id: int
    days: int
    since: date
    met_on: date


def _literal(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def _codes_list(codes: Iterable[str]) -> str:
    # Single quotes are doubled; a backslash is an ordinary character in a SQL literal.
    return ", ".join("'" + c.replace("'", "''") + "'" for c in sorted(codes))


class Engine:
    """Statistics over one snapshot in one DuckDB connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        marks: str = "marks",
        pupils: str = "pupils",
        sessions: str = "sessions",
    ):
        self.con = con
        self.marks, self.pupils, self.sessions = marks, pupils, sessions
        con.execute(
            "CREATE OR REPLACE TEMP TABLE code_stat"
            " (code VARCHAR, valid_from DATE, valid_to DATE, stat VARCHAR)"
        )
        con.executemany("INSERT INTO code_stat VALUES (?, ?, ?, ?)", code_rows())

    @classmethod
    def from_parquet(cls, folder: str | Path, con: duckdb.DuckDBPyConnection | None = None):
        """Views over `marks.parquet`, `pupils.parquet`, `sessions.parquet` in `folder`."""
        con = con or duckdb.connect()
        for name in SNAPSHOT_FILES:
            path = str(Path(folder) / f"{name}.parquet").replace("'", "''")
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return cls(con)

    # -- statistics -------------------------------------------------------------------------

    def enrolment_sql(self, first: date, last: date) -> str:
        """One row per enrolment on roll at some time in [first, last], with its counts.

        Marks count from max(first, admission) to min(last, leaving), both inclusive.
        """
        f, t = _literal(first), _literal(last)
        a, au, un, np_ = (s.value for s in Stat)
        return f"""
        WITH enrol AS (
            SELECT school_urn, pupil_id, upn, year_group,
                   greatest(admission_date, {f}) AS first_day,
                   least(coalesce(leaving_date, {t}), {t}) AS last_day
            FROM {self.pupils}
            WHERE admission_date <= {t} AND (leaving_date IS NULL OR leaving_date >= {f})
        ),
        counted AS (
            SELECT m.pupil_id,
                   count(*) FILTER (WHERE c.stat = '{a}') AS attended,
                   count(*) FILTER (WHERE c.stat = '{au}') AS authorised,
                   count(*) FILTER (WHERE c.stat = '{un}') AS unauthorised,
                   count(*) FILTER (WHERE c.stat = '{np_}') AS not_possible,
                   count(*) FILTER (WHERE c.stat IS NULL) AS invalid
            FROM {self.marks} m
            JOIN enrol e ON e.pupil_id = m.pupil_id
            LEFT JOIN code_stat c
              ON c.code = m.code AND m.date BETWEEN c.valid_from AND c.valid_to
            WHERE m.date BETWEEN e.first_day AND e.last_day
            GROUP BY m.pupil_id
        )
        SELECT e.school_urn, e.pupil_id, e.upn, e.year_group,
               coalesce(attended, 0) AS attended,
               coalesce(authorised, 0) AS authorised,
               coalesce(unauthorised, 0) AS unauthorised,
               coalesce(not_possible, 0) AS not_possible,
               coalesce(invalid, 0) AS invalid
        FROM enrol e LEFT JOIN counted USING (pupil_id)
        """

    def materialise(self, first: date, last: date, table: str = "enrolment_stats") -> str:
        """Compute every enrolment's counts, rates and PA/SA flags into a temp table."""
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            WITH t AS ({self.enrolment_sql(first, last)}),
            p AS (SELECT *, attended + authorised + unauthorised AS possible,
                            authorised + unauthorised AS absent FROM t)
            SELECT *,
                   CASE WHEN possible > 0 THEN 100.0 * attended / possible END AS attendance_rate,
                   CASE WHEN possible > 0 THEN 100.0 * absent / possible END
                        AS overall_absence_rate,
                   CASE WHEN possible > 0 THEN 100.0 * authorised / possible END
                        AS authorised_absence_rate,
                   CASE WHEN possible > 0 THEN 100.0 * unauthorised / possible END
                        AS unauthorised_absence_rate,
                   possible > 0 AND absent * {PA_DENOMINATOR} >= possible * {PA_NUMERATOR}
                        AS persistent_absence,
                   possible > 0 AND absent * {SA_DENOMINATOR} >= possible * {SA_NUMERATOR}
                        AS severe_absence
            FROM p
            """
        )
        bad = self.con.execute(f"SELECT sum(invalid) FROM {table}").fetchone()[0]
        if bad:
            raise InvalidCodes(f"{bad} marks have a code that was not valid on their date")
        return table

    def enrolments(self, first: date, last: date) -> list[EnrolmentStats]:
        table = self.materialise(first, last)
        rows = self.con.execute(
            f"""SELECT school_urn, pupil_id, upn, year_group,
                       attended, authorised, unauthorised, not_possible,
                       attendance_rate, overall_absence_rate, authorised_absence_rate,
                       unauthorised_absence_rate, persistent_absence, severe_absence
                FROM {table} ORDER BY school_urn, pupil_id"""
        ).fetchall()
        return [EnrolmentStats(r[0], r[1], r[2], r[3], Tally(*r[4:8]), *r[8:14]) for r in rows]

    def totals(
        self, first: date, last: date, by: tuple[str, ...] = (), *, table: str | None = None
    ) -> list[GroupSummary]:
        """Sums over enrolments (as `summarise`), overall or grouped by enrolment columns
        such as ("school_urn",) or ("school_urn", "year_group")."""
        table = table or self.materialise(first, last)
        keys = ", ".join(by)
        rows = self.con.execute(
            f"""SELECT {keys + "," if by else ""}
                       count(*) FILTER (WHERE possible > 0),
                       coalesce(sum(attended), 0), coalesce(sum(authorised), 0),
                       coalesce(sum(unauthorised), 0), coalesce(sum(not_possible), 0),
                       count(*) FILTER (WHERE persistent_absence),
                       count(*) FILTER (WHERE severe_absence)
                FROM {table}
                {"GROUP BY " + keys + " ORDER BY " + keys if by else ""}"""
        ).fetchall()
        n = len(by)
        return [
            GroupSummary(
                tuple(r[:n]),
                Summary(
                    enrolments=r[n],
                    tally=Tally(*(int(x) for x in r[n + 1 : n + 5])),
                    persistent_absentees=r[n + 5],
                    severe_absentees=r[n + 6],
                ),
            )
            for r in rows
        ]

    def summary(self, first: date, last: date) -> Summary:
        return self.totals(first, last)[0].summary

    # -- statutory monitoring ---------------------------------------------------------------

    def _on_roll(self, as_of: date) -> str:
        d = _literal(as_of)
        return (
            f"SELECT pupil_id FROM {self.pupils} WHERE admission_date <= {d}"
            f" AND (leaving_date IS NULL OR leaving_date >= {d})"
        )

    def penalty_notice_sql(
        self, as_of: date, *, sessions: int = 10, weeks: int = 10, codes=PN_CODES
    ) -> str:
        """Pupils on roll on `as_of` with `sessions`+ sessions coded `codes` within the last
        `weeks` school weeks (ISO weeks with a school session; holidays vanish), as
        `statutory.penalty_notice_threshold` decides for one pupil."""
        d = _literal(as_of)
        return f"""
        WITH s AS (
            SELECT school_urn, date, session, CAST(date_trunc('week', date) AS DATE) AS week
            FROM {self.sessions}
        ),
        wk AS (
            SELECT school_urn, week, row_number() OVER (PARTITION BY school_urn ORDER BY week) AS i
            FROM (SELECT DISTINCT school_urn, week FROM s)
        ),
        last_week AS (
            SELECT wk.school_urn, wk.i AS last_i
            FROM (SELECT school_urn, CAST(date_trunc('week', max(date)) AS DATE) AS week
                  FROM s WHERE date <= {d} GROUP BY school_urn) l
            JOIN wk USING (school_urn, week)
        ),
        window_sessions AS (
            SELECT s.school_urn, s.date, s.session
            FROM s JOIN wk USING (school_urn, week) JOIN last_week USING (school_urn)
            WHERE s.date <= {d} AND wk.i > last_i - {int(weeks)}
        ),
        hits AS (
            SELECT m.school_urn, m.pupil_id, m.date, m.session,
                   row_number() OVER (PARTITION BY m.pupil_id ORDER BY m.date, m.session) AS n
            FROM {self.marks} m
            JOIN window_sessions w USING (school_urn, date, session)
            WHERE m.code IN ({_codes_list(codes)})
              AND m.pupil_id IN ({self._on_roll(as_of)})
        )
        SELECT school_urn, pupil_id, max(n) AS count,
               max(date) FILTER (WHERE n = {int(sessions)}) AS met_date,
               max(session) FILTER (WHERE n = {int(sessions)}) AS met_session
        FROM hits GROUP BY school_urn, pupil_id HAVING max(n) >= {int(sessions)}
        """

    def penalty_notice_threshold(self, as_of: date, **kw) -> list[ThresholdHit]:
        rows = self.con.execute(
            self.penalty_notice_sql(as_of, **kw) + " ORDER BY school_urn, pupil_id"
        ).fetchall()
        return [ThresholdHit(r[0], r[1], r[2], (r[3], r[4])) for r in rows]

    def continuous_absence_sql(self, as_of: date, *, days: int = 10, codes=UNAUTHORISED) -> str:
        """Pupils on roll on `as_of` whose latest run of whole school days, ending on the last
        school day on or before `as_of`, with every session coded `codes`, is `days`+ long
        (as `statutory.continuous_unauthorised_absence`)."""
        d = _literal(as_of)
        return f"""
        WITH day_sessions AS (
            SELECT school_urn, date, count(*) AS sessions
            FROM {self.sessions} WHERE date <= {d} GROUP BY school_urn, date
        ),
        school_days AS (
            SELECT *, row_number() OVER (PARTITION BY school_urn ORDER BY date DESC) AS back
            FROM day_sessions
        ),
        whole_days AS (
            SELECT m.school_urn, m.pupil_id, m.date, any_value(sd.back) AS back
            FROM {self.marks} m
            JOIN {self.sessions} s USING (school_urn, date, session)
            JOIN school_days sd USING (school_urn, date)
            WHERE m.date <= {d} AND m.code IN ({_codes_list(codes)})
              AND m.pupil_id IN ({self._on_roll(as_of)})
            GROUP BY m.school_urn, m.pupil_id, m.date
            HAVING count(*) = any_value(sd.sessions)
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY pupil_id ORDER BY back) AS k
            FROM whole_days
        ),
        runs AS (
            SELECT school_urn, pupil_id, count(*) AS days,
                   min(date) AS since, list(date ORDER BY date) AS run
            FROM ranked WHERE back = k GROUP BY school_urn, pupil_id
        )
        SELECT school_urn, pupil_id, days, since, run[{int(days)}] AS met_on
        FROM runs WHERE days >= {int(days)}
        """

    def continuous_absence(self, as_of: date, **kw) -> list[ContinuousRun]:
        rows = self.con.execute(
            self.continuous_absence_sql(as_of, **kw) + " ORDER BY school_urn, pupil_id"
        ).fetchall()
        return [ContinuousRun(*r) for r in rows]


def exact(rate: float | None, fraction: Fraction | None) -> bool:
    """Does an engine rate (a double) equal the pure rules' exact rate, correctly rounded?"""
    return (rate is None and fraction is None) or (
        rate is not None and fraction is not None and rate == float(fraction)
    )


# -- building a snapshot from plain rows (tests, small exports) ------------------------------

MARKS_SCHEMA = (
    "school_urn VARCHAR, upn VARCHAR, pupil_id BIGINT, date DATE, session VARCHAR, code VARCHAR"
)
PUPILS_SCHEMA = (
    "school_urn VARCHAR, upn VARCHAR, pupil_id BIGINT, admission_date DATE, leaving_date DATE,"
    " year_group VARCHAR, class_name VARCHAR, date_of_birth DATE, gender VARCHAR,"
    " pupil_premium BOOLEAN, fsm BOOLEAN, sen_status VARCHAR, eal BOOLEAN, cla BOOLEAN,"
    " cin BOOLEAN, cp_plan BOOLEAN"
)
SESSIONS_SCHEMA = "school_urn VARCHAR, date DATE, session VARCHAR"
SCHEMAS = {"marks": MARKS_SCHEMA, "pupils": PUPILS_SCHEMA, "sessions": SESSIONS_SCHEMA}


def create_tables(con: duckdb.DuckDBPyConnection, **rows: Iterable[tuple]) -> None:
    """Tables `marks`, `pupils`, `sessions` with the snapshot schema, filled from row tuples
    (pupils rows may stop after year_group; the remaining columns are then NULL)."""
    for name, schema in SCHEMAS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} ({schema})")
        data = list(rows.get(name, ()))
        if data:
            width = len(data[0])
            columns = ", ".join(c.split()[0] for c in schema.split(",")[:width])
            row = "(" + ", ".join("?" * width) + ")"
            for i in range(0, len(data), 1000):  # multi-row VALUES: far faster than executemany
                chunk = data[i : i + 1000]
                con.execute(
                    f"INSERT INTO {name} ({columns}) VALUES " + ", ".join([row] * len(chunk)),
                    [v for r in chunk for v in r],
                )


def write_parquet(con: duckdb.DuckDBPyConnection, folder: str | Path) -> None:
    """Write the connection's `marks`, `pupils`, `sessions` to Parquet files in `folder`."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name in SNAPSHOT_FILES:
        path = str(Path(folder) / f"{name}.parquet").replace("'", "''")
        con.execute(f"COPY {name} TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
