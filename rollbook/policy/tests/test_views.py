from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.models import Alert
from rollbook.policy.monitoring import run_monitoring

pytestmark = pytest.mark.django_db


def user(school, role, name):
    u = get_user_model().objects.create_user(name, password="x")
    StaffRole.objects.create(user=u, school=school, role=role)
    return u


@pytest.fixture
def alert():
    school = make_school()
    pupil = make_pupil(school, legal_forename="Amy")
    add_marks(pupil, [(date(2025, 10, 6), s, "O") for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=date(2025, 10, 6))
    return Alert.objects.get(pupil=pupil)


def test_the_attendance_lead_sees_open_alerts(client, alert, django_assert_max_num_queries):
    client.force_login(user(alert.school, Role.ATTENDANCE_LEAD, "lead"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("policy:alerts"))

    assert response.status_code == 200
    assert "Amy" in response.text and "Severe absence" in response.text


def test_teachers_governors_and_other_schools_cannot_see_alerts(client, alert):
    for name, role in (("t", Role.TEACHER), ("g", Role.GOVERNOR)):
        client.force_login(user(alert.school, role, name))
        assert client.get(reverse("policy:alerts")).status_code == 403
    client.force_login(user(make_school(), Role.HEAD, "other"))
    assert (
        client.post(
            reverse("policy:decide", args=[alert.pk]), {"status": "done", "reason": "x"}
        ).status_code
        == 404
    )


def test_anonymous_users_are_sent_to_sign_in(client, alert):
    assert client.get(reverse("policy:alerts")).status_code == 302


def test_wrong_methods_are_refused(client, alert):
    client.force_login(user(alert.school, Role.OFFICE, "office"))

    assert client.post(reverse("policy:alerts")).status_code == 405
    assert client.get(reverse("policy:decide", args=[alert.pk])).status_code == 405


def test_dismissing_needs_a_reason_and_is_audited(client, alert):
    lead = user(alert.school, Role.ATTENDANCE_LEAD, "lead")
    client.force_login(lead)

    bad = client.post(
        reverse("policy:decide", args=[alert.pk]), {"status": "dismissed", "reason": ""}
    )
    good = client.post(
        reverse("policy:decide", args=[alert.pk]),
        {"status": "dismissed", "reason": "Known illness"},
    )

    assert bad.status_code == 200 and "There is a problem" in bad.text
    assert good.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.decided_by == lead
    assert AuditEvent.objects.filter(kind="alert.decided", actor=lead).exists()


def test_deferring_needs_a_date(client, alert):
    client.force_login(user(alert.school, Role.ATTENDANCE_LEAD, "lead"))

    response = client.post(
        reverse("policy:decide", args=[alert.pk]), {"status": "deferred", "reason": "wait"}
    )

    assert "Enter the date to look at this again" in response.text
    alert.refresh_from_db()
    assert alert.status == "open"


def test_filters_by_kind_and_status(client, alert):
    client.force_login(user(alert.school, Role.HEAD, "head"))

    assert "Amy" not in client.get(reverse("policy:alerts"), {"kind": "stage"}).text
    assert "Amy" not in client.get(reverse("policy:alerts"), {"status": "done"}).text
    assert "Amy" in client.get(reverse("policy:alerts"), {"status": "all"}).text


def test_marking_a_stage_action_done_is_audited_and_only_once(client):
    from rollbook.policy.actions import adopt_policy
    from rollbook.policy.models import PolicyAction

    school = make_school()
    adopt_policy(
        actor_label="t",
        school=school,
        text='name="p"\nversion=1\n[[stages]]\nkey="s1"\nname="S1"\ntrigger={days_absent_at_least=1}\n'
        'actions=[{kind="letter",text="Letter 1",template="l1"}]\n',
        source="t",
    )
    pupil = make_pupil(school)
    add_marks(pupil, [(date(2025, 10, 6), s, "I") for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=date(2025, 10, 6))
    action = PolicyAction.objects.get()
    office = user(school, Role.OFFICE, "office")
    client.force_login(office)

    assert "Mark as sent" in client.get(reverse("policy:alerts")).text
    first = client.post(reverse("policy:action_done", args=[action.pk]), follow=True)
    second = client.post(reverse("policy:action_done", args=[action.pk]), follow=True)

    action.refresh_from_db()
    assert action.status == "done" and action.done_by == office
    assert "marked sent" in first.text and "no longer open" in second.text
    assert AuditEvent.objects.filter(kind="policy_action.done").count() == 1
    assert client.get(reverse("policy:action_done", args=[action.pk])).status_code == 405
    client.force_login(user(school, Role.TEACHER, "teacher"))
    assert client.post(reverse("policy:action_done", args=[action.pk])).status_code == 403


def test_alerts_come_fifty_a_page_with_the_filters_kept(client, alert, monkeypatch):
    from rollbook.policy import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)  # one alert a page: the fixture's and another
    other = make_pupil(alert.school, legal_forename="Bea")
    add_marks(other, [(date(2025, 10, 6), s, "O") for s in ("AM", "PM")])
    run_monitoring(school=alert.school, as_of=date(2025, 10, 6))
    client.force_login(user(alert.school, Role.ATTENDANCE_LEAD, "lead"))

    first = client.get(reverse("policy:alerts"), {"status": "open"}).text
    second = client.get(reverse("policy:alerts"), {"status": "open", "page": 2}).text

    assert "Page 1 of 2" in first and "status=open&amp;page=2" in first
    assert ("Amy" in first) != ("Amy" in second) and ("Bea" in first) != ("Bea" in second)
