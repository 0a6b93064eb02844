"""Doc-drift test: docs/seed-coverage.md accounts for every duty in ../shared/seed-duties.md.

Plain pytest, no database. Skips when the shared checklist is not beside the repository.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
SEED_DUTIES = SHARED / "seed-duties.md"
COVERAGE = REPO / "docs" / "seed-coverage.md"

ID_CELL = re.compile(r"^\|\s*(S00\d-\d+)\s*\|")
STATUSES = {"done", "partial", "planned", "out of scope"}


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _duty_rows(path: Path) -> list[list[str]]:
    """Table rows whose first column is a duty ID, in file order, split into cells."""
    return [
        _cells(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if ID_CELL.match(line)
    ]


@pytest.fixture(scope="module")
def duties() -> list[list[str]]:
    if not SEED_DUTIES.exists():
        pytest.skip(
            f"{SEED_DUTIES} not found: the shared seed checklist is not beside the repository"
        )
    rows = _duty_rows(SEED_DUTIES)
    assert rows, f"no duty rows found in {SEED_DUTIES}"
    return rows


@pytest.fixture(scope="module")
def coverage() -> list[dict[str, str]]:
    assert COVERAGE.exists(), f"{COVERAGE} is missing"
    lines = COVERAGE.read_text(encoding="utf-8").splitlines()
    header = next((_cells(line) for line in lines if re.match(r"^\|\s*ID\s*\|", line)), None)
    assert header, "docs/seed-coverage.md has no table header starting with '| ID |'"
    rows = []
    for cells in _duty_rows(COVERAGE):
        assert len(cells) == len(header), f"{cells[0]}: {len(cells)} cells, expected {len(header)}"
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _seed_ids(duties: list[list[str]]) -> list[str]:
    return [row[0] for row in duties]


def _coverage_ids(coverage: list[dict[str, str]]) -> list[str]:
    return [row["ID"] for row in coverage]


def test_every_seed_duty_appears_exactly_once_in_the_coverage_doc(duties, coverage):
    counts = Counter(_coverage_ids(coverage))
    missing = [i for i in _seed_ids(duties) if counts[i] == 0]
    repeated = sorted(i for i, n in counts.items() if n > 1)
    assert not missing, f"duties missing from docs/seed-coverage.md: {missing}"
    assert not repeated, f"duties listed more than once in docs/seed-coverage.md: {repeated}"


def test_the_coverage_doc_names_no_duty_that_the_checklist_does_not_have(duties, coverage):
    known = set(_seed_ids(duties))
    unknown = [i for i in _coverage_ids(coverage) if i not in known]
    assert not unknown, f"IDs in docs/seed-coverage.md that seed-duties.md does not have: {unknown}"


def test_the_coverage_doc_lists_duties_in_checklist_order(duties, coverage):
    assert _coverage_ids(coverage) == _seed_ids(duties)


def test_every_row_has_an_allowed_status(coverage):
    bad = {row["ID"]: row["Status"] for row in coverage if row["Status"] not in STATUSES}
    assert not bad, f"statuses must be one of {sorted(STATUSES)}; found {bad}"


def test_rows_are_out_of_scope_exactly_where_the_checklist_says_so(duties, coverage):
    # seed-duties.md columns: ID | Duty | Kind | Trigger | Who | Software | Acceptance test
    human_work = {row[0] for row in duties if row[5].startswith("out of scope")}
    marked = {row["ID"] for row in coverage if row["Status"] == "out of scope"}
    assert marked == human_work, (
        f"out of scope here but not in the checklist: {sorted(marked - human_work)}; "
        f"out of scope in the checklist but not here: {sorted(human_work - marked)}"
    )


def test_every_done_or_partial_row_names_a_feature_and_a_test(coverage):
    bare = [
        row["ID"]
        for row in coverage
        if row["Status"] in {"done", "partial"}
        and not (row["Feature / policy key"] and row["Test"])
    ]
    assert not bare, f"done/partial rows without a feature or a test: {bare}"


def test_every_row_still_to_build_names_the_issue_that_carries_it(coverage):
    orphans = [
        row["ID"]
        for row in coverage
        if row["Status"] != "out of scope" and not re.fullmatch(r"#\d+", row["Issue"])
    ]
    assert not orphans, f"rows without an issue number (#N): {orphans}"


PATH_IN_BACKTICKS = re.compile(
    r"`((?:rollbook|e2e|docs|bench|templates|config)/[^`\s:]+?)(?:::([A-Za-z_0-9]+))?`"
)


def test_every_file_and_test_a_row_cites_exists(coverage):
    """A done or partial row must point at real code: a renamed file or test breaks this."""
    missing = []
    for row in coverage:
        if row["Status"] not in {"done", "partial"}:
            continue
        for cell in (row["Feature / policy key"], row["Test"]):
            for path, test_name in PATH_IN_BACKTICKS.findall(cell):
                target = REPO / path.rstrip(".,;")
                if not target.exists():
                    missing.append(f"{row['ID']}: {path}")
                elif (
                    test_name
                    and target.is_file()
                    and f"def {test_name}" not in target.read_text(encoding="utf-8")
                ):
                    missing.append(f"{row['ID']}: {path}::{test_name}")
    assert not missing, f"rows cite files or tests that do not exist: {missing}"


def test_the_summary_table_matches_the_rows(coverage):
    counts: dict[tuple[str, str], int] = {}
    for row in coverage:
        key = (row["ID"][1:4], row["Status"])
        counts[key] = counts.get(key, 0) + 1
    text = COVERAGE.read_text(encoding="utf-8")

    for seed in ("000", "001", "002", "003", "004"):
        expected = [
            counts.get((seed, s), 0) for s in ("done", "partial", "planned", "out of scope")
        ]
        line = f"| {seed} | " + " | ".join(map(str, expected)) + f" | {sum(expected)} |"
        assert line in text, f"summary row for seed {seed} should read: {line}"
