"""Views: happy path, wrong method, wrong user, errors re-rendered; the decision letter PDF."""

import subprocess
from datetime import date

import pytest
from django.urls import reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.leave.actions import create_leave_request, decide_leave_request
from rollbook.leave.models import LeaveRequest, PartTimeTimetable
from rollbook.pupils.actions import add_contact
from rollbook.registers.models import Mark

pytestmark = pytest.mark.django_db


def _user(school, name, role):
    return create_staff_user(
        actor_label="t", school=school, username=name, password="x" * 12, roles=[role]
    )


@pytest.fixture
def w():
    school = make_school(name="Meadow Primary")
    amy = make_pupil(
        school,
        legal_forename="Amaryllis",
        legal_surname="Sampleton",
        admission_date=date(2025, 9, 1),
    )
    mum = add_contact(
        actor_label="t",
        school=school,
        pupils=[amy],
        forename="Mary",
        surname="Mum",
        relationship="Mother",
    )
    leave = create_leave_request(
        actor=None,
        school=school,
        pupils=[amy],
        requested_by=mum,
        requested_on=date(2025, 11, 3),
        first_date=date(2025, 11, 17),
        last_date=date(2025, 11, 19),
        reason="holiday",
        reason_text="Cheaper flights",
    )
    other = make_school(name="Hill Primary")
    return {
        "school": school,
        "amy": amy,
        "mum": mum,
        "leave": leave,
        "office": _user(school, "office", Role.OFFICE),
        "head": _user(school, "head", Role.HEAD),
        "teacher": _user(school, "teacher", Role.TEACHER),
        "other_head": _user(other, "hill", Role.HEAD),
    }


def test_list_and_detail_show_the_request_and_its_figures_after(client, w):
    client.force_login(w["office"])
    assert "Amaryllis Sampleton" in client.get(reverse("leave:list")).content.decode()
    page = client.get(reverse("leave:detail", args=[w["leave"].pk])).content.decode()
    assert "6 school sessions" in page and "What the request would do" in page
    assert "Waiting for a decision" in page  # the office cannot decide


def test_new_request_happy_path_and_errors(client, w):
    client.force_login(w["office"])
    data = {
        "pupils": [w["amy"].pk],
        "requested_by": w["mum"].pk,
        "requested_on": "2025-11-03",
        "first_date": "2025-12-01",
        "first_session": "AM",
        "last_date": "2025-12-02",
        "last_session": "PM",
        "reason": "medical",
        "reason_text": "Hospital appointment",
    }
    response = client.post(reverse("leave:new"), data)
    leave = LeaveRequest.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse(
        "leave:detail", args=[leave.pk]
    )

    bad = client.post(reverse("leave:new"), data | {"last_date": "2025-11-30", "reason_text": ""})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert LeaveRequest.objects.count() == 2


def test_wrong_users_and_methods(client, w):
    detail = reverse("leave:detail", args=[w["leave"].pk])
    assert client.get(detail)["Location"].startswith(reverse("login"))
    client.force_login(w["teacher"])
    assert client.get(reverse("leave:list")).status_code == 403
    client.force_login(w["other_head"])
    assert client.get(detail).status_code == 404
    client.force_login(w["office"])
    assert client.post(reverse("leave:list")).status_code == 405
    assert client.get(reverse("leave:decide", args=[w["leave"].pk])).status_code == 405
    assert (
        client.post(
            reverse("leave:decide", args=[w["leave"].pk]), {"decision": "refused", "reason": "x"}
        ).status_code
        == 403
    )


def test_the_head_refuses_then_the_letter_and_the_absence_taken(client, w):
    client.force_login(w["head"])
    url = reverse("leave:decide", args=[w["leave"].pk])
    bad = client.post(url, {"decision": "granted", "reason": "ok"})  # a holiday, not exceptional
    assert bad.status_code == 200 and "holiday cannot be authorised" in bad.content.decode()

    response = client.post(url, {"decision": "refused", "reason": "Holidays are not exceptional"})
    assert response.status_code == 302

    pdf = client.get(reverse("leave:letter", args=[w["leave"].pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Amaryllis Sampleton" in text and "Refused" in text and "Meadow Primary" in text

    taken = reverse("leave:taken", args=[w["leave"].pk])
    assert client.post(taken, {}).status_code == 200  # errors re-rendered
    client.post(
        taken,
        {
            "first_date": "2025-11-17",
            "first_session": "AM",
            "last_date": "2025-11-19",
            "last_session": "PM",
        },
    )
    assert set(Mark.objects.values_list("code", flat=True)) == {"G"}


def test_the_letter_waits_for_a_decision(client, w):
    client.force_login(w["office"])
    response = client.get(reverse("leave:letter", args=[w["leave"].pk]))
    assert response.status_code == 302


def test_granted_in_part_from_the_form(client, w):
    w["leave"].reason = "exceptional"  # a test shortcut: the reason category only
    LeaveRequest.objects.filter(pk=w["leave"].pk).update(reason="exceptional")
    client.force_login(w["head"])
    client.post(
        reverse("leave:decide", args=[w["leave"].pk]),
        {
            "decision": "granted_in_part",
            "reason": "Two days",
            "granted_first_date": "2025-11-17",
            "granted_first_session": "AM",
            "granted_last_date": "2025-11-18",
            "granted_last_session": "PM",
        },
    )
    assert list(Mark.objects.values_list("code", flat=True)) == ["C"] * 4


def test_part_time_pages(client, w):
    client.force_login(w["office"])
    assert client.get(reverse("leave:part_time_new")).status_code == 200
    data = {
        "pupil": w["amy"].pk,
        "agreed_with": w["mum"].pk,
        "start_date": "2025-11-10",
        "end_date": "2025-11-21",
        "sessions": ["Mon PM"],
        "reason": "Phased return",
        "review_date": "2025-11-17",
    }
    bad = client.post(reverse("leave:part_time_new"), data | {"end_date": ""})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert client.post(reverse("leave:part_time_new"), data).status_code == 302
    assert PartTimeTimetable.objects.count() == 1
    assert list(Mark.objects.values_list("code", flat=True)) == ["C2", "C2"]
    assert "Amaryllis Sampleton" in client.get(reverse("leave:part_time_list")).content.decode()
    client.force_login(w["teacher"])
    assert client.get(reverse("leave:part_time_list")).status_code == 403
    assert client.post(reverse("leave:part_time_list")).status_code in (403, 405)


def test_decided_already(w):
    decide_leave_request(
        actor=w["head"], leave=w["leave"], decision="refused", reason="No", on=date(2025, 11, 4)
    )
    from rollbook.leave.actions import LeaveError

    with pytest.raises(LeaveError, match="already"):
        decide_leave_request(
            actor=w["head"], leave=w["leave"], decision="refused", reason="No", on=date(2025, 11, 4)
        )


def test_a_portal_upload_is_a_download_for_the_office(client, w):
    from django.core.files.base import ContentFile

    leave = create_leave_request(
        actor=None,
        school=w["school"],
        pupils=[w["amy"]],
        requested_by=w["mum"],
        requested_on=date(2025, 11, 3),
        first_date=date(2025, 12, 1),
        last_date=date(2025, 12, 2),
        reason="exceptional",
        reason_text="Funeral",
        evidence_file=ContentFile(b"\x89PNG\r\n\x1a\nxx", name="f00d.png"),
        evidence_type="image/png",
        submitted_via="portal",
    )
    url = reverse("leave:evidence", args=[leave.pk])
    client.force_login(w["office"])

    page = client.get(reverse("leave:detail", args=[leave.pk])).content.decode()
    response = client.get(url)
    none = client.get(reverse("leave:evidence", args=[w["leave"].pk]))

    assert url in page and "through the parent portal" in page
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert response["Content-Disposition"] == (
        f'attachment; filename="leave-request-{leave.pk}-evidence.png"'
    )
    assert none.status_code == 404
    client.force_login(w["teacher"])
    assert client.get(url).status_code == 403
