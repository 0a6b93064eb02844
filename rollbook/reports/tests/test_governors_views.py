"""The governors' report, its background PDF, the review and census pages, and exports."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.reports.models import BuildStatus, GovernorsReportBuild

pytestmark = pytest.mark.django_db
NOW = "2025-12-01 10:00:00+00:00"  # a Monday in Autumn 2
DAYS = [date(2025, 11, 3), date(2025, 11, 4), date(2025, 11, 5)]


def user(school, role, name):
    u = get_user_model().objects.create_user(name, password="x")
    StaffRole.objects.create(user=u, school=school, role=role)
    return u


@pytest.fixture
def school():
    """Six pupil-premium pupils in Year 3 (3 days, 6 sessions each): five always present, one
    (Absent Annie) away 3 sessions (50 %); and Lonely Len, the one looked-after pupil, in Year 4."""
    school = make_school()
    sessions = [(d, s) for d in DAYS for s in ("AM", "PM")]
    for i in range(6):
        p = make_pupil(school, pupil_premium=True, legal_forename="Annie" if i == 0 else "Present")
        add_marks(
            p, [(d, s, "I" if i == 0 and n < 3 else "/") for n, (d, s) in enumerate(sessions)]
        )
    len_ = make_pupil(school, cla=True, legal_forename="Lonely", year_group="4", class_name="4A")
    add_marks(len_, [(d, s, "/") for d, s in sessions])
    return school


def get(client, who, name, **params):
    client.force_login(who)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name), params)


def test_the_head_previews_the_governors_report(client, school, django_assert_max_num_queries):
    client.force_login(user(school, Role.HEAD, "head"))

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(18):
        response = client.get(reverse("governors_report"), {"period": "2025-autumn"})

    text = response.text
    assert response.status_code == 200
    assert "Governors' attendance report: Autumn term 2025/26 (so far)" in text
    # 39 of 42 sessions attended = 92.9 %; the national figure beside it.
    assert "92.9%" in text and "5.53%" in text
    assert "Fewer than 5 pupils" in text  # Year 4 and the looked-after group
    assert "Annie" not in text and "Lonely" not in text
    assert "What we did" in text  # the head may write the commentary


def test_governors_see_it_without_names_or_the_commentary_box(client, school):
    response = get(client, user(school, Role.GOVERNOR, "gov"), "governors_report")

    assert response.status_code == 200
    assert "Annie" not in response.text and "What we did" not in response.text


def test_teachers_may_not_see_it_and_it_refuses_other_methods(client, school):
    assert get(client, user(school, Role.TEACHER, "t"), "governors_report").status_code == 403
    client.force_login(user(school, Role.HEAD, "head"))
    assert client.post(reverse("governors_report")).status_code == 405
    assert client.get(reverse("governors_pdf_request")).status_code == 405


def test_the_pdf_builds_in_the_background_and_is_reused_while_nothing_changes(
    client, school, django_capture_on_commit_callbacks
):
    head = user(school, Role.HEAD, "head")
    client.force_login(head)
    data = {"period": "2025-autumn", "next_steps": "Focus on Year 3 mornings."}

    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("governors_pdf_request"), data)
        status = client.get(reverse("governors_pdf_status"), {"period": "2025-autumn"})
        download = client.get(reverse("governors_pdf_download"), {"period": "2025-autumn"})
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again = client.post(reverse("governors_pdf_request"), data)

    assert response.status_code == 302 and "period=2025-autumn" in response["Location"]
    build = GovernorsReportBuild.objects.get()
    assert build.status == BuildStatus.READY and build.progress == 100
    assert "is ready" in status.text and "Download the PDF" in status.text
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert again.status_code == 302 and callbacks == []  # reused: no second build
    assert GovernorsReportBuild.objects.count() == 1
    assert (
        AuditEvent.objects.filter(kind="export.downloaded", data__report="governors").count() == 1
    )


def test_new_marks_make_a_new_version_and_progress_is_polled(
    client, school, django_assert_max_num_queries
):
    head = user(school, Role.HEAD, "head")
    client.force_login(head)
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})  # not run
        pupil = school.pupils.first()
        add_marks(pupil, [(date(2025, 11, 6), "AM", "O")])
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})
        with django_assert_max_num_queries(6):
            polled = client.get(
                reverse("governors_pdf_status"),
                {"period": "2025-autumn"},
                headers={"HX-Request": "true"},
            )
        early = client.get(reverse("governors_pdf_download"), {"period": "2025-autumn"})

    assert GovernorsReportBuild.objects.filter(status=BuildStatus.QUEUED).count() == 2
    assert 'hx-trigger="every 2s"' in polled.text and "<html" not in polled.text
    assert "Refresh to see progress" in polled.text
    assert early.status_code == 302  # nothing ready yet: back to the status page
    assert not AuditEvent.objects.filter(kind="export.downloaded").exists()


def test_a_post_without_a_period_is_refused(client, school):
    client.force_login(user(school, Role.HEAD, "head"))

    assert client.post(reverse("governors_pdf_request"), {}).status_code == 400


def test_the_review_names_pupils_below_96_for_staff_only(
    client, school, django_assert_max_num_queries
):
    client.force_login(user(school, Role.OFFICE, "office"))
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(14):
        response = client.get(reverse("review_report"), {"period": "half-2025-11-03"})
    governor = get(client, user(school, Role.GOVERNOR, "gov"), "review_report")

    below = response.text.split("Every pupil (7)")[0]
    assert "Annie" in below and "Present" not in below
    assert "Present" in response.text  # the list of every pupil (seed 003)
    assert "1 of 7 pupils had attendance below 96%" in response.text
    assert "1 of 7 pupils" in governor.text and "Annie" not in governor.text


def test_review_downloads_are_audited_and_keep_names_from_governors(client, school):
    from io import BytesIO

    from openpyxl import load_workbook

    office = user(school, Role.OFFICE, "office")
    csv = get(client, office, "review_report", period="half-2025-11-03", format="csv")
    xlsx = get(client, office, "review_report", period="half-2025-11-03", format="xlsx")
    governor_csv = get(client, user(school, Role.GOVERNOR, "gov"), "review_report", format="csv")

    assert csv["Content-Type"].startswith("text/csv") and "Annie" in csv.text
    assert load_workbook(BytesIO(xlsx.content)).sheetnames == [
        "Below 96%",
        "All pupils",
        "Attendance by group",
    ]
    assert "Annie" not in governor_csv.text and "suppressed" in governor_csv.text
    kinds = AuditEvent.objects.filter(kind="export.downloaded").values_list("data", flat=True)
    assert sorted(d["format"] for d in kinds) == ["csv", "csv", "xlsx"]


def test_census_counts_by_reason_with_downloads(client, school, django_assert_max_num_queries):
    office = user(school, Role.OFFICE, "office")
    client.force_login(office)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(8):
        page = client.get(reverse("census_report"), {"period": "2025-autumn"})
    csv = get(client, office, "census_report", period="2025-autumn", format="csv")
    governor = get(
        client,
        user(school, Role.GOVERNOR, "gov"),
        "census_report",
        period="2025-autumn",
        format="csv",
    )

    assert "Spring census" in page.text and "Sessions possible" in page.text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">42</td>' in page.text
    assert "Illness" in page.text
    assert "reason_I" in csv.text and "Annie" in csv.text
    assert "Annie" not in governor.text and "sessions_possible,42" in governor.text


def test_the_group_report_downloads_as_xlsx_and_is_audited(client, school):
    response = get(client, user(school, Role.HEAD, "head"), "group_report", format="xlsx")

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert AuditEvent.objects.filter(kind="export.downloaded", data__report="groups").exists()


def test_the_weekly_report_tables_download_as_csv_and_xlsx(client, school):
    from io import BytesIO

    from openpyxl import load_workbook

    office = user(school, Role.OFFICE, "office")
    csv = get(client, office, "weekly_report", week="2025-11-03", format="csv")
    xlsx = get(client, office, "weekly_report", week="2025-11-03", format="xlsx")
    governor = get(client, user(school, Role.GOVERNOR, "gov"), "weekly_report", format="xlsx")

    assert csv.text.splitlines()[0].startswith("table,row,pupils,attendance_pct")
    assert "year,3,6,91.7" in csv.text  # 33 of 36 sessions
    sheets = load_workbook(BytesIO(xlsx.content)).sheetnames
    assert sheets == ["Attendance by group", "New persistent absentees"]
    assert load_workbook(BytesIO(governor.content)).sheetnames == ["Attendance by group"]
    assert AuditEvent.objects.filter(kind="export.downloaded", data__report="weekly").count() == 3


def test_a_failed_or_abandoned_build_is_queued_again(client, school):
    head = user(school, Role.HEAD, "head")
    client.force_login(head)
    with time_machine.travel(NOW, tick=False):
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})
        GovernorsReportBuild.objects.update(status=BuildStatus.FAILED, error="boom")
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})
        retried = GovernorsReportBuild.objects.get()
        GovernorsReportBuild.objects.update(status=BuildStatus.BUILDING)
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})  # too soon
        busy = GovernorsReportBuild.objects.get()
    with time_machine.travel("2025-12-01 11:30:00+00:00", tick=False):
        client.post(reverse("governors_pdf_request"), {"period": "2025-autumn"})
        abandoned = GovernorsReportBuild.objects.get()

    assert retried.status == BuildStatus.QUEUED and retried.error == ""
    assert busy.status == BuildStatus.BUILDING
    assert abandoned.status == BuildStatus.QUEUED
    assert AuditEvent.objects.filter(kind="governors_report.requested").count() == 4
