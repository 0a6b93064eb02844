"""Writes to pupils, classes and families: atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.csvio import ImportRejected, LineError, read_csv
from rollbook.core.models import School
from rollbook.pupils.importing import (
    OPTIONAL,
    REQUIRED,
    PupilRow,
    check_pupil_rows,
    parse_pupil_row,
)
from rollbook.pupils.models import Contact, Family, Pupil, PupilContact, RegistrationGroup

_COPIED = [f.name for f in fields(PupilRow) if f.name not in ("line", "class_name", "family_id")]


@dataclass(frozen=True)
class PupilImportResult:
    created: int
    updated: int
    unchanged: int


def parse_pupils_file(path: str) -> list[PupilRow]:
    """Read and check a pupils CSV; raise ImportRejected naming every bad line."""
    csv_rows = read_csv(path, REQUIRED, OPTIONAL)
    errors: list[LineError] = list(csv_rows.errors)
    rows: list[PupilRow] = []
    for line, raw in csv_rows.rows:
        row, row_errors = parse_pupil_row(line, raw)
        errors += row_errors
        if row:
            rows.append(row)
    errors += check_pupil_rows(rows)
    if errors:
        raise ImportRejected(str(path), sorted(errors, key=lambda e: e.line))
    return rows


@transaction.atomic
def save_pupils(
    *, actor=None, actor_label: str = "", school: School, rows: list[PupilRow], source: str = ""
) -> PupilImportResult:
    """Create or update pupils by UPN (one audit event for the batch, listing what changed)."""
    groups = {g.name: g for g in school.registration_groups.all()}
    families = {f.reference: f for f in school.families.all()}
    existing = {p.upn: p for p in school.pupils.all()}
    created, updated, changes = [], [], {}
    for row in rows:
        group = groups.get(row.class_name)
        if group is None:
            group = groups[row.class_name] = RegistrationGroup.objects.create(
                school=school, name=row.class_name, year_group=row.year_group
            )
        family = None
        if row.family_id:
            family = families.get(row.family_id)
            if family is None:
                family = families[row.family_id] = Family.objects.create(
                    school=school, reference=row.family_id
                )
        values = {name: getattr(row, name) for name in _COPIED} | {
            "registration_group": group,
            "family": family,
        }
        pupil = existing.get(row.upn)
        if pupil is None:
            created.append(Pupil(school=school, **values))
            continue
        diff = {
            k: [str(getattr(pupil, k)), str(v)] for k, v in values.items() if getattr(pupil, k) != v
        }
        if diff:
            for k, v in values.items():
                setattr(pupil, k, v)
            pupil.updated_at = timezone.now()
            updated.append(pupil)
            changes[row.upn] = diff
    Pupil.objects.bulk_create(created, batch_size=500)
    if updated:
        Pupil.objects.bulk_update(
            updated, [*_COPIED, "registration_group", "family", "updated_at"], batch_size=500
        )
    audit.record(
        "pupils.imported",
        actor=actor,
        actor_label=actor_label,
        school=school,
        source=source,
        created=[p.upn for p in created],
        changed=changes,
    )
    return PupilImportResult(
        created=len(created),
        updated=len(updated),
        unchanged=len(rows) - len(created) - len(updated),
    )


class PupilError(ValueError):
    pass


@transaction.atomic
def add_contact(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    pupils: Iterable[Pupil],
    forename: str,
    surname: str,
    relationship: str,
    title: str = "",
    mobile_phone: str = "",
    home_phone: str = "",
    work_phone: str = "",
    email: str = "",
    preferred_language: str = "English",
    parental_responsibility: bool = True,
    lives_with_pupil: bool = True,
) -> Contact:
    """A parent or carer, linked to one or more pupils (siblings share one contact).

    The new contact is called after the pupils' existing contacts (next priority number).
    """
    pupils = list(pupils)
    if not pupils:
        raise PupilError("a contact must be linked to at least one pupil")
    if any(p.school_id != school.pk for p in pupils):
        raise PupilError("a contact can only be linked to pupils at the same school")
    if not relationship.strip():
        raise PupilError("say how the contact is related to the pupil (e.g. Mother, Carer)")
    contact = Contact(
        school=school,
        title=title,
        forename=forename,
        surname=surname,
        mobile_phone=mobile_phone,
        home_phone=home_phone,
        work_phone=work_phone,
        email=email,
        preferred_language=preferred_language or "English",
    )
    try:
        contact.full_clean()
    except ValidationError as e:
        raise PupilError(f"contact {forename} {surname}: {' '.join(e.messages)}") from e
    contact.save()
    last = dict(
        PupilContact.objects.filter(pupil__in=pupils)
        .values("pupil_id")
        .annotate(last=Max("priority"))
        .values_list("pupil_id", "last")
    )
    PupilContact.objects.bulk_create(
        PupilContact(
            pupil=p,
            contact=contact,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
            lives_with_pupil=lives_with_pupil,
            priority=last.get(p.pk, 0) + 1,
        )
        for p in pupils
    )
    audit.record(
        "contact.added",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=contact,
        pupil_id=pupils[0].pk if len(pupils) == 1 else None,
        pupils=[p.upn for p in pupils],
        relationship=relationship,
        parental_responsibility=parental_responsibility,
    )
    return contact


@transaction.atomic
def add_class_teacher(*, actor=None, actor_label: str = "", group: RegistrationGroup, user) -> None:
    """Let `user` take the register for `group` (a class may have several teachers)."""
    if group.teachers.filter(pk=user.pk).exists():
        return
    group.teachers.add(user)
    audit.record(
        "class_teacher.added",
        actor=actor,
        actor_label=actor_label,
        school=group.school,
        obj=group,
        class_name=group.name,
        username=user.get_username(),
    )
