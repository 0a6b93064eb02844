"""Choosing the school a command works on."""

from django.core.management.base import CommandError

from rollbook.core.models import School


def school_for_command(urn: str | None) -> School:
    """The school with this URN; with no URN, the only school (an error if there are several)."""
    if urn:
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise CommandError(f"no school with URN {urn}")
        return school
    schools = list(School.objects.all()[:2])
    if not schools:
        raise CommandError("there is no school yet: create one with `rollbook school create`")
    if len(schools) > 1:
        raise CommandError("there are several schools: choose one with --school URN")
    return schools[0]
