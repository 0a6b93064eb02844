from datetime import date

from django.urls import path, register_converter

from rollbook.core.calendar import Session
from rollbook.registers import views


class IsoDateConverter:
    """yyyy-mm-dd. An impossible date (2026-02-30) does not match, so the URL is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


class SessionConverter:
    regex = "AM|PM"

    def to_python(self, value: str) -> Session:
        return Session(value)

    def to_url(self, value: Session | str) -> str:
        return str(value)


register_converter(IsoDateConverter, "isodate")
register_converter(SessionConverter, "session")

urlpatterns = [
    path("registers/", views.register_list, name="register_list"),
    path(
        "registers/<int:group_id>/<isodate:day>/<session:session>/",
        views.register_take,
        name="register_take",
    ),
    path("office/today/", views.office_today, name="office_today"),
    path("office/today/chase/", views.office_chase, name="office_chase"),
    path(
        "office/today/pupils/<int:pupil_id>/contact/",
        views.office_log_contact,
        name="office_log_contact",
    ),
    path(
        "office/today/pupils/<int:pupil_id>/reason/",
        views.office_record_reason,
        name="office_record_reason",
    ),
    path(
        "office/pupils/<int:pupil_id>/evidence-required/",
        views.evidence_required,
        name="evidence_required",
    ),
    path("office/late/", views.late_sign_in, name="late_sign_in"),
]
