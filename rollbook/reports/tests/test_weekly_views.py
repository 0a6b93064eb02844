"""The weekly report page, its PDF, and the scheduled job that emails it."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.policy.schema import PRESETS
from rollbook.reports.models import RunStatus, WeeklyReportRun
from rollbook.reports.tasks import weekly_reports
from rollbook.reports.tests.builders import staff

pytestmark = pytest.mark.django_db

MONDAY_BEFORE_REPORT = "2025-11-17 11:00:00+00:00"  # GMT: 11:00 in London
MONDAY_AFTER_REPORT = "2025-11-17 11:30:00+00:00"
LAST_WEEK = [date(2025, 11, 10) + timedelta(days=i) for i in range(5)]
WEEK_BEFORE = [date(2025, 11, 3) + timedelta(days=i) for i in range(5)]


def full_week(days, code_am="/", code_pm="\\"):
    return [(d, "AM", code_am) for d in days] + [(d, "PM", code_pm) for d in days]


def school_with_pupils(extra: int = 0, name: str = "Test Primary"):
    """Amy becomes PA last week: 10 present, then 8 present and 2 absent = 2 of 20 = 10 %."""
    school = make_school(name=name)
    amy = make_pupil(school, legal_forename="Amy", legal_surname="Crossing", class_name="3A")
    add_marks(amy, full_week(WEEK_BEFORE))
    add_marks(
        amy, [*full_week(LAST_WEEK[:4]), (LAST_WEEK[4], "AM", "N"), (LAST_WEEK[4], "PM", "N")]
    )
    for i in range(1 + extra):
        pupil = make_pupil(school, legal_forename=f"Steady{i}", class_name="4A", year_group="4")
        add_marks(pupil, full_week(WEEK_BEFORE + LAST_WEEK))
    return school


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY_AFTER_REPORT, tick=False)


def test_office_sees_last_weeks_figures_and_new_persistent_absentees(client, monday):
    school = school_with_pupils()
    adopt_policy(
        actor_label="test",
        school=school,
        text=(PRESETS / "001_everyones_business.toml").read_text(),
        source="test",
    )
    client.force_login(staff(school, "office", Role.OFFICE))

    response = client.get(reverse("weekly_report"))

    assert response.status_code == 200
    assert "reports/weekly_report.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "10 November 2025 to 14 November 2025" in html
    assert "90.0%" in html  # 18 of 20 sessions attended last week
    assert "(96%)" in html and "-6.0 points" in html  # against the school target
    assert "New persistent absentees: 1" in html
    assert "Amy Crossing" in html
    assert "10.0% (2 of 20 sessions)" in html
    falls = html.split("Biggest falls")[1].split("Biggest rises")[0]
    assert "Amy Crossing" in falls and "-10.0 points" in falls
    assert "No pupil's attendance rose." in html


def test_the_procedures_ticked_on_the_casework_tracker_are_in_the_report(client, monday):
    from rollbook.casework.caseload_actions import save_tracker_week

    school = school_with_pupils()
    amy = school.pupils.get(legal_forename="Amy")
    save_tracker_week(
        actor_label="test",
        school=school,
        week_start=LAST_WEEK[0],
        pupil_ids={amy.pk},
        ticks={(amy.pk, "letter"), (amy.pk, "home_visit")},
    )
    client.force_login(staff(school, "office", Role.OFFICE))

    html = client.get(reverse("weekly_report")).content.decode()

    procedures = html.split("Ticked on the tracker")[1].split("Patterns found")[0]
    assert "Amy Crossing" in procedures and "Letter, Home visit" in procedures


def test_a_chosen_week_is_shown(client, monday):
    school = school_with_pupils()
    client.force_login(staff(school, "office", Role.OFFICE))

    response = client.get(reverse("weekly_report"), {"week": "2025-11-03"})

    assert "3 November 2025 to 7 November 2025" in response.content.decode()


def test_the_page_is_get_only(client, monday):
    school = school_with_pupils()
    client.force_login(staff(school, "office", Role.OFFICE))

    assert client.post(reverse("weekly_report")).status_code == 405


def test_governors_see_the_figures_but_no_pupil_names(client, monday):
    school = school_with_pupils()
    client.force_login(staff(school, "gov", Role.GOVERNOR))

    response = client.get(reverse("weekly_report"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "New persistent absentees: 1" in html
    assert "Amy" not in html and "Steady" not in html
    assert "Movers" not in html


def test_teachers_may_not_see_the_report(client, monday):
    school = school_with_pupils()
    client.force_login(staff(school, "teacher", Role.TEACHER))

    assert client.get(reverse("weekly_report")).status_code == 403


def test_another_schools_head_sees_only_their_own_school(client, monday):
    school_with_pupils(name="Meadow")
    hill = make_school(name="Hill")
    zeb = make_pupil(hill, legal_forename="Zebedee", class_name="3A")
    add_marks(zeb, full_week(LAST_WEEK))
    client.force_login(staff(hill, "hillhead", Role.HEAD))

    html = client.get(reverse("weekly_report")).content.decode()

    assert "Zebedee" not in html  # not a mover, not PA
    assert "Amy" not in html
    assert "100.0%" in html


def count_queries(client, school) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("weekly_report")).status_code == 200
    return len(captured)


def test_the_page_runs_a_fixed_number_of_queries(client, monday, django_assert_max_num_queries):
    small, large = school_with_pupils(), school_with_pupils(extra=12, name="Large")
    office_small = staff(small, "small", Role.OFFICE)
    office_large = staff(large, "large", Role.OFFICE)
    client.force_login(office_small)
    small_count = count_queries(client, small)
    client.force_login(office_large)

    with django_assert_max_num_queries(20):
        large_count = count_queries(client, large)

    assert large_count == small_count


def test_the_pdf_is_an_a4_report_holding_the_figures(client, monday, tmp_path):
    school = school_with_pupils()
    client.force_login(staff(school, "office", Role.OFFICE))

    response = client.get(reverse("weekly_report"), {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        pdf = tmp_path / "weekly.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Weekly attendance report" in text
        assert "Amy Crossing" in text


def people_to_email(school):
    head = staff(school, "head", Role.HEAD)
    head.email = "head@example.org"
    head.save()
    lead = staff(school, "lead", Role.ATTENDANCE_LEAD)
    lead.email = "lead@example.org"
    lead.save()
    staff(school, "nomail", Role.HEAD)  # no email address: skipped
    office = staff(school, "office", Role.OFFICE)  # not named by the policy
    office.email = "office@example.org"
    office.save()


def test_before_the_weekly_time_nothing_is_sent():
    school = school_with_pupils()
    people_to_email(school)

    with time_machine.travel(MONDAY_BEFORE_REPORT, tick=False):
        weekly_reports.enqueue()

    assert mail.outbox == []
    assert not WeeklyReportRun.objects.exists()


def test_after_the_weekly_time_each_recipient_gets_one_pdf_and_a_second_run_sends_nothing():
    school = school_with_pupils()
    people_to_email(school)

    with time_machine.travel(MONDAY_AFTER_REPORT, tick=False):
        first = weekly_reports.enqueue()
        second = weekly_reports.enqueue()

    assert (first.return_value, second.return_value) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.org", "lead@example.org"]
    for message in mail.outbox:
        ((filename, content, mimetype),) = message.attachments
        assert filename == f"weekly-attendance-{school.urn}-2025-11-10.pdf"
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    run = WeeklyReportRun.objects.get(school=school)
    assert run.week_start == date(2025, 11, 10)
    assert run.status == RunStatus.SENT
    assert sorted(run.sent_to) == ["head@example.org", "lead@example.org"]


def test_a_claim_left_by_a_crashed_worker_is_taken_over_after_an_hour_only():
    from datetime import timedelta

    from django.utils import timezone

    from rollbook.reports.tasks import send_weekly_report

    school = school_with_pupils()
    people_to_email(school)
    with time_machine.travel(MONDAY_AFTER_REPORT, tick=False):
        run = WeeklyReportRun.objects.create(
            school=school,
            week_start=date(2025, 11, 10),
            claimed_at=timezone.now() - timedelta(minutes=30),
        )
        fresh = send_weekly_report.enqueue(school.pk, "2025-11-17").return_value
        run.claimed_at = timezone.now() - timedelta(hours=2)
        run.save()
        stale = send_weekly_report.enqueue(school.pk, "2025-11-17").return_value

    assert (fresh, stale) == (0, 2)
    assert WeeklyReportRun.objects.get(pk=run.pk).status == RunStatus.SENT
