"""Who may decide and follow penalty notices: the office roles (attendance lead, office,
head, administrator); 403 for other roles before any lookup, 404 outside the user's school.
A pupil's notices can also be read by the other case readers (DSL, SENCO), as the casework
timeline shows their steps."""

from __future__ import annotations

from django.http import Http404

from rollbook.casework.access import get_pupil_for_case_reader
from rollbook.core.access import is_office, require_office
from rollbook.penalties.models import PenaltyNotice
from rollbook.policy.models import Alert
from rollbook.pupils.models import Pupil


def get_pupil_for_office(user, pupil_id: int) -> Pupil:
    school = require_office(user)
    pupil = school.pupils.select_related("registration_group", "school").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil


def get_pupil_for_reader(user, pupil_id: int) -> Pupil:
    return get_pupil_for_case_reader(user, pupil_id)


def may_write(user, pupil: Pupil) -> bool:
    return is_office(user, pupil.school)


def get_alert_for_office(user, alert_id: int) -> Alert:
    school = require_office(user)
    alert = (
        Alert.objects.filter(pk=alert_id, school=school)
        .select_related("pupil__school", "school")
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    return alert


def get_notice(pupil: Pupil, notice_id: int | None) -> PenaltyNotice:
    """A notice of this pupil (already checked for the user): 404 otherwise."""
    notice = (
        PenaltyNotice.objects.filter(pk=notice_id, pupil=pupil).select_related("parent").first()
        if notice_id
        else None
    )
    if notice is None:
        raise Http404("No such penalty notice.")
    return notice
