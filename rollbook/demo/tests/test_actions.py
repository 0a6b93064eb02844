"""The actions the demo added: staff sign-ins (core), contacts and class teachers (pupils)."""

import pytest
from django.contrib.auth import get_user_model

from rollbook.core.actions import SchoolError, create_staff_user
from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.pupils.actions import PupilError, add_class_teacher, add_contact
from rollbook.pupils.models import PupilContact

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase"


def test_create_staff_user_grants_the_roles_and_audits_without_the_password():
    school = make_school()

    user = create_staff_user(
        actor_label="test",
        school=school,
        username="lead",
        password=PASSWORD,
        roles=[Role.ATTENDANCE_LEAD, Role.DSL, Role.DSL],
        first_name="Ada",
    )

    assert user.check_password(PASSWORD) and not user.is_staff and not user.is_superuser
    assert set(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == {
        Role.ATTENDANCE_LEAD,
        Role.DSL,
    }
    event = AuditEvent.objects.get(kind="staff_user.created")
    assert event.school == school and event.data["roles"] == ["attendance_lead", "dsl"]
    assert PASSWORD not in str(event.data)


def test_create_staff_user_refuses_a_taken_username_no_roles_and_weak_passwords():
    school = make_school()
    create_staff_user(school=school, username="head", password=PASSWORD, roles=[Role.HEAD])

    with pytest.raises(SchoolError, match="already taken"):
        create_staff_user(school=school, username="head", password=PASSWORD, roles=[Role.HEAD])
    with pytest.raises(SchoolError, match="at least one role"):
        create_staff_user(school=school, username="x", password=PASSWORD, roles=[])
    with pytest.raises(SchoolError, match="password"):
        create_staff_user(school=school, username="y", password="short", roles=[Role.OFFICE])
    assert get_user_model().objects.count() == 1


def test_a_superuser_is_staff_for_the_admin():
    user = create_staff_user(
        school=make_school(), username="root", password=PASSWORD, roles=[Role.ADMIN], superuser=True
    )

    assert user.is_superuser and user.is_staff


def test_add_contact_links_siblings_in_priority_order_and_audits():
    school = make_school()
    amy, ben = make_pupil(school), make_pupil(school)
    mother = add_contact(
        school=school, pupils=[amy, ben], forename="Jo", surname="Bloggs", relationship="Mother"
    )

    father = add_contact(
        school=school,
        pupils=[amy],
        forename="Sam",
        surname="Bloggs",
        relationship="Father",
        lives_with_pupil=False,
        email="sam@example.com",
    )

    assert list(amy.contact_links.values_list("contact", "priority")) == [
        (mother.pk, 1),
        (father.pk, 2),
    ]
    assert list(ben.contacts.all()) == [mother]
    assert not PupilContact.objects.get(contact=father).lives_with_pupil
    events = AuditEvent.objects.filter(kind="contact.added").order_by("id")
    assert [e.data["pupils"] for e in events] == [[amy.upn, ben.upn], [amy.upn]]
    assert events[1].pupil_id == amy.pk


def test_add_contact_refuses_no_pupils_other_schools_and_bad_emails():
    school, other = make_school(), make_school()
    theirs = make_pupil(other)

    with pytest.raises(PupilError, match="at least one pupil"):
        add_contact(school=school, pupils=[], forename="A", surname="B", relationship="Mother")
    with pytest.raises(PupilError, match="same school"):
        add_contact(
            school=school, pupils=[theirs], forename="A", surname="B", relationship="Mother"
        )
    with pytest.raises(PupilError, match="email"):
        add_contact(
            school=other,
            pupils=[theirs],
            forename="A",
            surname="B",
            relationship="Mother",
            email="not-an-email",
        )


def test_add_class_teacher_is_audited_once():
    school = make_school()
    group = make_pupil(school, class_name="3A").registration_group
    teacher = create_staff_user(
        school=school, username="t3", password=PASSWORD, roles=[Role.TEACHER]
    )

    add_class_teacher(group=group, user=teacher)
    add_class_teacher(group=group, user=teacher)

    assert list(group.teachers.all()) == [teacher]
    assert AuditEvent.objects.filter(kind="class_teacher.added").count() == 1
