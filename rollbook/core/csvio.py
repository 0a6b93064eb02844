"""Reading CSV files for imports: encoding, header checks and per-line errors.

Imports are all-or-nothing: every problem is collected with its file line number, and the
caller stores nothing unless the list is empty.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class LineError:
    line: int  # 1-based physical line in the file; 0 for problems with the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ImportRejected(Exception):
    """The file had problems; nothing was stored."""

    def __init__(self, path: str, errors: list[LineError]):
        self.path = path
        self.errors = errors
        super().__init__(f"{path}: {len(errors)} problem(s); nothing was imported")

    def report(self, limit: int = MAX_ERRORS_SHOWN) -> str:
        lines = [f"{self.path}: {len(self.errors)} problem(s) found; nothing was imported."]
        lines += [f"  {self.path}: {e}" for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"  ... and {len(self.errors) - limit} more (first {limit} shown)")
        return "\n".join(lines)


@dataclass
class CsvRows:
    """Decoded rows with their line numbers, or the file-level errors that stop reading."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def read_csv(
    path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> CsvRows:
    result = CsvRows()
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        result.errors.append(LineError(0, f"cannot read the file: {e.strerror or e}"))
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        result.errors.append(
            LineError(line, "the file is not UTF-8 text (save it as 'CSV UTF-8' and try again)")
        )
        return result
    # Checked after decoding, so a UTF-16 file is reported as not UTF-8 (its usual cause).
    nul = raw.find(b"\x00")
    if nul >= 0:  # PostgreSQL cannot store NUL in text; it means a binary file was chosen
        result.errors.append(
            LineError(raw[:nul].count(b"\n") + 1, "the file contains a NUL byte: not a text file")
        )
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            result.errors.append(LineError(0, "the file is empty"))
            return result
        header = [h.strip().lower() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            result.errors.append(LineError(1, f"missing column(s): {', '.join(missing)}"))
            return result
        dupes = sorted({h for h in header if header.count(h) > 1 and h})
        if dupes:
            result.errors.append(LineError(1, f"column(s) appear twice: {', '.join(dupes)}"))
            return result
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank line
            if len(values) != len(header):
                result.errors.append(
                    LineError(line, f"expected {len(header)} values, found {len(values)}")
                )
                continue
            result.rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as e:
        result.errors.append(LineError(reader.line_num, f"malformed CSV: {e}"))
    return result


def progress_printer(
    label: str, total: int, *, stream=None, after_seconds: float = 2.0
) -> Callable[[int], None]:
    """A callback that reports progress, but only once work has taken more than a moment."""
    stream = stream or sys.stderr
    started = time.monotonic()
    last = [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - started < after_seconds or (now - last[0] < 1.0 and done != total):
            return
        last[0] = now
        if total:
            stream.write(f"{label}: {done:,} of {total:,} ({100 * done // total} %)\n")
        else:
            stream.write(f"{label}: {done:,} rows\n")
        stream.flush()

    return report


def chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
