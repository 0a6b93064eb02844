import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core import access
from rollbook.core.models import Role, StaffRole
from rollbook.core.tests.factories import make_pupil, make_school

pytestmark = pytest.mark.django_db


def user_with(school, *roles, name="u"):
    user = get_user_model().objects.create_user(name, password="x")
    for role in roles:
        StaffRole.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def world():
    school, other = make_school(name="Ours"), make_school(name="Theirs")
    amy = make_pupil(school, class_name="3A")
    ben = make_pupil(school, class_name="5A", year_group="5")
    zed = make_pupil(other, class_name="3A")
    return school, other, amy, ben, zed


def test_a_teacher_reaches_only_their_own_class_and_its_pupils(world):
    school, _, amy, ben, zed = world
    teacher = user_with(school, Role.TEACHER)
    amy.registration_group.teachers.add(teacher)

    assert access.get_group_for_user(teacher, amy.registration_group_id) == amy.registration_group
    assert access.get_pupil_for_user(teacher, amy.pk) == amy
    with pytest.raises(PermissionDenied):
        access.get_group_for_user(teacher, ben.registration_group_id)
    with pytest.raises(PermissionDenied):
        access.get_pupil_for_user(teacher, ben.pk)
    with pytest.raises(Http404):
        access.get_pupil_for_user(teacher, zed.pk)
    assert list(access.groups_for_user(teacher, school)) == [amy.registration_group]


def test_the_office_reaches_every_class_at_its_school_only(world):
    school, _, amy, ben, zed = world
    office = user_with(school, Role.OFFICE)

    assert access.is_office(office, school)
    assert access.get_pupil_for_user(office, ben.pk) == ben
    assert set(access.groups_for_user(office, school)) == {
        amy.registration_group,
        ben.registration_group,
    }
    with pytest.raises(Http404):
        access.get_group_for_user(office, zed.registration_group_id)


def test_dsl_and_senco_read_every_pupil_but_are_not_office(world):
    school, _, _, ben, _ = world
    dsl = user_with(school, Role.DSL)

    assert access.get_pupil_for_user(dsl, ben.pk) == ben
    assert not access.is_office(dsl, school)
    with pytest.raises(PermissionDenied):
        access.require_office(dsl)


def test_governors_see_no_pupils(world):
    school, _, amy, _, _ = world
    governor = user_with(school, Role.GOVERNOR)

    with pytest.raises(PermissionDenied):
        access.get_pupil_for_user(governor, amy.pk)


def test_users_without_a_school_and_anonymous_users_are_refused(world):
    nobody = get_user_model().objects.create_user("nobody", password="x")

    with pytest.raises(PermissionDenied):
        access.require_school(nobody)
    assert access.school_for(AnonymousUser()) is None
    assert access.roles_at(AnonymousUser(), world[0]) == frozenset()


def test_a_superuser_is_an_administrator(world):
    admin = get_user_model().objects.create_superuser("admin", password="x")

    assert access.is_office(admin, world[0])


def test_the_navigation_shows_each_role_only_its_pages(client, world):
    school, _, _amy, _, _ = world
    teacher = user_with(school, Role.TEACHER, name="teacher")
    office = user_with(school, Role.OFFICE, name="office")
    governor = user_with(school, Role.GOVERNOR, name="governor")
    head = user_with(school, Role.HEAD, name="head")
    admin = get_user_model().objects.create_superuser("admin", password="x")

    def labels(user):
        client.force_login(user)
        return client.get("/").context["navigation"]()

    assert [i["label"] for i in labels(teacher)] == [
        "Home",
        "Registers",
        "Pupils",
        "Rewards",
        "Your account",
    ]
    assert [i["label"] for i in labels(office)] == [
        "Home",
        "Registers",
        "Pupils",
        "Today",
        "Late sign-in",
        "Bulk coding",
        "Alerts",
        "Leave",
        "Admissions",
        "Cases",
        "Reports",
        "Rewards",
        "Your account",
    ]
    assert [i["label"] for i in labels(governor)] == ["Home", "Reports", "Rewards", "Your account"]
    assert [i["label"] for i in labels(head)][-2:] == ["Audit log", "Your account"]
    assert [i["label"] for i in labels(admin)][-2:] == ["Audit log", "Your account"]
