"""Journey: a teacher takes a 30-pupil register; the office follows up the absences on Today.

The clock the register views read (`registers.views.common.now`) is pinned to Monday
23 November 2026, 09:30: after the morning register opened (08:45) and after the office's
15 minutes of grace, so the class whose register is not taken shows as missing. Sessions and
cookies keep the real clock, so the browser accepts them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rollbook.core.models import Role
from rollbook.core.tests.factories import make_school
from rollbook.pupils.actions import add_class_teacher, add_contact, save_pupils
from rollbook.pupils.models import Pupil
from rollbook.registers.models import Mark, MarkRevision
from rollbook.registers.tests.test_views_world import (
    MORNING,
    PASSWORD,
    TERMS_2026_27,
    TODAY,
    pupil_row,
    staff,
)
from rollbook.registers.views import common

pytestmark = pytest.mark.e2e

FORENAMES = [
    "Aisha",
    "Alfie",
    "Amelia",
    "Arlo",
    "Ava",
    "Ayaan",
    "Bella",
    "Caleb",
    "Chloe",
    "Daisy",
    "Eli",
    "Ella",
    "Evie",
    "Finley",
    "Freya",
    "George",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Leo",
    "Lily",
    "Mia",
    "Noah",
    "Olivia",
    "Oscar",
    "Ruby",
    "Sofia",
    "Theo",
    "Zara",
]
SURNAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Xu",
    "Young",
    "Zielinski",
    "Bennett",
    "Carter",
    "Dixon",
    "Ellis",
]
LATE, ABSENT, ALSO_ABSENT = "Caleb Hughes", "Grace Quinn", "Ruby Bennett"


@pytest.fixture
def school(transactional_db, monkeypatch):
    monkeypatch.setattr(common, "now", lambda: MORNING)
    school = make_school(name="Meadow Primary", terms=TERMS_2026_27)
    rows = [
        pupil_row(f"{f} {s}", "3A", 4001, cp_plan=f"{f} {s}" == ALSO_ABSENT)
        for f, s in zip(FORENAMES, SURNAMES, strict=True)
    ]
    rows += [
        pupil_row(f"{f} {s}", "4B", 4002)
        for f, s in zip(FORENAMES[:20], SURNAMES[10:], strict=True)
    ]
    save_pupils(actor_label="test", school=school, rows=rows)
    for name, phone in ((ABSENT, "07700 900111"), (ALSO_ABSENT, "07700 900222")):
        forename, surname = name.split()
        add_contact(
            actor_label="test",
            school=school,
            pupils=[Pupil.objects.get(legal_forename=forename, legal_surname=surname)],
            forename="Parent",
            surname=surname,
            relationship="Mother",
            mobile_phone=phone,
        )
    teacher = staff(school, "teacher", Role.TEACHER, first="Tess", last="Three")
    add_class_teacher(
        actor_label="test", group=school.registration_groups.get(name="3A"), user=teacher
    )
    staff(school, "office", Role.OFFICE, first="Olive", last="Office")
    staff(school, "teacher4", Role.TEACHER)
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


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pupil(name: str) -> Pupil:
    forename, surname = name.split()
    return Pupil.objects.get(legal_forename=forename, legal_surname=surname)


def test_teacher_takes_the_register_and_the_office_follows_up(
    page: Page, live_server, school, axe_violations, broken_requests, shots
):
    sign_in(page, live_server.url, "teacher")
    page.get_by_role("link", name="Registers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My registers")
    page.get_by_role("button", name="Take the 3A morning register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Morning register, Monday 23 November 2026"
    )
    expect(page.locator(".rollbook-pupil")).to_have_count(30)
    expect(page.get_by_text("Keyboard: on a pupil")).to_be_visible()

    # The keyboard: L on a pupil ticks Late and moves to the minutes; N ticks Absent.
    page.get_by_role("group", name=LATE).get_by_label("Present (/)").focus()
    page.keyboard.press("l")
    minutes = page.get_by_role("group", name=LATE).get_by_label("Minutes late")
    expect(minutes).to_be_focused()
    page.keyboard.type("12")
    page.keyboard.press("Enter")  # moves to the next pupil instead of submitting
    page.get_by_role("group", name=ABSENT).get_by_label("Present (/)").focus()
    page.keyboard.press("n")
    expect(page.get_by_role("group", name=ABSENT).get_by_label("Absent (N)")).to_be_checked()
    page.get_by_role("group", name=ALSO_ABSENT).get_by_label("Absent (N)").check()  # or a tap
    assert axe_violations(page) == []
    page.screenshot(path=shots / "register-marked.png", full_page=True)

    page.get_by_role("button", name="Save register").click()  # 27 pupils still unmarked
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # htmx swapped the form in place; register.js moved focus
    expect(summary).to_contain_text("Choose present, absent or late for Aisha Ahmed")
    expect(page.get_by_role("group", name=LATE).get_by_label("Minutes late")).to_have_value("12")
    assert not Mark.objects.exists()
    assert axe_violations(page) == []

    page.get_by_role("button", name="All present and save").click()
    expect(page.get_by_role("alert")).to_contain_text("Register saved at 09:30")
    assert dict(
        Mark.objects.filter(code__in=["L", "N"]).values_list("pupil__legal_forename", "code")
    ) == {"Caleb": "L", "Grace": "N", "Ruby": "N"}
    assert Mark.objects.filter(code="/").count() == 27
    assert Mark.objects.get(code="L").minutes_late == 12
    expect(page.get_by_role("group", name=LATE).get_by_label("Late (L)")).to_be_checked()
    assert axe_violations(page) == []
    page.screenshot(path=shots / "register-saved.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "office")
    page.goto(f"{live_server.url}/office/today/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today, Monday 23 November 2026")
    missing = page.locator("#missing-registers tbody tr")
    expect(missing).to_have_count(1)
    expect(missing).to_contain_text("4B")
    expect(missing).to_contain_text("Morning (opened 08:45)")
    cards = page.locator(".rollbook-absent")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text(ALSO_ABSENT)  # CP plan: listed first
    expect(cards.first).to_contain_text("Day 1, priority pupil: home visit due today")
    expect(cards.nth(1)).to_contain_text("07700 900111")
    assert axe_violations(page) == []
    page.screenshot(path=shots / "office-today.png", full_page=True)

    page.get_by_role("button", name="Chase the 4B morning register").click()
    expect(page.get_by_role("alert")).to_contain_text("Chased the morning register for 4B at 09:30")
    expect(page.locator("#missing-registers")).to_contain_text("chased at 09:30 by Olive Office")

    card = page.get_by_role("region", name=re.compile(ABSENT))
    card.get_by_label("Code").select_option("I")
    card.get_by_label("Reason", exact=True).fill("Mum phoned: sickness")
    card.get_by_role("button", name=f"Record reason for {ABSENT}").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"Recorded I \N{EN DASH} Illness for {ABSENT}"
    )
    expect(page.locator(".rollbook-absent")).to_have_count(1)
    revision = MarkRevision.objects.get()
    assert (revision.old_code, revision.new_code) == ("N", "I")
    assert revision.reason == "Mum phoned: sickness"
    assert axe_violations(page) == []
    page.screenshot(path=shots / "office-today-after.png", full_page=True)

    page.get_by_role("link", name="Late sign-in").click()
    # Type only once htmx has processed the page: a keystroke before that sends nothing.
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.get_by_label("Pupil\N{RIGHT SINGLE QUOTATION MARK}s name or UPN").fill(
        "zielin"
    )  # htmx shows results as you type
    page.get_by_role("link", name="Sign in Oscar Zielinski").click()
    expect(page.get_by_label("Arrival time")).to_have_value("09:30")
    page.get_by_label("Arrival time").fill("09:10")
    page.get_by_label("Reason for being late").fill("Car broke down")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in late").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Oscar Zielinski signed in: L, 25 minutes late"
    )
    page.screenshot(path=shots / "late-sign-in.png", full_page=True)

    grace = pupil(ABSENT)
    page.goto(f"{live_server.url}/pupils/{grace.pk}/")
    expect(page.get_by_text("Mum phoned: sickness")).to_be_visible()
    change = page.get_by_role("row", name=re.compile("Mum phoned: sickness"))
    expect(change).to_contain_text(re.compile(r"N\s*→?\s*(changed to)?\s*I"))
    assert axe_violations(page) == []
    page.screenshot(path=shots / "pupil-history.png", full_page=True)
    assert broken_requests == []


def test_the_register_works_without_javascript(browser, live_server, school, shots):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "office")
    date = TODAY.isoformat()
    group = school.registration_groups.get(name="4B")

    page.goto(f"{live_server.url}/registers/{group.pk}/{date}/AM/")
    expect(page.get_by_text("Keyboard: on a pupil")).to_be_hidden()
    page.get_by_role("button", name="All present and save").click()
    expect(page.get_by_role("alert")).to_contain_text("Register saved at 09:30")
    page.get_by_role("group", name="Aisha Khan").get_by_label("Absent (N)").check()
    page.get_by_role("button", name="Save register").click()
    expect(page.get_by_role("link", name="Give a reason for changing marks")).to_be_visible()
    page.get_by_label("Reason for any changes").fill("Aisha went home at 09:10")
    page.get_by_role("button", name="Save register").click()
    expect(page.get_by_role("alert")).to_contain_text("Changes saved at 09:30")
    page.screenshot(path=shots / "register-no-js.png", full_page=True)
    assert (
        Mark.objects.get(pupil__legal_forename="Aisha", pupil__registration_group=group).code == "N"
    )
    context.close()
