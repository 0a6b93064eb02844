"""The analytics engine's statistics and statutory monitoring on Apache Spark: the national path.

The same questions as `rollbook.analytics.engine` (DuckDB, one machine), asked of the same
snapshot layout with the same answers, for data too big for one machine: every school in
England is about 4.5 M pupils and a billion marks a year. The SQL mirrors the DuckDB engine
statement by statement (only dialect differs: `trunc(date, 'week')` for `date_trunc`,
`sort_array(collect_list(...))` for `list(... ORDER BY ...)`, `max` for `any_value`), and
the results come back as the engine's own dataclasses, so callers can swap one for the other.

Snapshot: `marks.parquet`, `pupils.parquet`, `sessions.parquet` under one folder (local path,
`hdfs://`, `s3a://`, ...). Each may be a single file, as `rollbook export parquet` writes, or a
directory of files partitioned Hive-style (`marks.parquet/school_urn=100001/...`,
`.../academic_year=2025/...`), which is what a cluster wants. Columns are read with an
explicit schema, so a partition column such as `school_urn` stays a string (URNs are codes,
not numbers) and extra partition columns are ignored.

On one laptop: `session()` starts local Spark on every core. On a cluster, the same code with
a different master (`session("spark://host:7077")`, `yarn`, `k8s://...`) or through
`spark-submit`, which sets the master itself (pass `master=None`).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from rollbook.analytics.engine import (
    ContinuousRun,
    EnrolmentStats,
    GroupSummary,
    InvalidCodes,
    ThresholdHit,
    _codes_list,
    _literal,
    code_rows,
)
from rollbook.policy.statutory import PN_CODES, UNAUTHORISED
from rollbook.registers.codes import Stat
from rollbook.registers.rules import (
    PA_DENOMINATOR,
    PA_NUMERATOR,
    SA_DENOMINATOR,
    SA_NUMERATOR,
    Summary,
    Tally,
)

SNAPSHOT_FILES = ("marks", "pupils", "sessions")
# Only the columns the queries read (Parquet reads just these); DDL as Spark's reader takes it.
SCHEMAS = {
    "marks": "school_urn STRING, upn STRING, pupil_id BIGINT, date DATE, session STRING,"
    " code STRING",
    "pupils": "school_urn STRING, upn STRING, pupil_id BIGINT, admission_date DATE,"
    " leaving_date DATE, year_group STRING",
    "sessions": "school_urn STRING, date DATE, session STRING",
}


def session(master: str | None = "local[*]", *, app_name: str = "rollbook-analytics", **conf):
    """A SparkSession with settings that suit these queries; `conf` adds or overrides any
    (e.g. `**{"spark.sql.shuffle.partitions": "1"}` for tiny data). `master=None` leaves the
    master to `spark-submit`."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    settings = {
        # Dates are calendar dates: no time zone may shift them.
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
    }
    if master and master.startswith("local"):
        # One machine: a few shuffle partitions per core, not the cluster default of 200.
        settings["spark.sql.shuffle.partitions"] = str(2 * (os.cpu_count() or 1))
    settings |= conf
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    """Statistics over one snapshot in one SparkSession (temp views `marks`, `pupils`,
    `sessions` and `code_stat`; several engines in one session should use distinct `prefix`es).
    """

    def __init__(self, spark, *, marks, pupils, sessions, prefix: str = ""):
        """`marks`, `pupils`, `sessions`: DataFrames with (at least) the snapshot columns."""
        from pyspark.sql.types import DateType, StringType, StructField, StructType

        self.spark = spark
        self.marks, self.pupils, self.sessions = (f"{prefix}{n}" for n in SNAPSHOT_FILES)
        self.code_stat = f"{prefix}code_stat"
        marks.createOrReplaceTempView(self.marks)
        pupils.createOrReplaceTempView(self.pupils)
        sessions.createOrReplaceTempView(self.sessions)
        schema = StructType(
            [
                StructField("code", StringType(), False),
                StructField("valid_from", DateType(), False),
                StructField("valid_to", DateType(), False),
                StructField("stat", StringType(), False),
            ]
        )
        # ~40 rows: Spark broadcasts it to every executor.
        spark.createDataFrame(code_rows(), schema).createOrReplaceTempView(self.code_stat)

    @classmethod
    def from_parquet(cls, spark, folder: str | Path, *, prefix: str = "") -> SparkEngine:
        """The snapshot in `folder` (files or Hive-partitioned directories; any Hadoop URI)."""
        base = str(folder).rstrip("/")
        frames = {
            name: spark.read.schema(SCHEMAS[name]).parquet(f"{base}/{name}.parquet")
            for name in SNAPSHOT_FILES
        }
        return cls(spark, prefix=prefix, **frames)

    def sql(self, query: str):
        return self.spark.sql(query)

    # -- statistics -------------------------------------------------------------------------

    def enrolment_sql(self, first: date, last: date) -> str:
        """One row per enrolment on roll at some time in [first, last], with its counts
        (as `Engine.enrolment_sql`)."""
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
            LEFT JOIN {self.code_stat} c
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

    def materialise(self, first: date, last: date, table: str | None = None) -> str:
        """Every enrolment's counts, rates and PA/SA flags as a cached temp view.

        Rates divide exact integers as doubles (IEEE division is correctly rounded), so they
        equal `float(Fraction(100 * part, possible))` like the DuckDB engine's; a decimal
        literal would make Spark compute in DECIMAL and round differently.
        """
        table = table or f"{self.marks}_enrolment_stats"
        frame = self.sql(
            f"""
            WITH t AS ({self.enrolment_sql(first, last)}),
            p AS (SELECT *, attended + authorised + unauthorised AS possible,
                            authorised + unauthorised AS absent FROM t)
            SELECT *,
                   CASE WHEN possible > 0 THEN CAST(100 * attended AS DOUBLE) / possible END
                        AS attendance_rate,
                   CASE WHEN possible > 0 THEN CAST(100 * absent AS DOUBLE) / possible END
                        AS overall_absence_rate,
                   CASE WHEN possible > 0 THEN CAST(100 * authorised AS DOUBLE) / possible END
                        AS authorised_absence_rate,
                   CASE WHEN possible > 0 THEN CAST(100 * unauthorised AS DOUBLE) / possible END
                        AS unauthorised_absence_rate,
                   possible > 0 AND absent * {PA_DENOMINATOR} >= possible * {PA_NUMERATOR}
                        AS persistent_absence,
                   possible > 0 AND absent * {SA_DENOMINATOR} >= possible * {SA_NUMERATOR}
                        AS severe_absence
            FROM p
            """
        ).cache()  # read by the check below and by every `totals` grouping
        frame.createOrReplaceTempView(table)
        bad = self.sql(f"SELECT sum(invalid) FROM {table}").first()[0]
        if bad:
            raise InvalidCodes(f"{bad} marks have a code that was not valid on their date")
        return table

    def enrolments(
        self, first: date, last: date, *, table: str | None = None
    ) -> list[EnrolmentStats]:
        """Every enrolment's statistics (`table`: one `materialise` already made for them)."""
        table = table or self.materialise(first, last)
        rows = self.sql(
            f"""SELECT school_urn, pupil_id, upn, year_group,
                       attended, authorised, unauthorised, not_possible,
                       attendance_rate, overall_absence_rate, authorised_absence_rate,
                       unauthorised_absence_rate, persistent_absence, severe_absence
                FROM {table} ORDER BY school_urn, pupil_id"""
        ).collect()
        return [
            EnrolmentStats(r[0], r[1], r[2], r[3], Tally(*(int(x) for x in r[4:8])), *r[8:14])
            for r in rows
        ]

    def totals(
        self, first: date, last: date, by: tuple[str, ...] = (), *, table: str | None = None
    ) -> list[GroupSummary]:
        """Sums over enrolments, overall or grouped by enrolment columns (as `Engine.totals`)."""
        table = table or self.materialise(first, last)
        keys = ", ".join(by)
        rows = self.sql(
            f"""SELECT {keys + "," if by else ""}
                       count(*) FILTER (WHERE possible > 0),
                       coalesce(sum(attended), 0), coalesce(sum(authorised), 0),
                       coalesce(sum(unauthorised), 0), coalesce(sum(not_possible), 0),
                       count(*) FILTER (WHERE persistent_absence),
                       count(*) FILTER (WHERE severe_absence)
                FROM {table}
                {"GROUP BY " + keys + " ORDER BY " + keys if by else ""}"""
        ).collect()
        n = len(by)
        return [
            GroupSummary(
                tuple(r[:n]),
                Summary(
                    enrolments=int(r[n]),
                    tally=Tally(*(int(x) for x in r[n + 1 : n + 5])),
                    persistent_absentees=int(r[n + 5]),
                    severe_absentees=int(r[n + 6]),
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
        """As `Engine.penalty_notice_sql`: `sessions`+ sessions coded `codes` within the last
        `weeks` school weeks (ISO weeks with a school session) up to `as_of`."""
        d = _literal(as_of)
        return f"""
        WITH s AS (
            SELECT school_urn, date, session, trunc(date, 'week') AS week
            FROM {self.sessions}
        ),
        wk AS (
            SELECT school_urn, week, row_number() OVER (PARTITION BY school_urn ORDER BY week) AS i
            FROM (SELECT DISTINCT school_urn, week FROM s) weeks
        ),
        last_week AS (
            SELECT wk.school_urn, wk.i AS last_i
            FROM (SELECT school_urn, trunc(max(date), 'week') AS week
                  FROM s WHERE date <= {d} GROUP BY school_urn) l
            JOIN wk ON wk.school_urn = l.school_urn AND wk.week = l.week
        ),
        window_sessions AS (
            SELECT s.school_urn, s.date, s.session
            FROM s JOIN wk ON wk.school_urn = s.school_urn AND wk.week = s.week
                   JOIN last_week lw ON lw.school_urn = s.school_urn
            WHERE s.date <= {d} AND wk.i > lw.last_i - {int(weeks)}
        ),
        hits AS (
            SELECT m.school_urn, m.pupil_id, m.date, m.session,
                   row_number() OVER (PARTITION BY m.pupil_id ORDER BY m.date, m.session) AS n
            FROM {self.marks} m
            JOIN window_sessions w
              ON w.school_urn = m.school_urn AND w.date = m.date AND w.session = m.session
            WHERE m.code IN ({_codes_list(codes)})
              AND m.pupil_id IN ({self._on_roll(as_of)})
        )
        SELECT school_urn, pupil_id, max(n) AS count,
               max(date) FILTER (WHERE n = {int(sessions)}) AS met_date,
               max(session) FILTER (WHERE n = {int(sessions)}) AS met_session
        FROM hits GROUP BY school_urn, pupil_id HAVING max(n) >= {int(sessions)}
        """

    def penalty_notice_threshold(self, as_of: date, **kw) -> list[ThresholdHit]:
        rows = self.sql(
            self.penalty_notice_sql(as_of, **kw) + " ORDER BY school_urn, pupil_id"
        ).collect()
        return [ThresholdHit(r[0], r[1], int(r[2]), (r[3], r[4])) for r in rows]

    def continuous_absence_sql(self, as_of: date, *, days: int = 10, codes=UNAUTHORISED) -> str:
        """As `Engine.continuous_absence_sql`: the latest run of whole school days, ending on
        the last school day on or before `as_of`, with every session coded `codes`."""
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
            SELECT m.school_urn, m.pupil_id, m.date, max(sd.back) AS back
            FROM {self.marks} m
            JOIN {self.sessions} s
              ON s.school_urn = m.school_urn AND s.date = m.date AND s.session = m.session
            JOIN school_days sd ON sd.school_urn = m.school_urn AND sd.date = m.date
            WHERE m.date <= {d} AND m.code IN ({_codes_list(codes)})
              AND m.pupil_id IN ({self._on_roll(as_of)})
            GROUP BY m.school_urn, m.pupil_id, m.date
            HAVING count(*) = max(sd.sessions)
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY pupil_id ORDER BY back) AS k
            FROM whole_days
        ),
        runs AS (
            SELECT school_urn, pupil_id, count(*) AS days,
                   min(date) AS since, sort_array(collect_list(date)) AS run
            FROM ranked WHERE back = k GROUP BY school_urn, pupil_id
        )
        SELECT school_urn, pupil_id, days, since, try_element_at(run, {int(days)}) AS met_on
        FROM runs WHERE days >= {int(days)}
        """

    def continuous_absence(self, as_of: date, **kw) -> list[ContinuousRun]:
        rows = self.sql(
            self.continuous_absence_sql(as_of, **kw) + " ORDER BY school_urn, pupil_id"
        ).collect()
        return [ContinuousRun(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows]
