"""Setting and clearing a pupil's "evidence required" flag (S002-68)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.registers.tests.test_views_world import MORNING, world

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return world()


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def url(pupil) -> str:
    return reverse("evidence_required", args=[pupil.pk])


def test_the_office_flags_a_pupil_with_a_reason_and_the_profile_shows_it(client, w):
    client.force_login(w.office)

    page = client.get(url(w["Ben"]))
    response = client.post(url(w["Ben"]), {"required": "yes", "reason": "Panel 3 Oct"})

    assert page.status_code == 200 and "Evidence for illness" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("pupils:detail", args=[w["Ben"].pk])
    w["Ben"].refresh_from_db()
    assert w["Ben"].evidence_required is True
    event = AuditEvent.objects.get(kind="pupil.evidence_required_set")
    assert (event.pupil_id, event.reason, event.actor) == (w["Ben"].pk, "Panel 3 Oct", w.office)
    profile = client.get(response["Location"]).content.decode()
    assert "Evidence required" in profile and url(w["Ben"]) in profile


def test_the_office_clears_the_flag(client, w):
    client.force_login(w.office)
    client.post(url(w["Ben"]), {"required": "yes", "reason": "Panel"})

    client.post(url(w["Ben"]), {"required": "no", "reason": "Improved to 96 %"})

    w["Ben"].refresh_from_db()
    assert w["Ben"].evidence_required is False
    assert AuditEvent.objects.filter(kind="pupil.evidence_required_cleared").count() == 1


def test_a_reason_and_a_choice_are_required(client, w):
    client.force_login(w.office)

    response = client.post(url(w["Ben"]), {"required": "maybe", "reason": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose yes or no" in html and "Enter the reason" in html
    w["Ben"].refresh_from_db()
    assert w["Ben"].evidence_required is False


def test_setting_it_twice_is_explained(client, w):
    client.force_login(w.office)
    client.post(url(w["Ben"]), {"required": "yes", "reason": "Panel"})

    response = client.post(url(w["Ben"]), {"required": "yes", "reason": "Again"})

    assert "already needs evidence for illness" in response.content.decode()
    assert AuditEvent.objects.filter(kind="pupil.evidence_required_set").count() == 1


def test_teachers_cannot_set_the_flag(client, w):
    client.force_login(w.teacher_y3)

    assert client.get(url(w["Ben"])).status_code == 403
    assert client.post(url(w["Ben"]), {"required": "yes", "reason": "x"}).status_code == 403
    w["Ben"].refresh_from_db()
    assert w["Ben"].evidence_required is False


def test_pupils_at_another_school_are_not_found(client, w):
    client.force_login(w.other_school_head)

    assert client.get(url(w["Ben"])).status_code == 404


def test_the_page_takes_only_get_and_post(client, w):
    client.force_login(w.office)

    assert client.put(url(w["Ben"])).status_code == 405


def test_htmx_returns_the_form_with_errors_or_redirects(client, w):
    client.force_login(w.office)

    bad = client.post(url(w["Ben"]), {"required": "yes"}, headers=HX)
    good = client.post(url(w["Ben"]), {"required": "yes", "reason": "Panel"}, headers=HX)

    assert bad.content.decode().lstrip().startswith("<form")
    assert "Enter the reason" in bad.content.decode()
    assert good["HX-Redirect"] == reverse("pupils:detail", args=[w["Ben"].pk])


def test_the_today_card_links_to_the_flag(client, w):
    from rollbook.core.tests.factories import add_marks
    from rollbook.registers.tests.test_views_world import TODAY

    add_marks(w["Ben"], [(TODAY, "AM", "N")])
    client.force_login(w.office)

    html = client.get(reverse("office_today")).content.decode()

    assert url(w["Ben"]) in html and "Ask for evidence of illness" in html
