"""Journey: an attendance officer signs in and reads today's figures, with and without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from rollbook.reports import views
from rollbook.reports.tests import builders

# Also applied by conftest.py to everything under e2e/. Kept here so the module says it too.
pytestmark = pytest.mark.e2e


@pytest.fixture
def officer(transactional_db, monkeypatch):
    """Oakfield's officer, with the home page's clock fixed on builders.TODAY.

    Only the view's edge (`timezone.localdate()`) is pinned. Sessions and cookies keep the
    real clock, so the browser accepts them.
    """
    monkeypatch.setattr(views, "timezone", SimpleNamespace(localdate=lambda: builders.TODAY))
    school = builders.oakfield()
    return builders.staff(school.school)


@pytest.fixture
def broken_requests(page: Page) -> list[str]:
    """Every request for a page or asset that failed or came back 4xx/5xx, and every script error."""
    problems: list[str] = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    return problems


def sign_in(page: Page, base_url: str, password: str = builders.PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill("office")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_officer_signs_in_and_sees_todays_figures(
    page: Page, live_server, officer, axe_violations, broken_requests, output_path
):
    shots = Path(output_path)
    page.goto(f"{live_server.url}/")  # LoginRequiredMiddleware sends us to sign in
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in to Rollbook")).to_be_visible()
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert axe_violations(page) == []
    page.screenshot(path=shots / "1-login.png", full_page=True)

    sign_in(page, live_server.url, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    expect(page.get_by_role("link", name=re.compile("Please enter a correct"))).to_have_attribute(
        "href", "#id_username"
    )
    assert axe_violations(page) == []
    page.screenshot(path=shots / "2-login-error.png", full_page=True)

    sign_in(page, live_server.url)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today, Wednesday 11 March 2026")
    morning = page.get_by_role("region", name="Morning register")
    expect(morning).to_contain_text("Registers taken 2 of 2")
    expect(morning).to_contain_text("Not yet marked 1")
    expect(morning).to_contain_text("Attendance so far 50.0%")
    year = page.get_by_role("region", name="2025/26 so far")
    expect(year).to_contain_text("Attendance 81.0%")
    expect(year).to_contain_text("3 pupils (60.0%)")
    assert page.evaluate("typeof htmx") == "object"
    assert axe_violations(page) == []
    page.screenshot(path=shots / "3-home.png", full_page=True)

    page.set_viewport_size({"width": 375, "height": 740})  # a small phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=shots / "4-home-phone.png", full_page=True)

    page.get_by_role("button", name="Menu").click()  # the navigation collapses on a phone
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rollbook")).to_be_visible()
    assert broken_requests == []


def test_the_journey_works_without_javascript(
    browser, live_server, officer, broken_requests, output_path
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    sign_in(page, live_server.url)

    expect(page.get_by_role("region", name="Afternoon register")).to_contain_text(
        "Attendance so far 100.0%"
    )
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    page.screenshot(path=Path(output_path) / "home-no-js.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Rollbook")).to_be_visible()
    context.close()
