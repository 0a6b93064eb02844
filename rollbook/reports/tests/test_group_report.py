from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.models import Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school

pytestmark = pytest.mark.django_db
WEDNESDAY = "2025-10-08 10:00:00+01:00"


def user(school, role, name):
    u = get_user_model().objects.create_user(name, password="x")
    StaffRole.objects.create(user=u, school=school, role=role)
    return u


@pytest.fixture
def school():
    school = make_school()
    week = [date(2025, 10, 6), date(2025, 10, 7)]
    for i in range(6):
        add_marks(
            make_pupil(school, pupil_premium=i < 2),
            [(d, s, "/" if i else "I") for d in week for s in ("AM", "PM")],
        )
    cla = make_pupil(school, cla=True, legal_forename="Lonely")
    add_marks(cla, [(d, s, "O") for d in week for s in ("AM", "PM")])
    return school


def get(client, who, **params):
    client.force_login(who)
    with time_machine.travel(WEDNESDAY, tick=False):
        return client.get(reverse("group_report"), params)


def test_the_office_sees_group_figures_and_the_national_comparison(
    client, school, django_assert_max_num_queries
):
    office = user(school, Role.OFFICE, "office")
    client.force_login(office)

    with time_machine.travel(WEDNESDAY, tick=False), django_assert_max_num_queries(10):
        response = client.get(reverse("group_report"))

    text = response.text
    assert response.status_code == 200
    assert "Attendance by group: 2025/26 so far" in text
    assert (
        "5.53%" in text
        and "Not published" not in text.split("Pupil groups")[0].split("2023/24")[1][:10]
    )
    # Pupil premium: 2 pupils, 4 of 8 sessions absent = 50 %; others 4 of 20 (the CLA pupil) = 20 %.
    assert "50.0%" in text and "+30.0 points" in text
    assert "Fewer than" not in text


def test_governors_see_aggregates_with_small_groups_suppressed(client, school):
    text = get(client, user(school, Role.GOVERNOR, "governor")).text

    assert "Groups of fewer than 5 pupils are not shown" in text
    assert "Fewer than 5 pupils" in text  # the one looked-after pupil
    assert "Lonely" not in text


def test_teachers_and_other_schools_cannot_see_the_report(client, school):
    assert get(client, user(school, Role.TEACHER, "teacher")).status_code == 403
    other = make_school()
    response = get(client, user(other, Role.HEAD, "other"))
    assert response.status_code == 200 and "50.0%" not in response.text  # their own (empty) school


def test_the_report_refuses_other_methods_and_anonymous_users(client, school):
    assert client.get(reverse("group_report")).status_code == 302
    client.force_login(user(school, Role.HEAD, "head"))
    assert client.post(reverse("group_report")).status_code == 405


def test_the_period_can_be_last_year(client, school):
    response = get(client, user(school, Role.HEAD, "head"), period="last_year")

    assert "Attendance by group: 2024/25" in response.text


def test_the_csv_export_carries_the_same_figures_and_the_same_suppression(client, school):
    import csv
    import io

    office = get(client, user(school, Role.OFFICE, "office"), format="csv")
    governor = get(client, user(school, Role.GOVERNOR, "governor"), format="csv")

    rows = {(r["table"], r["row"]): r for r in csv.DictReader(io.StringIO(office.content.decode()))}
    assert office["Content-Type"].startswith("text/csv")
    assert rows[("group", "Pupil premium")]["overall_absence_pct"] == "50.0"
    assert rows[("group", "Pupil premium")]["gap_points"] == "30.0"
    assert rows[("group", "Looked after")]["pupils"] == "1"
    assert "Looked after,suppressed" in governor.content.decode()
