"""Who may see and decide leave requests (404 for another school, 403 for the wrong role)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import require_office, require_school, roles_at
from rollbook.leave import rules
from rollbook.leave.models import LeaveRequest, PartTimeTimetable
from rollbook.policy.monitoring import active_policy


def may_decide(user, school) -> bool:
    policy, _ = active_policy(school)
    return rules.may_decide(roles_at(user, school), policy.leave.decision_role)


def get_leave_for_office(user, leave_id: int) -> LeaveRequest:
    school = require_office(user)
    leave = (
        LeaveRequest.objects.filter(pk=leave_id, school=school)
        .select_related("school", "requested_by")
        .first()
    )
    if leave is None:
        raise Http404("No such leave request.")
    return leave


def get_leave_for_decider(user, leave_id: int) -> LeaveRequest:
    """The policy's decision role (or the head teacher) only: 403 before the lookup."""
    school = require_school(user)
    if not may_decide(user, school):
        raise PermissionDenied("Only the person the school authorises can decide leave.")
    leave = LeaveRequest.objects.filter(pk=leave_id, school=school).select_related("school").first()
    if leave is None:
        raise Http404("No such leave request.")
    return leave


def get_timetable_for_office(user, timetable_id: int) -> PartTimeTimetable:
    school = require_office(user)
    timetable = PartTimeTimetable.objects.filter(pk=timetable_id, school=school).first()
    if timetable is None:
        raise Http404("No such part-time timetable.")
    return timetable
