"""Two-factor sign-in end to end: enrolling with a real app code, the code step at sign-in,
recovery codes (once each), throttling, enforcement by role, turning it off and resets."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollbook.accounts import sessions
from rollbook.accounts.codes import stored_form
from rollbook.accounts.rules import RECOVERY_CODE_COUNT
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware, make_school

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
START = aware(2026, 11, 23, 9, 0)
REQUIRED = ["head", "dsl", "attendance_lead", "office", "admin", "senco"]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def school():
    return make_school(name="Two Factor Primary")


def staff(school, name, *roles, superuser=False):
    return create_staff_user(
        actor_label="test",
        school=school,
        username=name,
        password=PASSWORD,
        roles=roles,
        superuser=superuser,
    )


def code_for(key: str, at_offset: int = 0) -> str:
    """What the phone shows now (or at_offset steps from now), from the key alone."""
    return f"{totp(bytes.fromhex(key), step=30, drift=at_offset):06d}"


def path(response) -> str:
    return urlsplit(response["Location"]).path


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    """Through the pages: open the enrolment page, type the app's code, read the codes."""
    page = client.get(reverse("accounts:two_factor"))
    key = client.session[sessions.PENDING_KEY]
    assert page.context["secret"].replace(" ", "")  # shown for typing in
    response = client.post(reverse("accounts:two_factor"), {"code": code_for(key)})
    assert path(response) == reverse("accounts:recovery_codes")
    codes = client.get(reverse("accounts:recovery_codes")).context["codes"]
    return TOTPDevice.objects.get(key=key), codes


# --- Enrolling ------------------------------------------------------------------------------


def test_enrolling_with_a_real_code_turns_two_factor_on_and_shows_ten_codes_once(
    client, school, clock
):
    alice = staff(school, "alice", Role.TEACHER)
    client.force_login(alice)

    page = client.get(reverse("accounts:two_factor"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "<script" not in text.split("<svg")[1].split("</svg>")[0]
    assert page.context["secret"] in text
    assert not TOTPDevice.objects.exists()  # opening the page writes nothing

    device, codes = enrol(client)

    assert device.confirmed and device.user == alice
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {stored_form(c) for c in codes}  # hashes only: no code in the database
    assert not stored & set(codes)
    assert client.session.get("otp_device_id") == device.persistent_id  # verified now
    assert AuditEvent.objects.filter(kind="two_factor.enrolled", actor=alice).count() == 1
    download = client.get(reverse("accounts:recovery_codes_download"))
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(c in download.content.decode() for c in codes)
    # "I have saved them": the codes leave the session and are never shown again.
    client.post(reverse("accounts:recovery_codes"))
    again = client.get(reverse("accounts:recovery_codes"))
    assert again.context["codes"] is None and codes[0] not in again.content.decode()
    assert path(client.get(reverse("accounts:recovery_codes_download"))) == reverse(
        "accounts:recovery_codes"
    )


def test_a_wrong_code_does_not_enrol(client, school, clock):
    client.force_login(staff(school, "alice", Role.TEACHER))
    client.get(reverse("accounts:two_factor"))
    key = client.session[sessions.PENDING_KEY]

    response = client.post(reverse("accounts:two_factor"), {"code": code_for(key, 5)})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.session[sessions.PENDING_KEY] == key  # the same QR code stays valid


# --- Signing in -----------------------------------------------------------------------------


@pytest.fixture
def enrolled(client, school, clock):
    """alice (a teacher) with an app; returns (device, recovery codes); signed out."""
    client.force_login(staff(school, "alice", Role.TEACHER))
    device, codes = enrol(client)
    client.logout()
    clock.shift(timedelta(seconds=30))  # the enrolment code is used; wait for the next one
    return device, codes


def test_signing_in_takes_the_password_then_a_code_from_the_app(client, enrolled):
    device, _ = enrolled
    response = sign_in(client, "alice")
    assert response.status_code == 302  # the password step (django-axes) passed

    # Everything else now leads to the code step, with the page asked for kept.
    pupils = client.get(reverse("pupils:list"))
    assert path(pupils) == reverse("accounts:verify")
    assert "next=%2Fpupils%2F" in pupils["Location"]
    assert client.get(reverse("accounts:two_factor")).status_code == 302  # no second app

    page = client.get(pupils["Location"])
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:verify"), {"code": code_for(device.key), "next": "/pupils/"}
    )

    assert path(response) == "/pupils/"
    assert client.get(reverse("pupils:list")).status_code == 200


def test_the_same_app_code_does_not_work_twice(client, enrolled):
    device, _ = enrolled
    sign_in(client, "alice")
    code = code_for(device.key)
    client.post(reverse("accounts:verify"), {"code": code})
    client.logout()

    sign_in(client, "alice")
    response = client.post(reverse("accounts:verify"), {"code": code})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


def test_a_recovery_code_works_once(client, enrolled, clock):
    _, codes = enrolled
    sign_in(client, "alice")

    response = client.post(reverse("accounts:verify"), {"code": codes[0].upper()})
    assert path(response) == reverse("home")
    used = AuditEvent.objects.get(kind="two_factor.recovery_code_used")
    assert used.data == {"codes_left": RECOVERY_CODE_COUNT - 1}
    client.logout()

    clock.shift(timedelta(seconds=5))
    sign_in(client, "alice")
    response = client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert AuditEvent.objects.filter(kind="two_factor.code_rejected").count() == 1
    clock.shift(timedelta(seconds=5))
    assert path(client.post(reverse("accounts:verify"), {"code": codes[1]})) == reverse("home")


def test_wrong_codes_are_throttled_for_longer_each_time(client, enrolled, clock):
    device, _ = enrolled
    sign_in(client, "alice")
    verify = reverse("accounts:verify")
    for wait in (1, 2):  # after each wrong code the device waits 1, 2, then 4 seconds
        client.post(verify, {"code": "000000"})
        clock.shift(timedelta(seconds=wait))
    client.post(verify, {"code": "000000"})  # the third, at 09:00:33

    # Two seconds after the third failure the right code is still refused, unchecked ...
    clock.shift(timedelta(seconds=2))
    response = client.post(verify, {"code": code_for(device.key)})
    assert response.status_code == 200
    assert "Too many wrong codes. Try again after 09:00:37" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 3  # waiting attempts do not count
    # ... and accepted once the wait is over; success clears the count.
    clock.shift(timedelta(seconds=2))
    assert path(client.post(verify, {"code": code_for(device.key)})) == reverse("home")
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_wrong_code_throttles_the_recovery_codes_separately(client, enrolled):
    _, codes = enrolled
    sign_in(client, "alice")
    client.post(reverse("accounts:verify"), {"code": "nottheone"})

    response = client.post(reverse("accounts:verify"), {"code": codes[0]})

    assert "Too many wrong codes" in response.content.decode()
    assert StaticToken.objects.filter(token=stored_form(codes[0])).exists()  # not used up


def test_htmx_requests_are_sent_to_the_code_step_with_hx_redirect(client, enrolled):
    sign_in(client, "alice")

    response = client.get(
        reverse("pupils:list"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/registers/"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/account/verify/?next=%2Fregisters%2F"


def test_a_failed_password_with_an_app_still_counts_towards_the_lockout(client, enrolled):
    for _ in range(5):
        response = sign_in(client, "alice", "wrong password")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert sign_in(client, "alice").status_code == 429  # the right password too


# --- Enforcement by role --------------------------------------------------------------------


def test_roles_with_sensitive_data_are_sent_to_enrol_first(client, school, clock, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    dsl = staff(school, "dee", Role.DSL)
    teacher = staff(school, "tom", Role.TEACHER)

    sign_in(client, "dee")
    response = client.get(reverse("pupils:list"))
    assert path(response) == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:two_factor")).context["required"]
    assert client.post(reverse("logout")).status_code == 302  # signing out still works

    client.force_login(teacher)  # a teacher is not required to
    assert client.get(reverse("pupils:list")).status_code == 200

    client.force_login(dsl)
    _, codes = enrol(client)
    assert client.get(reverse("pupils:list")).status_code == 200
    assert len(codes) == RECOVERY_CODE_COUNT


def test_enforcement_reads_the_setting_on_each_request(client, school, settings):
    """The session keeps the roles, not the decision: changing the setting takes effect."""
    client.force_login(staff(school, "olly", Role.OFFICE))
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    assert client.get(reverse("office_today")).status_code == 200
    settings.TWO_FACTOR_REQUIRED_ROLES = ["office"]
    assert path(client.get(reverse("office_today"))) == reverse("accounts:two_factor")


def test_a_superuser_counts_as_an_administrator(client, school, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    client.force_login(staff(school, "root", Role.TEACHER, superuser=True))

    assert path(client.get(reverse("admin:index"))) == reverse("accounts:two_factor")


def test_the_middleware_adds_no_query_for_staff_without_two_factor(client, school, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff(school, "tom", Role.TEACHER))
    client.get(reverse("register_list"))  # warm up: content types, session

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(reverse("register_list")).status_code == 200
        return len(done)

    with_it = queries()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TwoFactor" not in m]
    assert queries() == with_it  # the facts come from the session, worked out at sign-in


def test_a_bad_role_name_in_the_setting_is_a_system_error(settings):
    from rollbook.accounts.apps import check_required_roles

    settings.TWO_FACTOR_REQUIRED_ROLES = ["head", "dls"]
    assert [e.id for e in check_required_roles()] == ["accounts.E001"]
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    assert check_required_roles() == []


# --- Turning it off, and resets -------------------------------------------------------------


def test_turning_it_off_needs_the_password_again(client, school, clock):
    alice = staff(school, "alice", Role.TEACHER)
    client.force_login(alice)
    enrol(client)
    remove = reverse("accounts:remove_two_factor")

    response = client.post(remove, {"password": "not my password"})
    assert response.status_code == 200
    assert "That password is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()

    response = client.post(remove, {"password": PASSWORD})
    assert path(response) == reverse("accounts:two_factor")
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticToken.objects.exists()
    assert AuditEvent.objects.filter(kind="two_factor.removed", actor=alice).exists()
    assert client.get(reverse("pupils:list")).status_code == 200  # no code step any more


def test_new_recovery_codes_replace_the_old_ones(client, school, clock):
    client.force_login(staff(school, "alice", Role.TEACHER))
    _, old = enrol(client)

    client.post(reverse("accounts:make_recovery_codes"))
    new = client.get(reverse("accounts:recovery_codes")).context["codes"]

    assert len(new) == RECOVERY_CODE_COUNT and not set(new) & set(old)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {stored_form(c) for c in new}
    assert AuditEvent.objects.filter(kind="two_factor.recovery_codes_made").count() == 1


def test_an_administrator_resets_a_colleagues_two_factor_with_a_reason(
    client, school, clock, settings
):
    settings.TWO_FACTOR_REQUIRED_ROLES = REQUIRED
    admin = staff(school, "root", Role.ADMIN)
    dsl = staff(school, "dee", Role.DSL)
    other = staff(make_school(name="Elsewhere"), "faraway", Role.DSL)
    dsl_client, admin_client = client, type(client)()
    dsl_client.force_login(dsl)
    enrol(dsl_client)
    admin_client.force_login(admin)
    enrol(admin_client)  # the administrator uses two-factor too
    url = reverse("accounts:reset_two_factor", args=[dsl.pk])

    listing = admin_client.get(reverse("accounts:staff")).content.decode()
    assert "dee" in listing and url in listing and "faraway" not in listing
    assert admin_client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    assert TOTPDevice.objects.filter(user=dsl).exists()
    response = admin_client.post(url, {"reason": "Lost phone, seen in person"})

    assert path(response) == reverse("accounts:staff")
    assert not TOTPDevice.objects.filter(user=dsl).exists()
    reset = AuditEvent.objects.get(kind="two_factor.reset")
    assert (reset.actor, reset.reason, reset.data["username"]) == (
        admin,
        "Lost phone, seen in person",
        "dee",
    )
    # The colleague's verified session is no longer verified: they must enrol again.
    assert path(dsl_client.get(reverse("pupils:list"))) in (
        reverse("accounts:verify"),
        reverse("accounts:two_factor"),
    )
    dsl_client.get(reverse("accounts:verify"))  # finds no app: goes on to enrolment
    assert path(dsl_client.get(reverse("pupils:list"))) == reverse("accounts:two_factor")
    # Other schools' staff are not found; only the administrator may reset.
    other_url = reverse("accounts:reset_two_factor", args=[other.pk])
    assert admin_client.post(other_url, {"reason": "x"}).status_code == 404
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    dsl_client.force_login(staff(school, "head", Role.HEAD))
    assert dsl_client.get(url).status_code == 403


def test_the_pages_keep_the_content_security_policy(client, school, clock):
    """No inline style or unnonced script, the QR code included (inline SVG)."""
    from rollbook.core.tests.test_security import assert_secure_page

    root = staff(school, "root", Role.ADMIN)
    client.force_login(root)
    assert_secure_page(client.get(reverse("accounts:two_factor")), name="enrol")
    enrol(client)
    for name in (
        "accounts:recovery_codes",
        "accounts:two_factor",
        "accounts:remove_two_factor",
        "accounts:staff",
        "accounts:audit",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_secure_page(response, name=name)
    client.logout()
    clock.shift(timedelta(seconds=30))
    sign_in(client, "root")
    assert_secure_page(client.get(reverse("accounts:verify")), name="verify")
