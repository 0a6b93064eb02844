"""Common Transfer Files in and out of the database: export a leaver, import arrivals.

The XML itself is built and read by the pure `rollbook.pupils.ctf`; this module maps it to
pupils, contacts, marks and `PreviousAttendance`, and audits both directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.models import School
from rollbook.pupils import ctf
from rollbook.pupils.models import Contact, PreviousAttendance, Pupil, PupilContact
from rollbook.pupils.rules import PRIMARY_YEAR_GROUPS, upn_problem, year_group_for
from rollbook.registers.models import Mark


def _school(school: School) -> ctf.School:
    return ctf.School(la=school.la_code, estab=school.estab, urn=school.urn, name=school.name)


def pupil_record(pupil: Pupil, *, last_day: date) -> ctf.Pupil:
    """One pupil's CTF record: details, contacts in calling order, attendance per year on roll."""
    marks = {
        (m.date, m.session): m.code
        for m in Mark.objects.filter(pupil=pupil).only("date", "session", "code")
    }
    last = min(last_day, pupil.leaving_date) if pupil.leaving_date else last_day
    links = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority")
    return ctf.Pupil(
        upn=pupil.upn,
        surname=pupil.legal_surname,
        forename=pupil.legal_forename,
        preferred_surname=pupil.preferred_surname,
        preferred_forename=pupil.preferred_forename,
        date_of_birth=pupil.date_of_birth,
        sex={"M": "M", "F": "F"}.get(pupil.gender, "U"),
        contacts=tuple(
            ctf.Contact(
                order=i,
                title=link.contact.title,
                forename=link.contact.forename,
                surname=link.contact.surname,
                relationship=link.relationship,
                parental_responsibility=link.parental_responsibility,
                mobile_phone=link.contact.mobile_phone,
                home_phone=link.contact.home_phone,
                work_phone=link.contact.work_phone,
                email=link.contact.email,
            )
            for i, link in enumerate(links, start=1)
        ),
        attendance=ctf.attendance_years(marks, first=pupil.admission_date, last=last)
        if pupil.admission_date <= last
        else (),
    )


def export_pupils(
    *, actor=None, actor_label: str = "", school: School, pupils: list[Pupil], now: datetime
) -> tuple[str, bytes]:
    """A CTF for these pupils (file name, XML), recorded as an export of their data."""
    today = timezone.localdate(now)
    transfer = ctf.TransferFile(
        generated_at=timezone.localtime(now).replace(tzinfo=None),
        source=_school(school),
        pupils=tuple(pupil_record(p, last_day=today) for p in pupils),
    )
    for pupil in pupils:
        audit.record(
            "pupil.ctf_exported",
            actor=actor,
            actor_label=actor_label,
            school=school,
            obj=pupil,
            pupil_id=pupil.pk,
        )
    return ctf.file_name(transfer.source, None), ctf.build(transfer)


@dataclass(frozen=True)
class ImportResult:
    created: int
    matched: int
    years: int
    contacts: int


@transaction.atomic
def import_file(
    *, actor=None, actor_label: str = "", school: School, data: bytes, admission: date
) -> ImportResult:
    """Import a CTF all or nothing: pupils matched by UPN (created if new, admitted on
    `admission`), their contacts added, their previous schools' attendance kept beside ours.

    Raises ctf.CtfError naming every problem; nothing is written then.
    """
    transfer = ctf.parse(data)
    problems = []
    for i, record in enumerate(transfer.pupils, start=1):
        if why := upn_problem(record.upn):
            problems.append(f"Pupil[{i}]/UPN: {why}")
        if year_group_for(record.date_of_birth, admission) not in PRIMARY_YEAR_GROUPS:
            existing = Pupil.objects.filter(school=school, upn=record.upn).exists()
            if not existing:
                problems.append(f"Pupil[{i}]: not of primary school age on {admission:%-d %B %Y}")
    if problems:
        raise ctf.CtfError(problems)

    now = timezone.now()
    source = transfer.source
    created = matched = years = contacts = 0
    for record in transfer.pupils:
        pupil = Pupil.objects.filter(school=school, upn=record.upn).first()
        if pupil is None:
            pupil = Pupil.objects.create(
                school=school,
                upn=record.upn,
                legal_surname=record.surname,
                legal_forename=record.forename,
                preferred_surname=record.preferred_surname,
                preferred_forename=record.preferred_forename,
                date_of_birth=record.date_of_birth,
                gender={"M": "M", "F": "F"}.get(record.sex, "U"),
                year_group=year_group_for(record.date_of_birth, admission),
                admission_date=admission,
            )
            created += 1
            known_contacts: set[tuple[str, str]] = set()
        else:
            matched += 1
            known_contacts = {
                (c.forename.lower(), c.surname.lower())
                for c in Contact.objects.filter(pupil_links__pupil=pupil)
            }
        for c in record.contacts:
            if (c.forename.lower(), c.surname.lower()) in known_contacts:
                continue
            contact = Contact.objects.create(
                school=school,
                title=c.title,
                forename=c.forename,
                surname=c.surname,
                mobile_phone=c.mobile_phone,
                home_phone=c.home_phone,
                work_phone=c.work_phone,
                email=c.email,
            )
            PupilContact.objects.create(
                pupil=pupil,
                contact=contact,
                relationship=c.relationship,
                parental_responsibility=c.parental_responsibility,
                priority=c.order,
            )
            contacts += 1
        for y in record.attendance:
            PreviousAttendance.objects.update_or_create(
                pupil=pupil,
                school_la_estab=f"{source.la}{source.estab}",
                academic_year=y.year,
                start_date=y.start_date,
                defaults={
                    "school_name": source.name,
                    "school_urn": source.urn,
                    "marks": y.marks,
                    "sessions_possible": y.possible,
                    "sessions_authorised": y.authorised,
                    "sessions_unauthorised": y.unauthorised,
                    "imported_at": now,
                },
            )
            years += 1
        audit.record(
            "pupil.ctf_imported",
            actor=actor,
            actor_label=actor_label,
            school=school,
            obj=pupil,
            pupil_id=pupil.pk,
            source_school=source.name or f"{source.la}{source.estab}",
            years=[y.year for y in record.attendance],
        )
    return ImportResult(created=created, matched=matched, years=years, contacts=contacts)
