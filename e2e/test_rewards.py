"""Journey: the hall display at 1920x1080, and a certificate rendered to PNG for the artefacts."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from rollbook.core.models import Role
from rollbook.rewards import views
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes, staff

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db, monkeypatch):
    """Meadow on preset 002, with the views' clock (only `localdate`) on Thursday 14 May 2026."""
    monkeypatch.setattr(views, "timezone", SimpleNamespace(localdate=lambda: FRIDAY))
    return school_with_classes("002_st_dunstans")


def test_the_hall_display_at_1920_by_1080(
    page: Page, live_server, world, axe_violations, output_path
):
    user = staff(world.school, Role.TEACHER, "teacher")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size({"width": 1920, "height": 1080})

    page.goto(f"{live_server.url}/rewards/display/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Meadow Primary: class attendance")
    expect(page.get_by_role("table").first).to_contain_text("3A")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    shots = Path(output_path)
    page.screenshot(path=shots / "rewards-display-1920x1080.png")

    page.get_by_role("link", name="Refresh every 5 minutes (hall screen)").click()
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "300"
    # Kiosk mode's self-refresh is the one violation axe reports, by design (WCAG 2.2.1).
    assert [v["id"] for v in axe_violations(page)] == ["meta-refresh"]
    page.emulate_media(media="print")
    page.screenshot(path=shots / "rewards-poster-print.png", full_page=True)


def test_a_certificate_renders_to_png(transactional_db, output_path):
    world = school_with_classes("004_strategy_2024_25")
    client = Client()
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    response = client.get(
        "/rewards/awards/certificates/", {"reward": "termly_100", "as_of": "2026-05-14"}
    )

    assert response["Content-Type"] == "application/pdf"
    out = Path(output_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / "certificates.pdf").write_bytes(response.content)
    png = out / "certificate"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(out / "certificates.pdf"),
            str(png),
        ],
        check=True,
    )
    assert list(out.glob("certificate-*1.png"))
