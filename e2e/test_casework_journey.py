"""Journey: the attendance lead opens their caseload, records a parent meeting with a support
plan, and the plan's review task appears on the caseload on its due date (issue #6).

The day the casework pages work from (`rollbook.casework.views.today`) is pinned: first to
Monday 23 November 2026 for the meeting, then to the day before the review and to the review
day itself. Sessions and cookies keep the real clock, so the browser accepts them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rollbook.casework import actions
from rollbook.casework import views as casework_views
from rollbook.casework.models import CaseTask, Meeting, SupportPlan
from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.tests.test_views_world import PASSWORD, TERMS_2026_27

pytestmark = pytest.mark.e2e

MEETING_DAY = date(2026, 11, 23)
REVIEW_DAY = date(2027, 1, 4)  # six weeks on: the end of the monitoring period
WEEKDAYS = [date(2026, 11, d) for d in (16, 17, 18, 19, 20)]


@pytest.fixture
def school(transactional_db):
    school = make_school(name="Woodside Primary", terms=TERMS_2026_27)
    amy = make_pupil(school, legal_forename="Amy", legal_surname="Able", family_id="F1")
    add_marks(
        amy, [(d, s, "O" if d.weekday() < 3 else "/") for d in WEEKDAYS for s in ("AM", "PM")]
    )
    peer = make_pupil(school, legal_forename="Cal", legal_surname="Peer")
    add_marks(peer, [(d, s, "/") for d in WEEKDAYS for s in ("AM", "PM")])
    lead = create_staff_user(
        actor_label="test",
        school=school,
        username="lead",
        password=PASSWORD,
        roles=[Role.ATTENDANCE_LEAD],
        first_name="Lena",
        last_name="Lead",
    )
    actions.open_case(actor=lead, pupil=amy, reason="Persistent absence", owner=lead)
    return school


@pytest.fixture
def shots(output_path) -> Path:
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def on_day(monkeypatch):
    def pin(day: date) -> None:
        monkeypatch.setattr(casework_views, "today", lambda: day)

    return pin


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_lead_records_a_meeting_and_the_review_appears_on_its_day(
    page: Page, live_server, school, on_day, axe_violations, shots
):
    problems: list[str] = []
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    on_day(MEETING_DAY)
    sign_in(page, live_server.url, "lead")

    page.goto(f"{live_server.url}/cases/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Amy Able").click()
    page.get_by_role("link", name="Meetings, plans and tasks").click()
    page.get_by_role("link", name="Record a meeting").click()
    expect(page.get_by_label("Date of the meeting")).to_have_value("2026-11-23")
    page.get_by_label("Who attended (one per line)").fill("Mrs Able (mum)\nLena Lead")
    page.get_by_label("Barriers discussed").fill("Amy finds mornings hard; younger sibling unwell")
    page.get_by_label("Morning call before school").check()
    page.get_by_label("Breakfast club").check()
    page.get_by_label("Monitoring period (weeks)").fill("6")
    page.get_by_label("Attendance target (%)").fill("95")
    page.get_by_label("Plan or contract").select_option("support_plan")
    page.get_by_label("What the school and the family each agree to do").fill(
        "School rings at 8:00; Amy comes to breakfast club at 8:00"
    )
    assert axe_violations(page) == []
    page.screenshot(path=shots / "casework-meeting-form.png", full_page=True)
    page.get_by_role("button", name="Save the meeting").click()

    # The first chart imports matplotlib: allow for it on a busy machine.
    expect(page.get_by_role("heading", name="Meeting on 23 November 2026")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator("#absence-report")).to_contain_text("Pupil B")
    expect(page.locator("#absence-report")).not_to_contain_text("Cal Peer")
    expect(page.get_by_role("img", name="Days of school missed")).to_be_visible()
    expect(page.get_by_text("Review task due 4 January 2027")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=shots / "casework-meeting-pack.png", full_page=True)
    meeting = Meeting.objects.get()
    assert (meeting.possible, meeting.unauthorised, meeting.peer_pupils) == (10, 6, 1)
    assert SupportPlan.objects.get().review_on == REVIEW_DAY
    assert CaseTask.objects.get().due_on == REVIEW_DAY

    page.get_by_role("link", name="Print for signing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance support plan: Amy Able")
    expect(page.locator(".rollbook-signatures")).to_contain_text("Mrs Able (mum)")
    assert axe_violations(page) == []

    on_day(date(2027, 1, 3))  # the Sunday before: not due yet, and not this week
    page.goto(f"{live_server.url}/cases/mine/")
    expect(page.locator("#due")).not_to_contain_text("Review the attendance support plan")

    on_day(REVIEW_DAY)
    page.goto(f"{live_server.url}/cases/mine/")
    expect(page.get_by_role("heading", name="Due today")).to_be_visible()
    expect(page.locator("#due-now")).to_contain_text(
        "Review the attendance support plan from the meeting on 23 Nov 2026"
    )
    assert axe_violations(page) == []
    page.screenshot(path=shots / "casework-review-due.png", full_page=True)
    assert problems == []
