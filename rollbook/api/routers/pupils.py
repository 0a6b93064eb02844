from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import ContactOut, PupilOut, PupilPage
from rollbook.pupils import transfer
from rollbook.pupils.models import Pupil, PupilContact

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
    page: int = Query(1, ge=1, le=scope.MAX_PAGE),
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


@router.get("/{upn}/contacts", response={200: list[ContactOut], **ERRORS}, url_name="contacts")
def pupil_contacts(request, upn: str):
    """The pupil's contacts in calling order (priority 1 first)."""
    scope.require_pupil_level(request)
    pupil = get_object_or_404(request.auth.school.pupils, upn=upn)
    links = PupilContact.objects.filter(pupil=pupil).select_related("contact").order_by("priority")
    return [
        {
            "priority": link.priority,
            "relationship": link.relationship,
            "parental_responsibility": link.parental_responsibility,
            "lives_with_pupil": link.lives_with_pupil,
            **{
                field: getattr(link.contact, field)
                for field in (
                    "title",
                    "forename",
                    "surname",
                    "mobile_phone",
                    "home_phone",
                    "work_phone",
                    "email",
                    "preferred_language",
                )
            },
        }
        for link in links
    ]


@router.get(
    "/{upn}/ctf",
    response={200: None, **ERRORS},
    url_name="pupil_ctf",
    openapi_extra={
        "responses": {
            200: {
                "description": "A Common Transfer File (XML) for the pupil",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def pupil_ctf(request, upn: str):
    """A Common Transfer File for the pupil (office roles; recorded as an export)."""
    scope.require_mark_writer(request)  # the office roles: the people who send CTFs
    pupil = get_object_or_404(request.auth.school.pupils, upn=upn)
    name, data = transfer.export_pupils(
        actor_label=request.auth.label,
        school=request.auth.school,
        pupils=[pupil],
        now=timezone.now(),
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
