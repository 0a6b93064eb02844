"""The Spark engine gives exactly the DuckDB engine's and the pure rules' numbers.

One local Spark session for the whole module (starting one costs ~10 s), one random snapshot
written to Parquet (marks partitioned by school, as on a cluster), a handful of queries.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
from datetime import date, timedelta

import duckdb
import pytest

from rollbook.analytics.engine import Engine, InvalidCodes, create_tables, write_parquet
from rollbook.core.calendar import Session
from rollbook.policy import statutory
from rollbook.registers.codes import CODES, REFORM_2024
from rollbook.registers.rules import enrolment_tally, summarise

pytestmark = [
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="Spark needs a Java runtime (java not on PATH); install openjdk-17-jre-headless",
    ),
    # Spark reads Parquet, never the database, and costs ~25 s: `make test` runs it once, in
    # the SQLite pass, not again in the PostgreSQL pass.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="database-independent: runs in the SQLite pass of make test",
    ),
]

AM, PM = Session.AM, Session.PM
SCHOOLS = ("100001", "100002")
FIRST, LAST = date(2024, 7, 1), date(2025, 12, 19)
AS_OF = date(2025, 11, 14)

# Autumn 2025 with the October half-term as a holiday gap; the second school also closes on
# a Monday and two afternoons, so its school days and weeks differ from the first's.
AUTUMN = [
    d
    for d in (date(2025, 9, 1) + timedelta(days=n) for n in range(110))
    if d.weekday() < 5 and not date(2025, 10, 27) <= d <= date(2025, 10, 31)
]
PM_CLOSED = {date(2025, 9, 19), date(2025, 11, 7)}
CALENDARS = {
    SCHOOLS[0]: tuple((d, s) for d in AUTUMN for s in (AM, PM)),
    SCHOOLS[1]: tuple(
        (d, s)
        for d in AUTUMN
        if d != date(2025, 9, 29)
        for s in ((AM,) if d in PM_CLOSED else (AM, PM))
    ),
}


def valid_codes(on: date) -> list[str]:
    return sorted({c.code for c in CODES if c.valid_on(on)})


def snapshot(seed: int = 13):
    """Pupils joining and leaving at random, random valid codes either side of the 2024
    reform, and in autumn 2025 unauthorised runs likely enough that both alerts fire."""
    rnd = random.Random(seed)
    pupils, marks = [], []
    for pid in range(1, 25):
        urn = SCHOOLS[pid % 2]
        admission = FIRST + timedelta(days=rnd.randrange(0, 420))
        leaving = None if rnd.random() < 0.7 else admission + timedelta(days=rnd.randrange(400))
        pupils.append((urn, f"U{pid}", pid, admission, leaving, str(pid % 7)))
        for n in rnd.sample(range(-10, 120), 30):  # summer and autumn 2024, old and new codes
            day = REFORM_2024 + timedelta(days=n - 60)
            for s in rnd.choice([(AM,), (PM,), (AM, PM)]):
                marks.append((urn, f"U{pid}", pid, day, s.value, rnd.choice(valid_codes(day))))
        sessions = CALENDARS[urn]
        start, length = rnd.randrange(len(sessions)), rnd.randrange(0, 70)
        absent = rnd.random() * 0.4
        for i, (d, s) in enumerate(sessions):
            if start <= i < start + length:
                code = rnd.choice("GONU")
            elif rnd.random() < absent:
                code = rnd.choice(["/", "\\", "G", "O", "U", "N", "I", "#"])
            elif rnd.random() < 0.1:
                continue  # no mark
            else:
                code = "/" if s is AM else "\\"
            marks.append((urn, f"U{pid}", pid, d, s.value, code))
    marks.append((SCHOOLS[0], "U2", 2, date(2025, 10, 28), "AM", "O"))  # a holiday: ignored
    sessions = [(urn, d, s.value) for urn, keys in CALENDARS.items() for d, s in keys]
    return pupils, marks, sessions


@pytest.fixture(scope="module")
def spark():
    from rollbook.analytics.spark import session

    spark = session(
        "local[1]",
        app_name="rollbook-tests",
        **{
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "1",
            "spark.default.parallelism": "1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.memory": "512m",
            # Tiny data: planning and compiling cost more than running. No adaptive
            # re-planning, no generated Java per query, and a JVM that skips its slow JIT.
            "spark.sql.adaptive.enabled": "false",
            "spark.sql.codegen.wholeStage": "false",
            "spark.sql.codegen.factoryMode": "NO_CODEGEN",
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        },
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()
    # py4j says goodbye at INFO when Python exits, after pytest has closed its capture stream.
    logging.getLogger("py4j").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def engines(spark, tmp_path_factory):
    from rollbook.analytics.spark import SparkEngine

    pupils, marks, sessions = snapshot()
    con = duckdb.connect()
    create_tables(con, marks=marks, pupils=pupils, sessions=sessions)
    folder = tmp_path_factory.mktemp("snapshot")
    write_parquet(con, folder)
    # Replace the marks file with a directory partitioned by school, the cluster layout.
    (folder / "marks.parquet").unlink()
    con.execute(
        f"COPY marks TO '{folder / 'marks.parquet'}' (FORMAT parquet, PARTITION_BY (school_urn))"
    )
    assert (folder / "marks.parquet" / f"school_urn={SCHOOLS[0]}").is_dir()
    return Engine(con), SparkEngine.from_parquet(spark, folder), (pupils, marks)


def test_spark_engine_gives_the_duckdb_engines_and_the_pure_rules_numbers(spark, engines):
    # One test, not three: pytest-xdist hands tests to workers one by one, and two workers
    # would each start a JVM. The checks are split into functions to read like three tests.
    check_statistics(*engines)
    check_monitoring(*engines)
    check_invalid_code_fails(spark)


def check_statistics(duck, spark, data):
    pupils, marks = data
    table = spark.materialise(FIRST, LAST)  # once: every query below reads it
    got = spark.enrolments(FIRST, LAST, table=table)
    assert got == duck.enrolments(FIRST, LAST)  # every count, rate (to the bit) and flag
    pure = {
        pid: enrolment_tally(
            [(d, c) for _, _, p, d, _, c in marks if p == pid],
            period_start=FIRST,
            period_end=LAST,
            admission=admission,
            leaving=leaving,
        )
        for _, _, pid, admission, leaving, _ in pupils
    }
    assert {e.pupil_id: e.tally for e in got} == pure
    assert sum(e.persistent_absence for e in got) > 0  # the data exercise the flags
    for e in got:
        rate = pure[e.pupil_id].overall_absence_rate
        assert e.overall_absence_rate == (None if rate is None else float(rate))

    assert spark.totals(FIRST, LAST, table=table)[0].summary == summarise(pure.values())
    by = ("school_urn", "year_group")
    assert spark.totals(FIRST, LAST, by, table=table) == duck.totals(FIRST, LAST, by)


def check_monitoring(duck, spark, data):
    pupils, marks = data
    pn = spark.penalty_notice_threshold(AS_OF)
    runs = spark.continuous_absence(AS_OF)
    assert pn == duck.penalty_notice_threshold(AS_OF)
    assert runs == duck.continuous_absence(AS_OF)
    assert pn and runs  # neither comparison is vacuous
    by_pupil = {h.pupil_id: h for h in pn}
    run_of = {r.pupil_id: r for r in runs}
    for urn, _, pid, admission, leaving, _ in pupils:
        if admission > AS_OF or (leaving is not None and leaving < AS_OF):
            assert pid not in by_pupil and pid not in run_of  # not on roll
            continue
        own = {(d, Session(s)): c for _, _, p, d, s, c in marks if p == pid}
        alert = statutory.penalty_notice_threshold(own, CALENDARS[urn], AS_OF)
        if alert is None:
            assert pid not in by_pupil
        else:
            hit = by_pupil[pid]
            assert (hit.count, hit.met_on) == (
                len(alert.evidence),
                (alert.met_on[0], alert.met_on[1].value),
            )
        run = statutory.continuous_unauthorised_absence(own, CALENDARS[urn], AS_OF)
        if run is None:
            assert pid not in run_of
        else:
            got = run_of[pid]
            assert (got.met_on, got.since, got.days) == (
                run.met_on[0],
                run.evidence[0][0],
                len({d for d, _ in run.evidence}),
            )


def check_invalid_code_fails(spark):
    from rollbook.analytics.spark import SCHEMAS, SparkEngine

    day = REFORM_2024 + timedelta(days=1)  # old J was withdrawn by then
    frames = {
        "marks": [("X", "U1", 1, day, "AM", "J")],
        "pupils": [("X", "U1", 1, date(2024, 1, 1), None, "5")],
        "sessions": [("X", day, "AM")],
    }
    engine = SparkEngine(
        spark,
        prefix="bad_",
        **{n: spark.createDataFrame(rows, SCHEMAS[n]) for n, rows in frames.items()},
    )
    with pytest.raises(InvalidCodes):
        engine.materialise(date(2024, 8, 1), date(2024, 9, 30))
