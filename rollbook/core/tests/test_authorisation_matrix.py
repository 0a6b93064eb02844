"""Every URL, persona, own/other-school object and method, against the table in matrix.py.

The world (two schools, twelve personas) is built once per module inside a transaction that
is rolled back at the end; each check runs in its own savepoint, as pytest-django's `db` does.
Checks made on every request:
  * the outcome is the declared one (ALLOW / LOGIN / DENY / HIDE / BAD);
  * nothing in the project's tables changed, unless the entry says an allowed POST writes;
  * a 2xx response names no pupil (and no sensitive flag) the persona may not see.
The table itself is checked too: cross-school requests are refused for everyone but the
superuser, and governors and trust analysts never reach a pupil-level page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.calendar import Session, TermDates
from rollbook.core.models import Role, School
from rollbook.core.tests import matrix
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.leave.tests.samples import add_leave_samples
from rollbook.letters.tests.samples import add_letter_samples
from rollbook.policy.actions import adopt_policy
from rollbook.policy.models import Alert, PolicyAction
from rollbook.policy.monitoring import run_monitoring
from rollbook.portal.tests.samples import add_portal_samples
from rollbook.pupils.actions import add_class_teacher
from rollbook.pupils.models import ImportRun, Pupil, RegistrationGroup
from rollbook.registers.models import Mark
from rollbook.registers.register_actions import Entry, take_register

TODAY = matrix.TODAY
THURSDAY, FRIDAY = date(2026, 11, 19), date(2026, 11, 20)
NOW = aware(2026, 11, 23, 9, 30)  # the morning register opened at 08:45 and has closed
TERMS = (TermDates("Autumn 2026", date(2026, 9, 2), date(2026, 12, 18)),)
PASSWORD = "correct-horse-battery-staple"
# One stage: a letter after a day of absence, so monitoring raises an alert and an action.
POLICY = (
    'name="matrix"\nversion=1\n[[stages]]\nkey="s1"\nname="S1"\n'
    "trigger={days_absent_at_least=1}\n"
    'actions=[{kind="letter",text="Letter 1",template="l1"}]\n'
)
ROLES = {
    matrix.TEACHER_OWN: Role.TEACHER,
    matrix.TEACHER_OTHER: Role.TEACHER,
    matrix.OFFICE: Role.OFFICE,
    matrix.ATTENDANCE_LEAD: Role.ATTENDANCE_LEAD,
    matrix.DSL: Role.DSL,
    matrix.SENCO: Role.SENCO,
    matrix.HEAD: Role.HEAD,
    matrix.GOVERNOR: Role.GOVERNOR,
    matrix.TRUST_ANALYST: Role.TRUST_ANALYST,
    matrix.ADMIN: Role.ADMIN,
}


# --- The URLs ---------------------------------------------------------------------------------


def project_urls(patterns=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """{URL name (with namespace): route} for every pattern, through includes; not the admin."""
    found: dict[str, str] = {}
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue  # the Django admin: see test_the_admin_needs_a_staff_login
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found |= project_urls(p.url_patterns, inner, route)
        elif isinstance(p, URLPattern):
            if p.callback.__module__ == "django.views.static":
                continue  # static files (DEBUG only)
            assert p.name, f"URL {route!r} has no name: name it and add it to the matrix"
            found[namespace + p.name] = route
    return found


# --- The world --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One school's sample objects."""

    school: School
    group: RegistrationGroup  # 3A
    pupil: Pupil  # in 3A, absent (N) this morning
    mark: Mark  # that N
    alert: Alert
    action: PolicyAction


@dataclass(frozen=True)
class World:
    own: Side  # Meadow
    other: Side  # Hill
    users: dict  # persona -> user (no entry for anonymous)

    def side(self, variant: str) -> Side:
        if variant == "mixed":
            return replace(self.own, mark=self.other.mark)
        return self.other if variant == "other" else self.own


def _school(name: str, forename: str, surname: str, **flags) -> tuple[School, Pupil]:
    school = make_school(name=name, terms=TERMS)
    adopt_policy(actor_label="matrix", school=school, text=POLICY, source="matrix")
    pupil = make_pupil(  # in a family: the casework family view needs one
        school,
        legal_forename=forename,
        legal_surname=surname,
        class_name="3A",
        family_id="FAM-1",
        **flags,
    )
    add_marks(pupil, [(day, s, "O") for day in (THURSDAY, FRIDAY) for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=FRIDAY)
    add_leave_samples(pupil)
    add_letter_samples(pupil)
    ImportRun.objects.create(  # a finished CSV import (matrix.import_run)
        school=school, kind="marks", source="Arbor", file_name="marks.csv", status="done",
        requested_at=NOW,
    )  # fmt: skip
    return school, pupil


def _user(school: School, persona: str, *roles, superuser: bool = False):
    return create_staff_user(
        actor_label="matrix",
        school=school,
        username=persona,
        password=PASSWORD,
        roles=roles,
        superuser=superuser,
    )


def _side(school: School, pupil: Pupil, teacher, office: bool) -> Side:
    group = pupil.registration_group
    take_register(
        actor=teacher,
        group=group,
        day=TODAY,
        session=Session.AM,
        entries=[Entry(pupil.pk, "N")],
        office=office,
        now=aware(2026, 11, 23, 8, 50),
    )
    return Side(
        school=school,
        group=group,
        pupil=pupil,
        mark=Mark.objects.get(pupil=pupil, date=TODAY, session="AM"),
        alert=Alert.objects.filter(school=school).earliest("pk"),
        action=PolicyAction.objects.filter(school=school).earliest("pk"),
    )


def build_world() -> World:
    meadow, amaryllis = _school("Meadow Primary", "Amaryllis", "Sampleton", cp_plan=True)
    hill, zebedee = _school("Hill Primary", "Zebedee", "Elsewhere")
    dorian = make_pupil(
        meadow, legal_forename="Dorian", legal_surname="Fivers", class_name="5A", year_group="5"
    )
    users = {
        persona: _user(meadow, persona, role, superuser=persona == matrix.ADMIN)
        for persona, role in ROLES.items()
    }
    users[matrix.OTHER_SCHOOL_HEAD] = _user(hill, matrix.OTHER_SCHOOL_HEAD, Role.HEAD)
    users[matrix.PARENT] = add_portal_samples(amaryllis, zebedee, today=TODAY, now=NOW)
    for persona, pupil in ((matrix.TEACHER_OWN, amaryllis), (matrix.TEACHER_OTHER, dorian)):
        add_class_teacher(actor_label="matrix", group=pupil.registration_group, user=users[persona])
    return World(
        own=_side(meadow, amaryllis, users[matrix.TEACHER_OWN], office=False),
        other=_side(hill, zebedee, users[matrix.OTHER_SCHOOL_HEAD], office=True),
        users=users,
    )


class _ModuleData(TestCase):
    """Only for its atomic helpers: the world lives in a transaction rolled back at the end."""

    databases = {"default"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    clock = time_machine.travel(NOW, tick=False)
    clock.start()
    try:
        with django_db_blocker.unblock():
            atomics = _ModuleData._enter_atomics()
            try:
                built = build_world()
            except BaseException:
                _ModuleData._rollback_atomics(atomics)
                raise
        yield built
        with django_db_blocker.unblock():
            _ModuleData._rollback_atomics(atomics)
    finally:
        clock.stop()


# --- Checking one request ---------------------------------------------------------------------


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        sign_in = (reverse("login"), reverse("portal:sign_in"))
        login = urlsplit(response["Location"]).path in sign_in
        return matrix.LOGIN if login else matrix.ALLOW
    if 200 <= status < 300:
        return matrix.ALLOW
    return {400: matrix.BAD, 401: matrix.TOKEN, 403: matrix.DENY, 404: matrix.HIDE}.get(
        status, f"HTTP {status}"
    )


def snapshot() -> dict:
    """Row counts of every project table (one query), and the rows actions update in place."""
    models = [m for m in apps.get_models() if m.__module__.startswith("rollbook.")]
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        state: dict = dict(zip((m._meta.label for m in models), cursor.fetchone(), strict=True))
    state["marks"] = sorted(Mark.objects.values_list("pk", "code", "version"))
    state["alerts"] = sorted(Alert.objects.values_list("pk", "status"))
    state["actions"] = sorted(PolicyAction.objects.values_list("pk", "status"))
    return state


@dataclass(frozen=True)
class Case:
    name: str
    persona: str
    variant: str
    method: str

    @property
    def entry(self) -> matrix.Entry:
        return matrix.TABLE[self.name]

    @property
    def expected(self) -> str:
        return self.entry.expected(self.variant, self.method, self.persona)

    def __str__(self) -> str:
        return f"{self.name}-{self.persona}-{self.variant}-{self.method}"


CASES = [
    Case(name, persona, variant, method)
    for name, entry in matrix.TABLE.items()
    for variant in entry.variants
    for persona in matrix.PERSONAS
    for method in entry.methods
]


def request(client, world: World, case: Case):
    entry, side = case.entry, world.side(case.variant)
    user = world.users.get(case.persona)
    if user is not None:
        client.force_login(user)
    url = reverse(case.name, kwargs=entry.kwargs(side))
    if case.method == "GET":
        return client.get(url, entry.query(side))
    return client.post(url, entry.data(side))


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_outcome_is_the_declared_one(client, world, case):
    before = snapshot()

    response = request(client, world, case)

    got = outcome(response)
    assert got == case.expected, (
        f"{case}: expected {case.expected}, got {got} (HTTP {response.status_code}"
        f"{', to ' + response['Location'] if response.has_header('Location') else ''})"
    )
    if got != matrix.ALLOW or not case.entry.writes:
        assert snapshot() == before, f"{case}: the request changed the database"
    if got == matrix.ALLOW and response.status_code < 300:
        text = response.content.decode()
        leaked = [s for s in matrix.FORBIDDEN[case.persona] if s in text]
        assert not leaked, f"LEAK: {case} shows {leaked}"


@pytest.mark.django_db
def test_the_pages_allowed_show_the_sample_pupil_so_the_leak_checks_mean_something(client, world):
    """Each page the leak checks read has the names in it for the people who may see them."""
    pages = [
        (matrix.OFFICE, "office_today", {}, ("Amaryllis Sampleton", "CP plan")),
        (matrix.OFFICE, "policy:alerts", {}, ("Amaryllis Sampleton",)),
        (matrix.DSL, "pupils:detail", matrix.pupil(world.own), ("Child protection plan",)),
        (matrix.TEACHER_OWN, "pupils:list", {}, ("Amaryllis Sampleton",)),
        (matrix.TEACHER_OTHER, "pupils:list", {}, ("Dorian Fivers",)),
        (matrix.TEACHER_OWN, "register_take", matrix.group_day(world.own), ("Amaryllis",)),
        (matrix.OTHER_SCHOOL_HEAD, "office_today", {}, ("Zebedee Elsewhere",)),
        (matrix.PARENT, "portal:child", matrix.pupil(world.own), ("Amaryllis Sampleton",)),
    ]

    missing = []
    for persona, name, kwargs, wanted in pages:
        client.force_login(world.users[persona])
        text = client.get(reverse(name, kwargs=kwargs)).content.decode()
        missing += [f"{name} for {persona}: {w!r}" for w in wanted if w not in text]

    assert not missing


# --- The table itself -------------------------------------------------------------------------


def test_every_url_of_the_project_is_in_the_matrix():
    urls = project_urls()

    missing = sorted(set(urls) - set(matrix.TABLE))
    stale = sorted(set(matrix.TABLE) - set(urls))

    assert not missing, (
        f"URL patterns with no entry in rollbook/core/tests/matrix.py: "
        f"{', '.join(f'{n} ({urls[n]})' for n in missing)}: add them to the matrix"
    )
    assert not stale, f"matrix entries for URLs that no longer exist: {stale}: remove them"


def test_the_matrix_refuses_cross_school_requests_and_keeps_aggregate_roles_off_pupils():
    problems = []
    for case in CASES:
        entry, home = case.entry, matrix.HOME_SIDE[case.persona]
        # Another school's object: the superuser and anonymous users have no home side.
        cross = home is not None and case.variant in ("own", "other", "mixed")
        cross = cross and case.variant != home
        if (
            cross
            and case.method not in entry.filtered
            and case.expected not in (matrix.DENY, matrix.HIDE, matrix.TOKEN)
        ):
            problems.append(f"{case}: another school's object must be 403 or 404")
        aggregates_only = case.persona in matrix.AGGREGATES_ONLY
        if entry.pupil_level and aggregates_only and case.expected == matrix.ALLOW:
            problems.append(f"{case}: governors and analysts see aggregates only")
        anonymous = case.persona == matrix.ANONYMOUS and case.name != "login"
        anonymous = anonymous and case.name not in matrix.PUBLIC_API + matrix.PUBLIC_PAGES
        if anonymous and case.expected not in (matrix.LOGIN, matrix.TOKEN):
            problems.append(f"{case}: anonymous users must be sent to sign in")

    assert not problems, "\n".join(problems)


def test_the_matrix_size(capsys):
    urls, personas = len(project_urls()), len(matrix.PERSONAS)
    per_persona = sum(len(e.variants) * len(e.methods) for e in matrix.TABLE.values())

    size = f"{urls} URL patterns \N{MULTIPLICATION SIGN} {personas} personas = {len(CASES)} checks"
    with capsys.disabled():
        print(f"\nmatrix: {size}")

    assert urls == len(matrix.TABLE) and personas == 13
    assert len(CASES) == per_persona * personas >= urls * personas


# --- Methods and the admin --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [n for n, e in matrix.TABLE.items() if set(e.methods) != {"GET", "POST"}],
)
def test_undeclared_methods_are_refused(client, world, name):
    entry = matrix.TABLE[name]
    client.force_login(world.users[matrix.ADMIN])
    url = reverse(name, kwargs=entry.kwargs(world.own))
    before = snapshot()

    statuses = {m: client.generic(m, url).status_code for m in {"GET", "POST"} - set(entry.methods)}

    assert set(statuses.values()) == {405}, statuses
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", matrix.PERSONAS)
def test_the_admin_needs_a_staff_login(client, world, persona):
    user = world.users.get(persona)
    if user is not None:
        client.force_login(user)

    response = client.get(reverse("admin:index"))

    if persona == matrix.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path in (reverse("admin:login"), reverse("login"))
