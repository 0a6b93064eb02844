from datetime import date

import pytest
from django.contrib.auth import get_user_model

from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.actions import MarkError, change_mark
from rollbook.registers.models import Mark

pytestmark = pytest.mark.django_db
MON = date(2025, 10, 6)


@pytest.fixture
def mark():
    pupil = make_pupil(make_school())
    add_marks(pupil, [(MON, "AM", "N")])
    return Mark.objects.get()


@pytest.fixture
def office():
    return get_user_model().objects.create_user("office", password="x")


def test_changing_a_mark_keeps_the_original_and_records_who_and_why(mark, office):
    change_mark(actor=office, mark=mark, code="I", reason="Mum rang: chickenpox")

    mark.refresh_from_db()
    revision = mark.revisions.get()
    assert mark.code == "I" and mark.version == 2
    assert (revision.old_code, revision.new_code, revision.changed_by, revision.reason) == (
        "N",
        "I",
        office,
        "Mum rang: chickenpox",
    )
    event = AuditEvent.objects.get(kind="mark.changed")
    assert (event.actor, event.pupil_id, event.data["old"], event.data["new"]) == (
        office,
        mark.pupil_id,
        "N",
        "I",
    )


def test_an_amendment_without_a_reason_is_refused(mark, office):
    with pytest.raises(MarkError, match="reason"):
        change_mark(actor=office, mark=mark, code="I", reason="  ")

    mark.refresh_from_db()
    assert mark.code == "N" and not mark.revisions.exists()


def test_a_stale_edit_does_not_overwrite_a_newer_change(mark, office):
    change_mark(actor=office, mark=mark, code="I", reason="first")

    with pytest.raises(MarkError, match="someone else changed"):
        change_mark(actor=office, mark=mark, code="M", reason="second", expected_version=1)

    mark.refresh_from_db()
    assert mark.code == "I" and mark.revisions.count() == 1


def test_a_withdrawn_code_cannot_be_entered(mark, office):
    with pytest.raises(MarkError, match="withdrawn"):
        change_mark(actor=office, mark=mark, code="H", reason="holiday")
