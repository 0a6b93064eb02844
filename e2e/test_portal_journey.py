"""Journeys through the parent portal, on a phone-sized screen (375 x 667).

(a) A parent signs in by emailed link and reports an absence for today; the office accepts it;
    the teacher's register shows it pre-filled and locked; no first-day text is queued for
    that child. axe-core finds no serious or critical WCAG 2.2 AA problem on the portal pages.
(b) A parent asks for 3 days' leave for two children; the head refuses it; the parent reads
    the decision and opens the letter; the children go anyway, the days are coded G, and each
    child's case shows a penalty-notice consideration.

The clocks the views read (`portal.views.now`, `registers.views.common.now`) are pinned to
Monday 23 November 2026 at 08:20, before the morning register opens at 08:45. Sessions and
cookies keep the real clock, so the browser accepts them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from rollbook.comms.actions import queue_first_day_messages
from rollbook.comms.models import Message
from rollbook.core.models import Role
from rollbook.core.tests.factories import aware, make_school
from rollbook.leave.models import LeaveRequest
from rollbook.portal import views as portal_views
from rollbook.pupils.actions import add_class_teacher, add_contact, save_pupils
from rollbook.pupils.models import Pupil
from rollbook.registers.models import Mark
from rollbook.registers.tests.test_views_world import PASSWORD, TERMS_2026_27, pupil_row, staff
from rollbook.registers.views import common

pytestmark = pytest.mark.e2e

EARLY = aware(2026, 11, 23, 8, 20)
AFTER_CLOSE = aware(2026, 11, 23, 9, 30)
PHONE = {"width": 375, "height": 667}
MUM = "bella.brook@example.org"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def school(transactional_db, monkeypatch):
    monkeypatch.setattr(common, "now", lambda: EARLY)
    monkeypatch.setattr(portal_views, "now", lambda: EARLY)
    school = make_school(name="Meadow Primary", terms=TERMS_2026_27)
    rows = [
        pupil_row("Amy Brook", "3A", 8001, family_id="B"),
        pupil_row("Ben Brook", "3A", 8001, family_id="B"),
        pupil_row("Cara Cole", "3A", 8001),
    ]
    save_pupils(actor_label="test", school=school, rows=rows)
    kids = {p.legal_forename: p for p in Pupil.objects.filter(school=school)}
    add_contact(
        actor_label="test",
        school=school,
        pupils=[kids["Amy"], kids["Ben"]],
        forename="Bella",
        surname="Brook",
        relationship="Mother",
        mobile_phone="07700 900123",
        email=MUM,
    )
    add_contact(
        actor_label="test",
        school=school,
        pupils=[kids["Cara"]],
        forename="Carl",
        surname="Cole",
        relationship="Father",
        mobile_phone="07700 900456",
    )
    teacher = staff(school, "teacher", Role.TEACHER, first="Tess", last="Three")
    add_class_teacher(actor_label="test", group=kids["Amy"].registration_group, user=teacher)
    staff(school, "office", Role.OFFICE, first="Olive", last="Office")
    staff(school, "head", Role.HEAD, first="Hana", last="Head")
    return school


@pytest.fixture
def shots(output_path) -> Path:
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def broken_requests(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    return problems


def parent_signs_in(page: Page, base_url: str, axe_violations) -> None:
    page.goto(f"{base_url}/parents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Rollbook for parents")
    assert axe_violations(page) == []
    page.get_by_label("Email address").fill(MUM)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert axe_violations(page) == []
    link = re.search(r"https?://\S+/parents/sign-in/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")


@pytest.fixture
def staff_page(browser: Browser, live_server, school):
    """A separate browser (own cookies) per member of staff, on a desktop screen. Closed before
    the database is emptied, so no request of theirs is still open then."""
    contexts = []

    def open_as(username: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_parent_reports_an_absence_the_office_accepts_it_and_the_register_is_locked(
    page: Page, live_server, school, staff_page, axe_violations, broken_requests, shots
):
    base = live_server.url
    parent_signs_in(page, base, axe_violations)
    expect(page.get_by_role("heading", name="Amy Brook")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "portal-home.png", full_page=True)

    page.get_by_role("link", name="Report an absence").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an absence")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send to the school").click()  # nothing chosen yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one child")
    assert axe_violations(page) == []
    page.get_by_label("Amy Brook").check()
    expect(page.get_by_label("First day of absence")).to_have_value("2026-11-23")
    page.get_by_label("Illness").check()
    page.get_by_label("Details").fill("Temperature overnight")
    page.screenshot(path=shots / "portal-report-absence.png", full_page=True)
    page.get_by_role("button", name="Send to the school").click()
    expect(page.get_by_role("alert")).to_contain_text("Absence reported")
    expect(page.get_by_text("Waiting for the school")).to_be_visible()
    assert axe_violations(page) == []

    office = staff_page("office")
    office.goto(f"{base}/parents/office/reports/")
    office.get_by_role("link", name="Amy Brook").click()
    expect(office.get_by_label("I: illness (not medical or dental appointments)")).to_be_checked()
    office.get_by_role("button", name="Accept and record").click()
    expect(office.get_by_role("alert")).to_contain_text("Accepted: Amy Brook, 2 sessions coded I.")

    page.reload()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    teacher = staff_page("teacher")
    group = Pupil.objects.get(legal_forename="Amy").registration_group_id
    teacher.goto(f"{base}/registers/{group}/2026-11-23/AM/")
    amy = teacher.locator(".rollbook-pupil", has_text="Amy Brook")
    expect(amy).to_contain_text("Reported by a parent and accepted by the office")
    expect(amy.get_by_role("radio")).to_have_count(0)  # locked: nothing to change
    teacher.screenshot(path=shots / "portal-register-locked.png")
    teacher.get_by_role("group", name="Ben Brook").get_by_label("Absent (N)").check()
    teacher.get_by_role("button", name="All present and save").click()
    expect(teacher.get_by_role("alert")).to_contain_text("Register saved")
    assert dict(
        Mark.objects.filter(date="2026-11-23", session="AM").values_list(
            "pupil__legal_forename", "code"
        )
    ) == {"Amy": "I", "Ben": "N", "Cara": "/"}

    queue_first_day_messages(school=school, day=AFTER_CLOSE.date(), session="AM", now=AFTER_CLOSE)
    texted = list(Message.objects.values_list("pupils__legal_forename", flat=True))
    assert texted == ["Ben"]  # Amy's mother is not asked why Amy is absent
    assert broken_requests == []


def test_a_parent_asks_for_leave_for_two_children_and_reads_the_refusal(
    page: Page, live_server, school, staff_page, axe_violations
):
    base = live_server.url
    parent_signs_in(page, base, axe_violations)
    page.get_by_role("link", name="Ask for leave").first.click()
    page.get_by_label("Amy Brook").check()
    page.get_by_label("Ben Brook").check()
    page.get_by_label("First day of leave").fill("2026-12-07")
    page.get_by_label("Last day of leave").fill("2026-12-09")
    page.get_by_label("Holiday").check()
    page.get_by_label("Why does the leave have to be in term time?").fill("Family wedding")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Request sent")
    leave = LeaveRequest.objects.get()
    assert leave.pupils.count() == 2

    head = staff_page("head")
    head.goto(f"{base}/leave/{leave.pk}/")
    head.locator("label", has_text=re.compile("^Refused$")).click()  # the label covers the radio
    head.get_by_label("Reason for the decision").fill("Holidays are not exceptional circumstances")
    head.get_by_role("button", name="Save decision").click()
    expect(head.get_by_role("heading", level=1)).to_contain_text("Leave request")
    expect(head.get_by_text("Refused").first).to_be_visible()
    leave.refresh_from_db()
    assert leave.decision == "refused"

    page.reload()
    expect(page.get_by_text("Refused", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Menu").click()  # the navigation folds away on a phone
    page.get_by_role("link", name="Messages and letters").click()
    assert axe_violations(page) == []
    link = page.get_by_role("link", name=re.compile("Leave request decision"))
    letter = page.request.get(base + link.get_attribute("href"))  # the browser's own cookies
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF-")

    # The family goes anyway: the office records the days taken, which are coded G and, as
    # the policy says, put a penalty-notice consideration on each child's case.
    head.goto(f"{base}/leave/{leave.pk}/")
    head.get_by_label("First day away").fill("2026-12-07")
    head.get_by_label("From the").select_option("AM")
    head.get_by_label("Last day away").fill("2026-12-09")
    head.get_by_label("Until the end of the").select_option("PM")
    head.get_by_role("button", name="Record the absence").click()
    expect(head.get_by_text("12 sessions coded G")).to_be_visible()  # 2 children x 3 days
    amy = Pupil.objects.get(legal_forename="Amy")
    assert set(Mark.objects.filter(pupil=amy).values_list("code", flat=True)) == {"G"}
    head.goto(f"{base}/cases/pupils/{amy.pk}/")
    expect(head.get_by_text("Consider a penalty notice").first).to_be_visible()
    head.goto(f"{base}/penalties/")
    expect(head.get_by_text("Amy Brook").first).to_be_visible()
