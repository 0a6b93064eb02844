"""Who may see and change cases: 404 outside the user's school, 403 for the wrong role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.casework import rules
from rollbook.core.access import require_school, roles_at
from rollbook.core.models import Role, School
from rollbook.pupils.models import Family, Pupil


def require_case_reader(user) -> School:
    school = require_school(user)
    if not rules.may_read(roles_at(user, school)):
        raise PermissionDenied("Cases are for the office, senior staff, the DSL and the SENCO.")
    return school


def may_write(user, school: School) -> bool:
    return rules.may_write(roles_at(user, school))


def may_read_safeguarding(user, school: School) -> bool:
    return rules.may_read_safeguarding(
        roles_at(user, school), superuser=getattr(user, "is_superuser", False)
    )


def _pupil(user, pupil_id: int) -> tuple[School, Pupil]:
    school = require_school(user)
    pupil = (
        school.pupils.select_related("registration_group", "family", "school")
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None:
        raise Http404("No such pupil.")
    return school, pupil


def get_pupil_for_case_reader(user, pupil_id: int) -> Pupil:
    school, pupil = _pupil(user, pupil_id)
    if not rules.may_read(roles_at(user, school)):
        raise PermissionDenied("Cases are for the office, senior staff, the DSL and the SENCO.")
    return pupil


def get_pupil_for_timeline(user, pupil_id: int) -> Pupil:
    """Case readers see any pupil at their school; a class teacher only their own pupils."""
    school, pupil = _pupil(user, pupil_id)
    roles = roles_at(user, school)
    group = pupil.registration_group
    teaches = (
        Role.TEACHER in roles and group is not None and group.teachers.filter(pk=user.pk).exists()
    )
    if not rules.may_read_timeline(roles, teaches_pupil=teaches):
        raise PermissionDenied("You can see the timelines of your own class's pupils only.")
    return pupil


def may_read_cases(user, school: School) -> bool:
    return rules.may_read(roles_at(user, school))


def require_caseload_holder(user) -> School:
    """'My caseload': staff who may hold families or tasks (teachers too: year group leaders);
    not governors or trust analysts."""
    school = require_school(user)
    roles = roles_at(user, school)
    if not (rules.may_read(roles) or Role.TEACHER in roles):
        raise PermissionDenied("Caseloads are for school staff.")
    return school


def require_case_writer(user) -> School:
    school = require_school(user)
    if not rules.may_write(roles_at(user, school)):
        raise PermissionDenied("Only the office, senior staff and the DSL can change cases.")
    return school


def get_family_for_case_writer(user, family_id: int) -> Family:
    family = get_family_for_case_reader(user, family_id)
    if not rules.may_write(roles_at(user, family.school)):
        raise PermissionDenied("Only the office, senior staff and the DSL can allocate families.")
    return family


def get_pupil_for_case_writer(user, pupil_id: int) -> Pupil:
    school, pupil = _pupil(user, pupil_id)
    if not rules.may_write(roles_at(user, school)):
        raise PermissionDenied("Only the office, senior staff and the DSL can change cases.")
    return pupil


def get_family_for_case_reader(user, family_id: int) -> Family:
    school = require_school(user)
    family = Family.objects.filter(pk=family_id, school=school).select_related("school").first()
    if family is None:
        raise Http404("No such family.")
    if not rules.may_read(roles_at(user, school)):
        raise PermissionDenied("Cases are for the office, senior staff, the DSL and the SENCO.")
    return family


def get_pupil_for_concern(user, pupil_id: int) -> Pupil:
    """Anyone who may read the pupil's timeline may raise a concern about them: case readers,
    and a class teacher for their own class's pupils only (403 for another class)."""
    school, pupil = _pupil(user, pupil_id)
    roles = roles_at(user, school)
    group = pupil.registration_group
    teaches = (
        Role.TEACHER in roles and group is not None and group.teachers.filter(pk=user.pk).exists()
    )
    if not rules.may_raise_concern(roles, teaches_pupil=teaches):
        raise PermissionDenied("You can raise concerns about your own class's pupils only.")
    return pupil
