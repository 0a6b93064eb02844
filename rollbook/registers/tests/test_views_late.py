"""Reception's late sign-in (/office/late/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.registers.models import Mark
from rollbook.registers.tests.test_views_world import MORNING, TODAY, at, world

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
LATE_URL = "/office/late/"


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


@pytest.fixture
def w():
    return world()


def sign_in(client, pupil, arrived="09:10", session="AM", reason="car broke down", **kw):
    data = {"pupil": pupil.pk, "session": session, "arrived": arrived, "reason": reason}
    return client.post(LATE_URL, data, **kw)


def test_reception_finds_a_pupil_by_name_and_opens_the_sign_in_form(client, w):
    client.force_login(w.office)

    found = client.get(LATE_URL, {"q": "ben BR"}).content.decode()
    form = client.get(LATE_URL, {"pupil": w["Ben"].pk}).content.decode()

    assert f'href="{LATE_URL}?pupil={w["Ben"].pk}&amp;q=ben%20BR">Sign in Ben Brook</a>' in found
    assert "Amy Able" not in found and "1 pupil found" in found
    assert "Sign in Ben Brook</h2>" in form
    assert 'name="arrived" type="text" inputmode="numeric" value="09:30"' in form
    assert 'value="AM" checked' in form


def test_a_pupil_can_be_found_by_upn(client, w):
    client.force_login(w.office)

    html = client.get(LATE_URL, {"q": w["Cara"].upn.lower()}).content.decode()

    assert "Sign in Cara Cole" in html


def test_in_the_afternoon_the_form_suggests_the_afternoon_session(client, w, time_machine):
    time_machine.move_to(at(13, 40), tick=False)
    client.force_login(w.office)

    html = client.get(LATE_URL, {"pupil": w["Ben"].pk}).content.decode()

    assert 'value="PM" checked' in html and 'value="13:40"' in html


def test_a_sign_in_before_the_register_closes_writes_l_with_minutes(client, w):
    client.force_login(w.office)

    response = sign_in(client, w["Amy"], arrived="09:10")

    assert response.status_code == 302 and response["Location"] == LATE_URL
    mark = Mark.objects.get(pupil=w["Amy"], date=TODAY, session="AM")
    assert (mark.code, mark.minutes_late, mark.source) == ("L", 25, "office")
    assert AuditEvent.objects.filter(kind="pupil.signed_in_late", pupil_id=w["Amy"].pk).exists()
    assert "Amy Able signed in: L, 25 minutes late" in client.get(LATE_URL).content.decode()


def test_a_sign_in_after_the_register_closes_writes_u(client, w):
    client.force_login(w.office)

    sign_in(client, w["Amy"], arrived="09:20")

    html = client.get(LATE_URL).content.decode()
    assert "Amy Able signed in: U — arrived after the register closed (35 minutes late)" in html
    assert Mark.objects.get(pupil=w["Amy"]).code == "U"


def test_the_teacher_sees_the_late_mark_locked_on_the_register(client, w):
    client.force_login(w.office)
    sign_in(client, w["Amy"], arrived="09:05")
    client.force_login(w.teacher_y3)

    html = client.get(reverse("register_take", args=[w.y3.pk, TODAY, "AM"])).content.decode()

    assert (
        "Recorded by the office: L \N{EN DASH} Late (before the register closed), 20 minutes late"
        in html
    )


@pytest.mark.parametrize(
    ("arrived", "reason", "href", "message"),
    [
        ("09:45", "bus", "#id_arrived", "The arrival time cannot be later than now"),
        ("quarter past", "bus", "#id_arrived", "Enter the arrival time as hours and minutes"),
        ("09:10", "", "#id_reason", "Enter why the pupil was late"),
    ],
)
def test_a_bad_sign_in_is_shown_with_the_error_summary(client, w, arrived, reason, href, message):
    client.force_login(w.office)

    response = sign_in(client, w["Amy"], arrived=arrived, reason=reason)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="{href}">{message}' in html
    assert "Sign in Amy Able</h2>" in html
    assert not Mark.objects.exists()


def test_teachers_cannot_use_the_late_sign_in(client, w):
    client.force_login(w.teacher_y3)

    assert client.get(LATE_URL).status_code == 403
    assert sign_in(client, w["Amy"]).status_code == 403
    assert not Mark.objects.exists()


def test_pupils_at_another_school_are_neither_found_nor_signed_in(client, w):
    client.force_login(w.other_school_head)

    html = client.get(LATE_URL, {"q": "Amy"}).content.decode()

    assert "No pupil on roll matches" in html
    assert client.get(LATE_URL, {"pupil": w["Amy"].pk}).status_code == 404
    assert sign_in(client, w["Amy"]).status_code == 404
    assert not Mark.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_from_late_sign_in(client, w):
    response = client.get(LATE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_late_sign_in_only_answers_get_and_post(client, w):
    client.force_login(w.office)

    assert client.delete(LATE_URL).status_code == 405


def test_htmx_live_search_returns_only_the_results(client, w):
    client.force_login(w.office)

    html = client.get(LATE_URL, {"q": "cole"}, headers=HX).content.decode()

    assert html.lstrip().startswith('<div id="results"')
    assert "Sign in Cara Cole" in html and "<form" not in html


def test_htmx_sign_in_returns_the_form_with_errors_or_redirects(client, w):
    client.force_login(w.office)

    bad = sign_in(client, w["Amy"], reason="", headers=HX)
    good = sign_in(client, w["Amy"], headers=HX)

    assert (
        bad.content.decode()
        .lstrip()
        .startswith('<form method="post" action="/office/late/" id="sign-in"')
    )
    assert "There is a problem" in bad.content.decode()
    assert good["HX-Redirect"] == LATE_URL


def test_search_and_sign_in_run_a_fixed_number_of_queries(client, w, django_assert_max_num_queries):
    client.force_login(w.office)

    with django_assert_max_num_queries(9):
        client.get(LATE_URL, {"q": "o"})
    with django_assert_max_num_queries(16):
        sign_in(client, w["Amy"])
