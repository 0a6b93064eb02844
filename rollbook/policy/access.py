"""Who may see and change policy pages: the office roles (403 for anyone else), and only
their own school's pupils (404 for another school's, which we do not confirm exists)."""

from __future__ import annotations

from django.http import Http404

from rollbook.core.access import require_office
from rollbook.pupils.models import Pupil


def get_pupil_for_office(user, pupil_id: int) -> Pupil:
    school = require_office(user)
    pupil = school.pupils.select_related("registration_group", "school").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil
