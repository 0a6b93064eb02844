"""Common Transfer File (CTF): a pupil's record and attendance history, from school to school.

Pure: builds and reads the XML from plain dataclasses; no ORM, no clock.

The element names follow the DfE CTF specification's structure (CTfile > Header >
SourceSchool / DestSchool; CTFpupilData > Pupil > Attendance > YearData with
SessionsPossible / SessionsAuthorised / SessionsUnauthorised and SessionAttendance >
AttendanceStartDate / AttendanceMarks). The domain reference marks the exact names and the
placing of two-character codes as unconfirmed, and no DfE schema (XSD) ships with Rollbook, so
the reader below is strict on its own terms: every problem is reported with the element path,
and nothing is imported from a file with problems. Check against the current year's
specification before exchanging files with another MIS (docs/ctf.md).

The marks string has one position per session from the AM session of AttendanceStartDate, two
per calendar day (AM then PM), weekends included. A position is a DfE code — one character, or
a letter followed by a digit for the 2024 codes (C1, C2, J1, Y1-Y7): no code is a bare digit,
so the string reads back unambiguously — or '-' where no mark was recorded (a weekend, a day
before admission). Totals are sent too; on reading, the marks must add up to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from rollbook.registers.rules import Tally, tally

CTF_VERSION = "26.0"
DOCUMENT_NAME = "Common Transfer File"
NO_MARK = "-"
MAX_BYTES = 20 * 1024 * 1024  # a CTF for a whole year group is well under this
_TOKEN = re.compile(r"[A-Z][0-9]?|[/\\#-]")  # only letters take a digit (C1, Y7)
_SEXES = {"M", "F", "U"}


class CtfError(ValueError):
    """A file that cannot be imported; `problems` names every one found (path: message)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:5]) + (" …" if len(problems) > 5 else ""))


@dataclass(frozen=True)
class School:
    la: str = ""  # three-digit LA number
    estab: str = ""  # four-digit establishment number
    urn: str = ""
    name: str = ""


@dataclass(frozen=True)
class AttendanceYear:
    year: int  # the academic year by the calendar year it starts in: 2025 = 2025/26
    start_date: date
    marks: str
    possible: int
    authorised: int
    unauthorised: int

    @property
    def attended(self) -> int:
        return self.possible - self.authorised - self.unauthorised


@dataclass(frozen=True)
class Contact:
    order: int
    forename: str
    surname: str
    title: str = ""
    relationship: str = ""
    parental_responsibility: bool = True
    mobile_phone: str = ""
    home_phone: str = ""
    work_phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Pupil:
    upn: str
    surname: str
    forename: str
    date_of_birth: date
    sex: str = "U"
    preferred_surname: str = ""
    preferred_forename: str = ""
    contacts: tuple[Contact, ...] = ()
    attendance: tuple[AttendanceYear, ...] = ()


@dataclass(frozen=True)
class TransferFile:
    generated_at: datetime
    source: School
    pupils: tuple[Pupil, ...]
    destination: School | None = None  # None: destination not known (sent to the LA / s2s)
    version: str = CTF_VERSION
    supplier: str = "Rollbook"
    warnings: tuple[str, ...] = field(default=(), compare=False)


# --- The marks string ------------------------------------------------------------------------


def marks_string(marks: dict[tuple[date, str], str], start: date, end: date) -> str:
    """The sessions from `start` (AM) to `end` (PM) as one string; '-' where there is no mark."""
    out: list[str] = []
    day = start
    while day <= end:
        for session in ("AM", "PM"):
            out.append(marks.get((day, session), NO_MARK))
        day += timedelta(days=1)
    return "".join(out)


def tokens(marks: str) -> list[str]:
    """Split a marks string into one code (or '-') per session; ValueError on anything else."""
    found = _TOKEN.findall(marks)
    if "".join(found) != marks:
        at = next(
            i for i, (a, b) in enumerate(zip(marks, "".join(found) + "\0", strict=False)) if a != b
        )
        raise ValueError(f"character {at + 1} ({marks[at]!r}) is not an attendance code")
    return found


def sessions(start: date, marks: str) -> list[tuple[date, str, str]]:
    """(date, AM/PM, code) for every marked session of the string."""
    out = []
    for i, code in enumerate(tokens(marks)):
        if code != NO_MARK:
            out.append((start + timedelta(days=i // 2), "AM" if i % 2 == 0 else "PM", code))
    return out


def marks_tally(start: date, marks: str) -> Tally:
    """The DfE statistics of a marks string (each code read with its meaning on its date)."""
    return tally((day, code) for day, _session, code in sessions(start, marks))


def year_of(day: date) -> int:
    """The academic year (by its starting calendar year) that `day` falls in."""
    return day.year if day.month >= 9 else day.year - 1


def attendance_years(
    marks: dict[tuple[date, str], str], *, first: date, last: date
) -> tuple[AttendanceYear, ...]:
    """One block per academic year between `first` and `last` (the pupil's time on roll)."""
    years = []
    for year in range(year_of(first), year_of(last) + 1):
        start = max(first, date(year, 9, 1))
        end = min(last, date(year + 1, 8, 31))
        string = marks_string(marks, start, end)
        totals = marks_tally(start, string)
        years.append(
            AttendanceYear(
                year=year,
                start_date=start,
                marks=string,
                possible=totals.possible,
                authorised=totals.authorised,
                unauthorised=totals.unauthorised,
            )
        )
    return tuple(years)


# --- Writing ------------------------------------------------------------------------------------


def _text(parent: Element, tag: str, value) -> None:
    if value not in (None, ""):
        SubElement(parent, tag).text = str(value)


def _school(parent: Element, tag: str, school: School) -> None:
    node = SubElement(parent, tag)
    _text(node, "LEA", school.la)
    _text(node, "Estab", school.estab)
    _text(node, "URN", school.urn)
    _text(node, "SchoolName", school.name)


def build(ctf: TransferFile) -> bytes:
    """The CTF as UTF-8 XML bytes."""
    root = Element("CTfile")
    header = SubElement(root, "Header")
    _text(header, "DocumentName", DOCUMENT_NAME)
    _text(header, "CTFversion", ctf.version)
    _text(header, "DateTime", ctf.generated_at.replace(microsecond=0).isoformat())
    _text(header, "DocumentQualifier", "full")
    _text(header, "SupplierID", ctf.supplier)
    _school(header, "SourceSchool", ctf.source)
    if ctf.destination is not None:
        _school(header, "DestSchool", ctf.destination)
    data = SubElement(root, "CTFpupilData")
    for pupil in ctf.pupils:
        node = SubElement(data, "Pupil")
        _text(node, "UPN", pupil.upn)
        _text(node, "Surname", pupil.surname)
        _text(node, "Forename", pupil.forename)
        _text(node, "DOB", pupil.date_of_birth.isoformat())
        _text(node, "Sex", pupil.sex)
        if pupil.preferred_surname or pupil.preferred_forename:
            basic = SubElement(node, "BasicDetails")
            _text(basic, "PreferredSurname", pupil.preferred_surname)
            _text(basic, "PreferredForename", pupil.preferred_forename)
        if pupil.contacts:
            contacts = SubElement(node, "Contacts")
            for c in pupil.contacts:
                cnode = SubElement(contacts, "Contact")
                _text(cnode, "Order", c.order)
                _text(cnode, "Title", c.title)
                _text(cnode, "Forename", c.forename)
                _text(cnode, "Surname", c.surname)
                _text(cnode, "Relationship", c.relationship)
                _text(cnode, "Responsibility", "true" if c.parental_responsibility else "false")
                phones = [
                    (kind, number)
                    for kind, number in (
                        ("M", c.mobile_phone),
                        ("H", c.home_phone),
                        ("W", c.work_phone),
                    )
                    if number
                ]
                if phones:
                    pnode = SubElement(cnode, "Phones")
                    for kind, number in phones:
                        phone = SubElement(pnode, "Phone")
                        _text(phone, "TelephoneType", kind)
                        _text(phone, "PhoneNo", number)
                _text(cnode, "Email", c.email)
        if pupil.attendance:
            attendance = SubElement(node, "Attendance")
            for y in pupil.attendance:
                ynode = SubElement(attendance, "YearData")
                _text(ynode, "Year", y.year)
                _text(ynode, "SessionsPossible", y.possible)
                _text(ynode, "SessionsAuthorised", y.authorised)
                _text(ynode, "SessionsUnauthorised", y.unauthorised)
                snode = SubElement(ynode, "SessionAttendance")
                _text(snode, "AttendanceStartDate", y.start_date.isoformat())
                _text(snode, "AttendanceMarks", y.marks)
    body = tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


# --- Reading ------------------------------------------------------------------------------------


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def text(self, node: Element, tag: str, path: str, *, required: bool = False) -> str:
        child = node.find(tag)
        value = (child.text or "").strip() if child is not None else ""
        if required and not value:
            self.problems.append(f"{path}/{tag}: missing")
        return value

    def integer(self, node: Element, tag: str, path: str) -> int:
        value = self.text(node, tag, path, required=True)
        if value and not value.isdigit():
            self.problems.append(f"{path}/{tag}: {value!r} is not a whole number")
            return 0
        return int(value or 0)

    def day(self, node: Element, tag: str, path: str, *, required: bool = True) -> date | None:
        value = self.text(node, tag, path, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{path}/{tag}: {value!r} is not a date (YYYY-MM-DD)")
            return None


def _read_school(r: _Reader, node: Element | None, path: str) -> School:
    if node is None:
        return School()
    return School(
        la=r.text(node, "LEA", path),
        estab=r.text(node, "Estab", path),
        urn=r.text(node, "URN", path),
        name=r.text(node, "SchoolName", path),
    )


def _read_year(r: _Reader, node: Element, path: str) -> AttendanceYear | None:
    year_text = r.text(node, "Year", path, required=True)
    possible = r.integer(node, "SessionsPossible", path)
    authorised = r.integer(node, "SessionsAuthorised", path)
    unauthorised = r.integer(node, "SessionsUnauthorised", path)
    session_node = node.find("SessionAttendance")
    if session_node is None:
        r.problems.append(f"{path}/SessionAttendance: missing")
        return None
    spath = f"{path}/SessionAttendance"
    start = r.day(session_node, "AttendanceStartDate", spath)
    marks = r.text(session_node, "AttendanceMarks", spath)
    if not year_text.isdigit() or start is None:
        if year_text and not year_text.isdigit():
            r.problems.append(f"{path}/Year: {year_text!r} is not a year")
        return None
    if authorised + unauthorised > possible:
        r.problems.append(f"{path}: more sessions missed than possible")
    try:
        counted = marks_tally(start, marks)
    except ValueError as error:
        r.problems.append(f"{spath}/AttendanceMarks: {error}")
        return None
    for label, sent, found in (
        ("SessionsPossible", possible, counted.possible),
        ("SessionsAuthorised", authorised, counted.authorised),
        ("SessionsUnauthorised", unauthorised, counted.unauthorised),
    ):
        if marks and sent != found:
            r.problems.append(f"{path}/{label}: {sent}, but the marks add up to {found}")
    return AttendanceYear(int(year_text), start, marks, possible, authorised, unauthorised)


def _read_contact(r: _Reader, node: Element, path: str, index: int) -> Contact:
    order = r.text(node, "Order", path)
    phones = {
        r.text(p, "TelephoneType", f"{path}/Phones"): r.text(p, "PhoneNo", f"{path}/Phones")
        for p in node.findall("Phones/Phone")
    }
    return Contact(
        order=int(order) if order.isdigit() else index,
        title=r.text(node, "Title", path),
        forename=r.text(node, "Forename", path, required=True),
        surname=r.text(node, "Surname", path, required=True),
        relationship=r.text(node, "Relationship", path),
        parental_responsibility=r.text(node, "Responsibility", path).lower() != "false",
        mobile_phone=phones.get("M", ""),
        home_phone=phones.get("H", ""),
        work_phone=phones.get("W", ""),
        email=r.text(node, "Email", path),
    )


def _read_pupil(r: _Reader, node: Element, path: str) -> Pupil | None:
    upn = r.text(node, "UPN", path, required=True)
    surname = r.text(node, "Surname", path, required=True)
    forename = r.text(node, "Forename", path, required=True)
    dob = r.day(node, "DOB", path)
    sex = r.text(node, "Sex", path) or r.text(node, "Gender", path) or "U"
    if sex not in _SEXES:
        r.problems.append(f"{path}/Sex: {sex!r} is not M, F or U")
    contacts = tuple(
        _read_contact(r, c, f"{path}/Contacts/Contact[{i}]", i)
        for i, c in enumerate(node.findall("Contacts/Contact"), start=1)
    )
    years = [
        _read_year(r, y, f"{path}/Attendance/YearData[{i}]")
        for i, y in enumerate(node.findall("Attendance/YearData"), start=1)
    ]
    if dob is None or not (upn and surname and forename):
        return None
    basic = node.find("BasicDetails")
    return Pupil(
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=dob,
        sex=sex,
        preferred_surname=r.text(basic, "PreferredSurname", path) if basic is not None else "",
        preferred_forename=r.text(basic, "PreferredForename", path) if basic is not None else "",
        contacts=contacts,
        attendance=tuple(y for y in years if y is not None),
    )


def parse(data: bytes) -> TransferFile:
    """Read a CTF; raise CtfError naming every problem. Entities and DTDs are refused."""
    if len(data) > MAX_BYTES:
        raise CtfError([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise CtfError(["the file declares a DTD or entities, which a CTF never needs"]) from None
    except Exception as error:  # ParseError and encoding errors alike
        raise CtfError([f"not well-formed XML: {error}"]) from None
    if root.tag != "CTfile":
        raise CtfError([f"/{root.tag}: the root element of a CTF is CTfile"])
    r = _Reader()
    header = root.find("Header")
    if header is None:
        raise CtfError(["/CTfile/Header: missing"])
    version = r.text(header, "CTFversion", "/CTfile/Header", required=True)
    stamp = r.text(header, "DateTime", "/CTfile/Header", required=True)
    try:
        generated_at = datetime.fromisoformat(stamp) if stamp else datetime(1900, 1, 1)  # noqa: DTZ001
    except ValueError:
        r.problems.append(f"/CTfile/Header/DateTime: {stamp!r} is not a date and time")
        generated_at = datetime(1900, 1, 1)  # noqa: DTZ001
    source = _read_school(r, header.find("SourceSchool"), "/CTfile/Header/SourceSchool")
    dest_node = header.find("DestSchool")
    destination = (
        _read_school(r, dest_node, "/CTfile/Header/DestSchool") if dest_node is not None else None
    )
    pupils = [
        _read_pupil(r, node, f"/CTfile/CTFpupilData/Pupil[{i}]")
        for i, node in enumerate(root.findall("CTFpupilData/Pupil"), start=1)
    ]
    if not pupils:
        r.problems.append("/CTfile/CTFpupilData: no Pupil elements")
    if r.problems:
        raise CtfError(r.problems)
    return TransferFile(
        generated_at=generated_at,
        source=source,
        destination=destination,
        pupils=tuple(p for p in pupils if p is not None),
        version=version,
        supplier=r.text(header, "SupplierID", "/CTfile/Header"),
    )


def file_name(source: School, destination: School | None, sequence: int = 1) -> str:
    """The CTF naming convention: <LA><Estab>_CTF_<dest LA><dest Estab or MMM/XXX>_<nnn>.xml."""
    dest = f"{destination.la}{destination.estab}" if destination else "MMMMMMM"
    return f"{source.la}{source.estab}_CTF_{dest}_{sequence:03d}.xml"
