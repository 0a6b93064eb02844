"""Journey: a stage letter rendered to PNG for the artefacts, and the letters page showing it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from rollbook.letters import actions
from rollbook.letters.models import Letter, LetterStatus
from rollbook.letters.tests.conftest import FRIDAY, build_world

pytestmark = pytest.mark.e2e


def _drafted():
    world = build_world()
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    return world, Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")


def test_a_stage_letter_renders_to_png(transactional_db, output_path):
    world, letter = _drafted()
    Letter.objects.exclude(pk=letter.pk).update(status=LetterStatus.WITHDRAWN)  # one PDF only
    actions.render_pending_pdfs(school=world.school)
    client = Client()
    client.force_login(world.users["office"])

    response = client.get(f"/letters/{letter.pk}/pdf/")

    assert response["Content-Type"] == "application/pdf"
    out = Path(output_path)
    out.mkdir(parents=True, exist_ok=True)
    (out / "stage-letter.pdf").write_bytes(response.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(out / "stage-letter.pdf"),
            str(out / "stage-letter"),
        ],
        check=True,
    )
    assert list(out.glob("stage-letter-*1.png"))


def test_the_letters_page_lists_the_drafted_letter(
    page: Page, live_server, transactional_db, axe_violations, output_path
):
    world, letter = _drafted()
    client = Client()
    client.force_login(world.users["lead"])
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])

    page.goto(f"{live_server.url}/letters/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Letters")
    link = page.get_by_role("link", name="Amy Able: a concerning level of absence")
    expect(link).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=Path(output_path) / "letters-list.png", full_page=True)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(letter.subject)
    expect(page.get_by_text("Dear Mrs Able and Mr Able,")).to_be_visible()
