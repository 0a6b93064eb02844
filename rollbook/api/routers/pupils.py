from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import PupilOut, PupilPage
from rollbook.pupils.models import Pupil

router = Router(tags=["pupils"])


def pupil_out(p: Pupil) -> dict:
    return {
        "upn": p.upn,
        "legal_forename": p.legal_forename,
        "legal_surname": p.legal_surname,
        "preferred_forename": p.preferred_forename,
        "preferred_surname": p.preferred_surname,
        "date_of_birth": p.date_of_birth,
        "gender": p.gender,
        "year_group": p.year_group,
        "class_name": p.registration_group.name if p.registration_group else None,
        "admission_date": p.admission_date,
        "leaving_date": p.leaving_date,
    }


@router.get("", response={200: PupilPage, **ERRORS}, url_name="pupils")
def list_pupils(
    request,
    class_name: str | None = Query(None, alias="class", max_length=40),
    year: str | None = Query(None, max_length=2),
    page: int = Query(1, ge=1),
    page_size: int = Query(scope.DEFAULT_PAGE_SIZE, ge=1, le=scope.MAX_PAGE_SIZE),
):
    """Pupils of the token's school, by surname; filter by class name or year group."""
    scope.require_pupil_level(request)
    pupils = request.auth.school.pupils.select_related("registration_group").order_by(
        "legal_surname", "legal_forename", "upn"
    )
    if class_name is not None:
        pupils = pupils.filter(registration_group__name=class_name)
    if year is not None:
        pupils = pupils.filter(year_group=year)
    return scope.paginate(pupils, page, page_size, pupil_out)


@router.get("/{upn}", response={200: PupilOut, **ERRORS}, url_name="pupil")
def get_pupil(request, upn: str):
    """One pupil by UPN (404 for a UPN not at the token's school)."""
    scope.require_pupil_level(request)
    pupils = request.auth.school.pupils.select_related("registration_group")
    return pupil_out(get_object_or_404(pupils, upn=upn))
