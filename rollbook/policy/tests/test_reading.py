"""S001-4: staff confirm they have read the policy version in force; the head sees who has not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import make_school
from rollbook.policy import reading
from rollbook.policy.actions import AlertError, adopt_policy, adopt_preset, confirm_policy_read
from rollbook.policy.models import PolicyReadConfirmation

T1 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)

# --- Pure ---------------------------------------------------------------------------------------


def test_readers_split_staff_into_confirmed_and_not_each_once():
    staff = [(1, "Cara"), (2, "ann"), (3, "Bob"), (1, "Cara")]  # Cara holds two roles

    done, waiting = reading.readers(staff, {3: T2, 1: T1})

    assert [(r.name, r.confirmed_at) for r in done] == [("Cara", T1), ("Bob", T2)]
    assert [r.name for r in waiting] == ["ann"]


def test_the_head_the_lead_and_admins_see_everyone():
    assert reading.may_see_everyone({"head"}) and reading.may_see_everyone({"attendance_lead"})
    assert not reading.may_see_everyone({"office", "teacher"})


# --- Against the database -----------------------------------------------------------------------


def _staff(school, name, *roles, first=""):
    return create_staff_user(
        actor_label="test",
        school=school,
        username=name,
        password="pw-for-tests-1234",
        roles=roles,
        first_name=first or name.capitalize(),
        last_name="Staff",
    )


@pytest.fixture
def school(db):
    school = make_school(name="Meadow Primary")
    adopt_preset(actor_label="test", school=school, preset="001_everyones_business")
    return school


def test_a_confirmation_is_kept_once_per_version_and_audited(school):
    teacher = _staff(school, "tess", Role.TEACHER)

    confirm_policy_read(actor=teacher, school=school)
    with pytest.raises(AlertError, match="already confirmed reading version 1"):
        confirm_policy_read(actor=teacher, school=school)

    assert PolicyReadConfirmation.objects.get().user == teacher
    event = AuditEvent.objects.get(kind="policy.read_confirmed")
    assert (event.actor, event.data["version"]) == (teacher, 1)


def test_without_an_adopted_policy_there_is_nothing_to_confirm(db):
    school = make_school()
    with pytest.raises(AlertError, match="not adopted a policy"):
        confirm_policy_read(actor=_staff(school, "tess", Role.TEACHER), school=school)


def test_the_head_sees_who_has_confirmed_and_a_new_version_clears_the_list(
    client, school, django_assert_max_num_queries
):
    head = _staff(school, "hana", Role.HEAD)
    teacher = _staff(school, "tess", Role.TEACHER)
    _staff(school, "olly", Role.OFFICE)
    client.force_login(teacher)
    client.post(reverse("policy:read"))
    client.force_login(head)

    with django_assert_max_num_queries(10):
        before = client.get(reverse("policy:read")).content.decode()
    adopt_policy(
        actor_label="test", school=school, text='name = "New"\nversion = 2\n', source="test"
    )
    after = client.get(reverse("policy:read")).content.decode()

    assert "Not yet confirmed (2)" in before and "Confirmed (1)" in before
    assert before.index("Tess Staff") > before.index("Confirmed (1)")
    assert before.index("Olly Staff") < before.index("Confirmed (1)")
    assert "Not yet confirmed (3)" in after and "Confirmed (0)" in after
    assert "I have read version 2" in after


def test_a_teacher_confirms_but_does_not_see_the_list(client, school):
    teacher = _staff(school, "tess", Role.TEACHER)
    client.force_login(teacher)

    response = client.post(reverse("policy:read"))
    again = client.post(reverse("policy:read"), follow=True).content.decode()
    page = client.get(reverse("policy:read")).content.decode()

    assert response.status_code == 302
    assert "already confirmed" in again
    assert "You confirmed reading this version" in page and "Not yet confirmed" not in page
    assert client.put(reverse("policy:read")).status_code == 405


def test_people_without_a_staff_role_are_refused(client, school, django_user_model):
    client.force_login(django_user_model.objects.create_user("parent", password="x"))

    assert client.get(reverse("policy:read")).status_code == 403
    assert client.post(reverse("policy:read")).status_code == 403
    assert not PolicyReadConfirmation.objects.exists()
