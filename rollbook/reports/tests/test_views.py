from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.reports.tests import builders

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WEDNESDAY_MORNING = datetime(2026, 3, 11, 10, 30, tzinfo=LONDON)  # builders.TODAY
SATURDAY = datetime(2026, 3, 14, 10, 30, tzinfo=LONDON)


@pytest.fixture
def on_wednesday(time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_office_sees_todays_registers_and_the_year_so_far(client, office, on_wednesday):
    client.force_login(office)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "reports/home.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Oakfield Primary" in html
    assert "Today, Wednesday 11 March 2026" in html
    assert "2 of 2" in html
    assert "50.0%" in html  # morning attendance so far
    assert "100.0%" in html  # afternoon
    assert "81.0%" in html  # year to date
    assert "19.0%" in html
    assert "3 pupils (60.0%)" in html
    assert "2 pupils" in html
    assert "2025/26 so far" in html


def test_home_is_get_only(client, office):
    client.force_login(office)

    response = client.post(reverse("home"))

    assert response.status_code == 405


def test_staff_at_another_school_see_only_their_own_school(client, oakfield, on_wednesday):
    elsewhere = builders.school("Elsewhere Primary")
    client.force_login(builders.staff(elsewhere, "elsewhere-head"))

    html = client.get(reverse("home")).content.decode()

    assert "Elsewhere Primary" in html
    assert "Oakfield" not in html
    assert "81.0%" not in html


def test_a_user_with_no_school_is_told_so(client, oakfield):
    user = get_user_model().objects.create_user(username="newstarter", password=builders.PASSWORD)
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No school is linked to your account" in response.content.decode()
    assert "Oakfield" not in response.content.decode()


def test_a_superuser_with_no_role_sees_the_first_school(client, oakfield, on_wednesday):
    admin = get_user_model().objects.create_superuser(username="admin", password=builders.PASSWORD)
    client.force_login(admin)

    html = client.get(reverse("home")).content.decode()

    assert "Oakfield Primary" in html
    assert "81.0%" in html


def test_at_the_weekend_it_says_there_is_no_school(client, office, time_machine):
    time_machine.move_to(SATURDAY, tick=False)
    client.force_login(office)

    html = client.get(reverse("home")).content.decode()

    assert "No school today: weekend." in html
    assert "Morning register" not in html
    assert "2025/26 so far" in html


def test_the_sign_in_page_renders_an_accessible_form(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in \N{EN DASH} Rollbook</title>" in html
    assert '<label class="govuk-label" for="id_username">Username</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "govuk-error-summary" not in html
    assert "Sign out" not in html


def test_a_wrong_password_shows_the_error_summary(client, office):
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200  # validation errors re-render with 200 (see base.html)
    assert "<title>Error: Sign in \N{EN DASH} Rollbook</title>" in html
    assert "There is a problem" in html
    assert '<a href="#id_username">Please enter a correct username and password.' in html
    assert 'aria-describedby="id_username-error"' in html
    assert 'value="office"' in html
    assert "wrong" not in html


def test_a_blank_form_links_each_error_to_its_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_username">This field is required.</a>' in html
    assert '<a href="#id_password">This field is required.</a>' in html


def test_signing_in_goes_to_the_home_page(client, office):
    response = client.post(
        reverse("login"), {"username": "office", "password": builders.PASSWORD, "next": "/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_is_a_post_form_in_the_navigation(client, office, on_wednesday):
    client.force_login(office)

    html = client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))

    assert f'<form method="post" action="{reverse("logout")}" class="rollbook-sign-out">' in html
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_every_page_sends_the_csrf_token_with_htmx_requests(client, office, on_wednesday):
    client.force_login(office)

    response = client.get(reverse("home"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'hx-headers=\'{"X-CSRFToken": "' in response.content.decode()


def test_home_runs_a_fixed_number_of_queries(
    client, office, on_wednesday, django_assert_max_num_queries
):
    client.force_login(office)

    # session, user, staff role + school, school_today's six, this week and the same days last
    # year (two), the school's policy, the user's roles, the navigation's roles
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))

    assert response.status_code == 200


def test_home_shows_this_week_against_the_target_and_last_year(
    client, oakfield, office, on_wednesday
):
    from rollbook.policy.actions import adopt_preset

    adopt_preset(actor_label="test", school=oakfield.school, preset="001_everyones_business")
    client.force_login(office)

    html = client.get(reverse("home")).content.decode()

    week = html.split("This week so far")[1].split("so far</h2>")[0]
    # Monday 9 to Wednesday 11 March: only today's marks. Attended Amy / and \\, Dev L; Cara I
    # authorised, Ben N unauthorised; Cara's Y2 is not possible: 3 of 5 = 60.0%.
    assert "60.0%" in week
    assert "Against the target (96" in week and "-36.0 points" in week
    assert "No data" in week  # no marks on the same days of 2025
    assert "Look closer" in html and reverse("review_report") in html


def test_home_has_no_report_links_for_a_class_teacher(client, oakfield, on_wednesday):
    from rollbook.core.models import Role

    client.force_login(builders.staff(oakfield.school, "teacher", Role.TEACHER))

    html = client.get(reverse("home")).content.decode()

    assert "This week so far" in html and "Look closer" not in html


def test_home_links_every_member_of_staff_to_the_policy_to_confirm(client, oakfield, on_wednesday):
    from rollbook.core.models import Role

    client.force_login(builders.staff(oakfield.school, "teacher", Role.TEACHER))

    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("policy:read")}"' in html
