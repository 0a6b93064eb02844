from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.errors import ValidationError

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import MarkIn, MarkPage, MarksSaved
from rollbook.registers.actions import save_marks
from rollbook.registers.importing import check_duplicates, parse_mark_row
from rollbook.registers.models import Mark, Source
from rollbook.registers.queries import pupil_facts

FROM, TO = Query(..., alias="from"), Query(..., alias="to")  # required, inclusive
router = Router(tags=["marks"])
MAX_BATCH = 5000


def mark_out(m: Mark) -> dict:
    return {
        "upn": m.pupil.upn,
        "date": m.date,
        "session": m.session,
        "code": m.code,
        "minutes_late": m.minutes_late,
        "source": m.source,
        "version": m.version,
    }


@router.get("", response={200: MarkPage, **ERRORS}, url_name="marks")
def list_marks(
    request,
    first: date = FROM,
    last: date = TO,
    upn: str | None = Query(None, max_length=20),
    page: int = Query(1, ge=1, le=scope.MAX_PAGE),
    page_size: int = Query(scope.DEFAULT_PAGE_SIZE, ge=1, le=scope.MAX_PAGE_SIZE),
):
    """Marks from `from` to `to` (inclusive), by date, session and UPN; optionally one pupil's."""
    scope.require_pupil_level(request)
    if last < first:
        raise invalid([{"field": "to", "message": "'to' is before 'from'"}])
    school = request.auth.school
    marks = Mark.objects.filter(school=school, date__range=(first, last)).select_related("pupil")
    if upn is not None:
        marks = marks.filter(pupil=get_object_or_404(school.pupils, upn=upn))
    return scope.paginate(
        marks.order_by("date", "session", "pupil__upn"), page, page_size, mark_out
    )


# The import's messages say what is wrong in words; the API also names the field.
FIELD_OF_MESSAGE = (
    ("no pupil with UPN", "upn"),
    ("minutes_late", "minutes_late"),
    ("session ", "session"),
    ("the school is closed on", "session"),
    ("a second mark for the same", "session"),
    ("code ", "code"),
)


def field_of(message: str) -> str:
    for start, field in FIELD_OF_MESSAGE:
        if message.startswith(start):
            return field
    return "date"  # not a date, not a school day, before admission, after leaving


def invalid(fields: list[dict]) -> ValidationError:
    return ValidationError([{"loc": ("body", f["field"]), "msg": f["message"]} for f in fields])


@router.put("", response={200: MarksSaved, **ERRORS}, url_name="marks")
def put_marks(request, payload: list[MarkIn]):
    """Upsert marks by pupil x date x session: all or nothing, checked as the CSV import is.

    The same code again changes nothing; a different code is a revision with this token's
    name as its reason. Errors name each item by its index: "3.code".
    """
    scope.require_mark_writer(request)
    token, school = request.auth, request.auth.school
    if len(payload) > MAX_BATCH:
        raise invalid([{"field": "", "message": f"at most {MAX_BATCH} marks in one request"}])
    upns = {item.upn for item in payload}
    pupils = pupil_facts(school.pupils.filter(upn__in=upns))
    calendar = school.calendar()
    rows, errors = [], []
    for index, item in enumerate(payload):
        raw = {
            "upn": item.upn,
            "date": item.date,
            "session": item.session,
            "code": item.code,
            "minutes_late": "" if item.minutes_late is None else str(item.minutes_late),
        }
        row, row_errors = parse_mark_row(index, raw, pupils, calendar)
        errors += row_errors
        if row:
            rows.append(row)
    errors += check_duplicates(rows)
    if errors:
        raise invalid(
            [
                {
                    "field": f"{e.line}.{field_of(e.message)}",
                    "message": e.message.replace("first on line", "first at index"),
                }
                for e in sorted(errors, key=lambda e: e.line)
            ]
        )
    result = save_marks(
        actor_label=token.label,
        school=school,
        rows=rows,
        source=Source.IMPORT,
        reason=f"API: {token.name}",
    )
    return {"created": result.created, "changed": result.changed, "unchanged": result.unchanged}
