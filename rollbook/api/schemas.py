"""Request and response shapes (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict


class FieldError(Schema):
    field: str = Field(description="Where: a query parameter, or '<index>.<field>' in a body")
    message: str


class ErrorBody(Schema):
    code: str = Field(
        description="bad_request, unauthorized, forbidden, not_found, invalid or throttled"
    )
    message: str
    fields: list[FieldError] = []


class ErrorOut(Schema):
    error: ErrorBody


class SchoolOut(Schema):
    urn: str
    name: str
    phase: str
    local_authority: str
    la_code: str


class ClassOut(Schema):
    name: str
    year_group: str


class PupilOut(Schema):
    upn: str
    legal_forename: str
    legal_surname: str
    preferred_forename: str
    preferred_surname: str
    date_of_birth: date
    gender: str
    year_group: str
    class_name: str | None
    admission_date: date
    leaving_date: date | None


class ContactOut(Schema):
    priority: int  # 1 is called first
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    title: str
    forename: str
    surname: str
    mobile_phone: str
    home_phone: str
    work_phone: str
    email: str
    preferred_language: str


class MarkOut(Schema):
    upn: str
    date: date
    session: str
    code: str
    minutes_late: int | None
    source: str
    version: int


class MarkIn(Schema):
    """Checked exactly as a row of a marks CSV import (so plain strings, not typed dates)."""

    upn: str = Field(max_length=20)
    date: str = Field(max_length=20, description="YYYY-MM-DD")
    session: str = Field(max_length=4, description="AM or PM")
    code: str = Field(max_length=4, description="A DfE attendance code, e.g. '/', '\\\\', 'L'")
    minutes_late: int | None = Field(None, description="With L or U only")


class MarksSaved(Schema):
    created: int
    changed: int
    unchanged: int


class AlertOut(Schema):
    id: int
    upn: str
    kind: str
    kind_label: str
    stage_key: str
    raised_on: date
    met_on: date | None
    status: str
    explanation: str


class Figures(Schema):
    pupils: int
    possible_sessions: int
    attended_sessions: int
    authorised_absence_sessions: int
    unauthorised_absence_sessions: int
    not_counted_sessions: int
    attendance_rate: float | None
    overall_absence_rate: float | None
    authorised_absence_rate: float | None
    unauthorised_absence_rate: float | None
    persistent_absentees: int
    persistent_absence_rate: float | None
    severe_absentees: int
    severe_absence_rate: float | None


class GroupFigures(Schema):
    group: str
    suppressed: bool = Field(
        description="Fewer pupils than the disclosure threshold: figures withheld (null)"
    )
    figures: Figures | None


class StatisticsOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    school: SchoolOut
    from_: date = Field(alias="from")
    to: date
    totals: Figures
    groups: list[GroupFigures] | None = None


class PupilPage(Schema):
    items: list[PupilOut]
    count: int
    page: int
    pages: int


class MarkPage(Schema):
    items: list[MarkOut]
    count: int
    page: int
    pages: int


class AlertPage(Schema):
    items: list[AlertOut]
    count: int
    page: int
    pages: int


class AbsenceReportOut(Schema):
    id: int
    upn: str
    first_date: date
    first_session: str
    last_date: date
    last_session: str
    reason: str  # illness, medical, other
    status: str  # pending, accepted, queried, withdrawn
    code: str  # the code the office recorded on accepting ("" before)
    submitted_at: datetime


class AbsenceReportPage(Schema):
    items: list[AbsenceReportOut]
    count: int
    page: int
    pages: int
