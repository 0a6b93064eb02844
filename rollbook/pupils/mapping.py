"""Column mapping for CSV imports from an MIS export (pure: no ORM, no clock).

An MIS export (Arbor, SIMS, Bromcom, ScholarPack, ...) names its columns its own way. The
office maps each Rollbook column to one of the file's headers; the mapped rows then go
through the same engine checks as `rollbook import pupils|marks` (pupils/importing.py,
registers/importing.py), so the web and the CLI accept and refuse exactly the same data.

A mapping is `{rollbook_column: file_header}`; "" means "not in this file". It refers to
headers by name (not position), so a saved mapping still fits next term's export when the
MIS has added or reordered columns.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rollbook.core.calendar import SchoolCalendar
from rollbook.core.csvio import LineError
from rollbook.pupils import importing as pupil_importing
from rollbook.registers import importing as mark_importing

PUPILS, MARKS = "pupils", "marks"
KINDS = (PUPILS, MARKS)
REQUIRED: dict[str, tuple[str, ...]] = {
    PUPILS: pupil_importing.REQUIRED,
    MARKS: mark_importing.REQUIRED,
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    PUPILS: pupil_importing.OPTIONAL,
    MARKS: mark_importing.OPTIONAL,
}
PREVIEW_ROWS = 10

# Header names seen in MIS exports, normalised (see `normalise`). The column's own name
# ("legal_surname" -> "legal surname") always matches first; these are tried after it, in order.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "upn": ("unique pupil number", "pupil upn", "student upn", "upn number"),
    "legal_surname": (
        "surname",
        "legal last name",
        "last name",
        "family name",
        "student surname",
        "pupil surname",
    ),
    "legal_forename": (
        "forename",
        "legal first name",
        "first name",
        "forenames",
        "given name",
        "student forename",
        "pupil forename",
    ),
    "date_of_birth": ("dob", "birth date", "birthdate", "d o b"),
    "year_group": (
        "year",
        "ncyear",
        "nc year",
        "national curriculum year",
        "curriculum year",
        "year group name",
    ),
    "class_name": (
        "class",
        "reg group",
        "registration group",
        "reg",
        "form",
        "form group",
        "tutor group",
        "class group",
    ),
    "admission_date": (
        "date of admission",
        "admission",
        "start date",
        "entry date",
        "date of entry",
        "enrolment date",
        "on roll date",
    ),
    "leaving_date": ("date of leaving", "leave date", "end date", "leaving"),
    "sen": ("sen status", "send status", "sen provision", "sen need", "send"),
    "family_id": ("family", "family reference", "family ref", "sibling group", "family code"),
    "preferred_surname": ("preferred last name", "known as surname"),
    "preferred_forename": ("preferred first name", "preferred name", "known as", "chosen name"),
    "gender": ("sex", "legal sex"),
    "pupil_premium": ("pp", "pupil premium indicator", "pp eligible", "pupil premium eligible"),
    "fsm": ("free school meals", "fsm eligible", "eligible for fsm", "fsm eligibility"),
    "eal": ("english as an additional language", "eal status", "first language not english"),
    "cla": ("looked after", "child looked after", "looked after child", "lac", "in care"),
    "cin": ("child in need",),
    "cp_plan": ("child protection plan", "cp", "child protection"),
    "medical_plan": (
        "health care plan",
        "healthcare plan",
        "individual healthcare plan",
        "ihp",
        "medical",
    ),
    "long_term_illness": ("long term medical condition", "lti"),
    "date": ("attendance date", "session date", "mark date"),
    "session": ("am pm", "session name", "am or pm"),
    "code": ("mark", "attendance code", "attendance mark", "register mark", "reg mark"),
    "minutes_late": ("mins late", "late minutes", "late mins", "minutes"),
}


def normalise(name: str) -> str:
    """'Legal Surname', 'legal_surname' and ' LEGAL-SURNAME ' are all 'legal surname'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.casefold()).split())


def columns(kind: str) -> tuple[str, ...]:
    return REQUIRED[kind] + OPTIONAL[kind]


@dataclass
class Table:
    """A CSV file's headers as written, its rows with their line numbers, and line errors."""

    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def read_table(text: str) -> Table:
    """Read CSV text with the same per-line rules as `core.csvio.read_csv`.

    Unlike `read_csv` it keeps whatever headers the file has: the mapping decides which
    of them matter.
    """
    table = Table()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            table.errors.append(LineError(0, "the file is empty"))
            return table
        table.headers = [h.strip() for h in header]
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank line
            if len(values) != len(header):
                table.errors.append(
                    LineError(line, f"expected {len(header)} values, found {len(values)}")
                )
                continue
            table.rows.append((line, [v.strip() for v in values]))
    except csv.Error as e:
        table.errors.append(LineError(reader.line_num, f"malformed CSV: {e}"))
    return table


def _choosable(headers: Iterable[str]) -> dict[str, str]:
    """Normalised name -> header, leaving out names that appear twice (ambiguous)."""
    seen: dict[str, list[str]] = {}
    for h in headers:
        if h:
            seen.setdefault(normalise(h), []).append(h)
    return {n: hs[0] for n, hs in seen.items() if len(hs) == 1 and hs[0]}


def suggest_mapping(headers: list[str], kind: str) -> dict[str, str]:
    """A first guess from the header names; every header is suggested for one column at most.

    Exact names win over synonyms (so a file with both 'Surname' and 'Legal Surname' maps
    legal_surname to 'Legal Surname'); a header that appears twice is never suggested.
    """
    by_name = _choosable(h for h in headers if headers.count(h) == 1)
    used: set[str] = set()
    mapping = dict.fromkeys(columns(kind), "")
    for col in mapping:  # first pass: the column's own name
        header = by_name.get(normalise(col))
        if header and header not in used:
            mapping[col] = header
            used.add(header)
    for col in mapping:  # second pass: synonyms, in the table's order
        if mapping[col]:
            continue
        for synonym in SYNONYMS.get(col, ()):
            header = by_name.get(synonym)
            if header and header not in used:
                mapping[col] = header
                used.add(header)
                break
    return mapping


def prefill(saved: Mapping[str, str] | None, headers: list[str], kind: str) -> dict[str, str]:
    """The saved mapping for this source where its headers are still in the file; else a guess."""
    suggested = suggest_mapping(headers, kind)
    if not saved:
        return suggested
    mapping = {}
    for col in columns(kind):
        header = saved.get(col, "")
        mapping[col] = header if header in headers and headers.count(header) == 1 else ""
    used = {h for h in mapping.values() if h}
    for col, header in suggested.items():
        if not mapping[col] and col not in saved and header and header not in used:
            mapping[col] = header  # a column the saved mapping did not know about
            used.add(header)
    return mapping


def mapping_problems(mapping: Mapping[str, str], headers: list[str], kind: str) -> dict[str, str]:
    """Column -> what is wrong with its choice; {} when the mapping can be used."""
    problems: dict[str, str] = {}
    chosen_by: dict[str, str] = {}
    for col in columns(kind):
        header = mapping.get(col, "")
        if not header:
            if col in REQUIRED[kind]:
                problems[col] = f"Choose the column of the file that holds {col}"
            continue
        if header not in headers:
            problems[col] = f"{header!r} is not a column of the file"
        elif headers.count(header) > 1:
            problems[col] = f"{header!r} appears more than once in the file's first line"
        elif header in chosen_by:
            problems[col] = f"{header!r} is already chosen for {chosen_by[header]}"
        else:
            chosen_by[header] = col
    return problems


def apply_mapping(table: Table, mapping: Mapping[str, str]) -> list[tuple[int, dict[str, str]]]:
    """Rows in the engine's column names (unmapped columns left out, as the CLI leaves them)."""
    index = {col: table.headers.index(h) for col, h in mapping.items() if h}
    return [(line, {col: values[i] for col, i in index.items()}) for line, values in table.rows]


Progress = Callable[[int], None]  # called with the number of rows checked so far
PROGRESS_EVERY = 2000


def _parse_all(rows, parse, progress: Progress | None) -> tuple[list, list[LineError]]:
    parsed, errors = [], []
    for n, (line, raw) in enumerate(rows, 1):
        row, row_errors = parse(line, raw)
        errors += row_errors
        if row:
            parsed.append(row)
        if progress and (n % PROGRESS_EVERY == 0 or n == len(rows)):
            progress(n)
    return parsed, errors


def check_pupils(
    rows: list[tuple[int, dict[str, str]]], progress: Progress | None = None
) -> tuple[list[pupil_importing.PupilRow], list[LineError]]:
    """Parse and check mapped pupil rows (as `pupils.actions.parse_pupils_file` does)."""
    parsed, errors = _parse_all(rows, pupil_importing.parse_pupil_row, progress)
    errors += pupil_importing.check_pupil_rows(parsed)
    return parsed, errors


def check_marks(
    rows: list[tuple[int, dict[str, str]]],
    pupils: dict[str, mark_importing.PupilFacts],
    calendar: SchoolCalendar,
    progress: Progress | None = None,
) -> tuple[list[mark_importing.MarkRow], list[LineError]]:
    """Parse and check mapped mark rows (as `registers.actions.parse_marks_file` does)."""
    parsed, errors = _parse_all(
        rows,
        lambda line, raw: mark_importing.parse_mark_row(line, raw, pupils, calendar),
        progress,
    )
    errors += mark_importing.check_duplicates(parsed)
    return parsed, errors


def sorted_errors(*groups: list[LineError]) -> list[LineError]:
    return sorted((e for g in groups for e in g), key=lambda e: e.line)
