"""Writes to schools and their calendars: every one atomic and audited."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from rollbook.core import audit
from rollbook.core.calendar import Session, TermDates, academic_year_of
from rollbook.core.models import AcademicYear, Closure, Phase, Role, School, StaffRole, Term


class SchoolError(ValueError):
    pass


@transaction.atomic
def create_school(
    *,
    actor=None,
    actor_label: str = "",
    urn: str,
    name: str,
    terms: Iterable[TermDates],
    phase: str = Phase.PRIMARY,
    local_authority: str = "",
    la_code: str = "",
) -> School:
    if School.objects.filter(urn=urn).exists():
        raise SchoolError(f"a school with URN {urn} already exists")
    school = School(
        urn=urn, name=name, phase=phase, local_authority=local_authority, la_code=la_code
    )
    try:
        school.full_clean()
    except ValidationError as e:
        raise SchoolError(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in e.message_dict.items())
        ) from e
    school.save()
    terms = sorted(terms, key=lambda t: t.start)
    _check_terms_do_not_overlap(terms)
    for t in terms:
        add_term(school=school, term=t)
    audit.record(
        "school.created",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=school,
        urn=urn,
        name=name,
        terms=[[t.name, t.start.isoformat(), t.end.isoformat()] for t in terms],
    )
    return school


def _check_terms_do_not_overlap(terms: list[TermDates]) -> None:
    for before, after in itertools.pairwise(terms):
        if after.start <= before.end:
            raise SchoolError(f"terms {before.name!r} and {after.name!r} overlap")


def add_term(*, school: School, term: TermDates) -> Term:
    """Part of `create_school` (and later of editing term dates): the caller audits."""
    start_year = academic_year_of(term.start)
    if academic_year_of(term.end) != start_year:
        raise SchoolError(f"term {term.name!r} crosses the end of the academic year (31 July)")
    year, _ = AcademicYear.objects.get_or_create(school=school, start_year=start_year)
    return Term.objects.create(
        school=school, academic_year=year, name=term.name, start_date=term.start, end_date=term.end
    )


@transaction.atomic
def add_closure(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    day: date,
    session: Session | None = None,
    reason: str,
) -> Closure:
    if not reason.strip():
        raise SchoolError("a closure needs a reason (e.g. 'INSET day')")
    closure = Closure.objects.create(school=school, date=day, session=session or "", reason=reason)
    audit.record(
        "closure.added",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=closure,
        date=day.isoformat(),
        session=session or "",
        reason=reason,
    )
    return closure


@transaction.atomic
def create_staff_user(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    username: str,
    password: str,
    roles: Iterable[Role | str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    superuser: bool = False,
):
    """A sign-in for a member of staff, with their roles at `school` (audited; never the password).

    `superuser` is for the system administrator only: it opens the Django admin.
    """
    granted = list(dict.fromkeys(Role(r) for r in roles))
    if not granted:
        raise SchoolError("a member of staff needs at least one role")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise SchoolError(f"the username {username!r} is already taken")
    user = user_model(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=superuser,
        is_superuser=superuser,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise SchoolError(f"password for {username!r}: {' '.join(e.messages)}") from e
    user.set_password(password)
    user.full_clean()
    user.save()
    StaffRole.objects.bulk_create([StaffRole(user=user, school=school, role=r) for r in granted])
    audit.record(
        "staff_user.created",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=user,
        username=username,
        roles=[r.value for r in granted],
        superuser=superuser,
    )
    return user
