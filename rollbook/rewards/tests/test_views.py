"""The league, the hall display, pupil awards, certificates, recording and the prize draw."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware, make_school
from rollbook.rewards import pdf
from rollbook.rewards.models import Award, PrizeDraw
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes, staff

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[1] / "static" / "rewards" / "rewards.css"
NOW = aware(2026, 5, 14, 16, 0)  # Thursday 14 May 2026, after school


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    return school_with_classes("004_strategy_2024_25")


def test_a_teacher_sees_the_league_with_class_figures_and_no_pupil_names(
    client, world, django_assert_max_num_queries
):
    client.force_login(staff(world.school, Role.TEACHER, "teacher"))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("rewards:league"))

    assert response.status_code == 200
    text = response.text
    assert "Weekly class award" in text and "3B (100.00%)" in text and "87.50%" in text
    # Whole words: a random CSRF token or CSP nonce may contain "Ben" by chance.
    assert not any(re.search(rf"\b{name}\b", text) for name in ("Amy", "Ben", "Cat", "Dan"))
    assert "Pupil awards" not in text  # the link is for the office


def test_governors_may_see_the_league_and_the_display_but_not_awards(client, world):
    client.force_login(staff(world.school, Role.GOVERNOR, "gov"))

    assert client.get(reverse("rewards:league")).status_code == 200
    assert client.get(reverse("rewards:display")).status_code == 200
    assert client.get(reverse("rewards:awards")).status_code == 403
    assert client.get(reverse("rewards:certificates"), {"reward": "termly_100"}).status_code == 403
    assert client.post(reverse("rewards:draw"), {"reward": "termly_100"}).status_code == 403


def test_the_display_refreshes_itself_every_five_minutes_without_javascript(client, world):
    client.force_login(staff(world.school, Role.TEACHER, "teacher"))

    plain = client.get(reverse("rewards:display"))
    response = client.get(reverse("rewards:display"), {"refresh": "1"})

    assert plain.status_code == 200 and 'http-equiv="refresh"' not in plain.text
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="300">' in response.text
    assert "<script" not in response.text and "Amy" not in response.text
    assert "@media print" in CSS.read_text(encoding="utf-8")


def test_wrong_methods_are_refused(client, world):
    client.force_login(staff(world.school, Role.HEAD, "head"))

    for name in ("rewards:league", "rewards:display", "rewards:awards", "rewards:certificates"):
        assert client.post(reverse(name)).status_code == 405
    for name in ("rewards:record", "rewards:draw"):
        assert client.get(reverse(name)).status_code == 405


def test_the_office_sees_eligible_pupils_for_each_award(
    client, world, django_assert_max_num_queries
):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    with django_assert_max_num_queries(20):
        response = client.get(reverse("rewards:awards"))

    assert response.status_code == 200
    assert "100% attendance this term" in response.text and "Cat Cole" in response.text
    assert "Ben Brook" not in response.text


def test_another_schools_office_sees_only_its_own_pupils(client, world):
    other = make_school(name="Hill Primary")
    client.force_login(staff(other, Role.HEAD, "hill"))

    response = client.get(reverse("rewards:awards"))
    draw = client.post(reverse("rewards:draw"), {"reward": "termly_100", "seed": "1"})

    assert response.status_code == 200 and "Cat Cole" not in response.text
    # Hill runs the national defaults: no such award, so the form is shown again.
    assert draw.status_code == 200 and "There is a problem" in draw.text
    assert not PrizeDraw.objects.exists()


def test_certificates_are_a_pdf_with_each_pupils_name(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    response = client.get(
        reverse("rewards:certificates"), {"reward": "termly_100", "as_of": "2026-05-14"}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Cat Cole" in text and "Meadow Primary" in text and "14 May 2026" in text
    assert text.count("Certificate of attendance") == 3


def test_an_unknown_award_re_renders_the_page_with_an_error(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    response = client.get(reverse("rewards:certificates"), {"reward": "nope"})

    assert response.status_code == 200 and "There is a problem" in response.text


def test_recording_awards_is_audited_and_done_once(client, world):
    office = staff(world.school, Role.OFFICE, "office")
    client.force_login(office)
    data = {"reward": "termly_100", "as_of": "2026-05-14"}

    first = client.post(reverse("rewards:record"), data)
    second = client.post(reverse("rewards:record"), data)

    assert first.status_code == second.status_code == 302
    awards = Award.objects.filter(school=world.school)
    assert sorted(a.pupil.legal_forename for a in awards) == ["Amy", "Cat", "Dan"]
    assert {a.awarded_on for a in awards} == {FRIDAY} and awards[0].awarded_by == office
    assert AuditEvent.objects.filter(kind="reward.awarded", actor=office).count() == 3


def test_the_prize_draw_is_recorded_audited_and_repeats_with_the_same_seed(client, world):
    head = staff(world.school, Role.HEAD, "head")
    client.force_login(head)
    data = {"reward": "termly_100", "as_of": "2026-05-14", "winners": "1"}

    new = client.post(reverse("rewards:draw"), data)
    first = PrizeDraw.objects.get()
    again = client.post(reverse("rewards:draw"), data | {"seed": str(first.seed)})

    assert new.status_code == again.status_code == 302
    second = PrizeDraw.objects.exclude(pk=first.pk).get()
    assert second.winner_ids == first.winner_ids and len(first.winner_ids) == 1
    assert first.eligible_count == 3 and first.eligible_ids == sorted(
        [world.a1.pk, world.b1.pk, world.c1.pk]
    )
    events = AuditEvent.objects.filter(kind="reward.prize_drawn", actor=head)
    assert [e.data["seed"] for e in events.order_by("pk")] == [first.seed, first.seed]
    page = client.get(reverse("rewards:awards"))
    assert str(first.seed) in page.text


def test_the_certificate_template_renders_one_page_per_pupil():
    certs = [
        pdf.Certificate(
            "Meadow Primary", name, "100% attendance this term", "Summer term", date(2026, 5, 14)
        )
        for name in ("Amy Able", "Cat Cole")
    ]

    body = pdf.certificates_pdf(certs)

    info = subprocess.run(["pdfinfo", "-"], input=body, capture_output=True, check=True).stdout
    assert body.startswith(b"%PDF") and b"Pages:           2" in info
