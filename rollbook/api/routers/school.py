from __future__ import annotations

from ninja import Router

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import ClassOut, SchoolOut

router = Router(tags=["school"])


@router.get("school", response={200: SchoolOut, **ERRORS}, url_name="school")
def get_school(request):
    """The token's school (every role)."""
    return request.auth.school


@router.get("classes", response={200: list[ClassOut], **ERRORS}, url_name="classes")
def list_classes(request):
    """The school's classes (registration groups): names and year groups, no pupils."""
    scope.require_aggregates(request)
    return list(
        request.auth.school.registration_groups.order_by("name").values("name", "year_group")
    )
