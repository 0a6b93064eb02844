"""The demo school: deterministic, valid against the import checks, and plausibly national."""

from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from rollbook.core.calendar import academic_year_of
from rollbook.core.models import AuditEvent, Role, School, StaffRole
from rollbook.core.tests.factories import make_school
from rollbook.demo.generate import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_URN,
    STAFF,
    DemoError,
    demo_calendar,
    generate,
    plan_demo,
    teacher_username,
    year_summary,
)
from rollbook.demo.terms import inset_days, term_dates
from rollbook.pupils.models import Pupil, PupilContact
from rollbook.pupils.rules import PRIMARY_YEAR_GROUPS, upn_problem
from rollbook.registers.importing import PupilFacts, parse_mark_row
from rollbook.registers.models import Mark

TODAY = date(2026, 11, 23)  # a Monday in the autumn term of 2026/27
SMALL = 4  # pupils per class for the quick tests (56 pupils)


def marks_of(plan):
    return [(m.upn, m.date, m.session, m.code, m.minutes_late) for m in plan.attendance.marks]


@pytest.fixture(scope="module")
def small_plan():
    return plan_demo(seed=7, today=TODAY, pupils_per_class=SMALL)


# --- pure: the plan ---------------------------------------------------------------------------


def test_the_same_seed_and_date_give_identical_pupils_and_marks(small_plan):
    again = plan_demo(seed=7, today=TODAY, pupils_per_class=SMALL)

    assert marks_of(again) == marks_of(small_plan)
    assert [(p.upn, p.forename, p.date_of_birth) for p in again.people.pupils] == [
        (p.upn, p.forename, p.date_of_birth) for p in small_plan.people.pupils
    ]


def test_a_different_seed_gives_different_marks(small_plan):
    other = plan_demo(seed=8, today=TODAY, pupils_per_class=SMALL)

    assert marks_of(other) != marks_of(small_plan)


def test_each_year_has_six_half_terms_and_190_pupil_days():
    for start_year in (2025, 2026):
        terms = term_dates(start_year)
        calendar = demo_calendar(start_year + 1)

        days = calendar.school_days(terms[0].start, terms[-1].end)

        assert len(terms) == 6
        assert len(days) == 190
        assert len(inset_days(start_year)) == 5
        assert all(
            calendar.is_in_term(d) and not calendar.is_school_day(d) for d in inset_days(start_year)
        )
        assert date(start_year + 1, 7, 19) <= terms[-1].end <= date(start_year + 1, 7, 23)


def test_every_mark_passes_the_marks_import_checks(small_plan):
    """School session, inside the enrolment, code valid that day, X/C2 age rules."""
    facts = {
        p.upn: PupilFacts(n, p.admission_date, p.leaving_date, p.date_of_birth)
        for n, p in enumerate(small_plan.people.pupils)
    }
    errors = []

    for m in small_plan.attendance.marks:
        raw = {
            "upn": m.upn,
            "date": m.date.isoformat(),
            "session": m.session,
            "code": m.code,
            "minutes_late": "" if m.minutes_late is None else str(m.minutes_late),
        }
        errors += parse_mark_row(1, raw, facts, small_plan.calendar)[1]

    assert errors == []
    assert len({(m.upn, m.date, m.session) for m in small_plan.attendance.marks}) == len(
        small_plan.attendance.marks
    )


def test_every_pupil_has_a_mark_for_every_school_session_on_roll_up_to_this_morning(small_plan):
    sessions = small_plan.calendar.school_sessions(date(2025, 8, 1), TODAY)
    marked = defaultdict(set)
    for m in small_plan.attendance.marks:
        marked[m.upn].add((m.date, m.session))
    untaken = set(small_plan.attendance.untaken_today)

    for p in small_plan.people.pupils:
        expected = {
            (d, s.value)
            for d, s in sessions
            if p.admission_date <= d <= (p.leaving_date or TODAY)
            and not (d == TODAY and (s.value == "PM" or p.class_name in untaken))
        }
        assert marked[p.upn] == expected, p.upn


def test_nobody_has_a_mark_after_today_or_this_afternoon(small_plan):
    assert max(m.date for m in small_plan.attendance.marks) == TODAY
    assert not [m for m in small_plan.attendance.marks if m.date == TODAY and m.session == "PM"]


def test_two_classes_have_not_taken_this_mornings_register(small_plan):
    today = {p.class_name for p in small_plan.people.pupils} - {
        next(p.class_name for p in small_plan.people.pupils if p.upn == m.upn)
        for m in small_plan.attendance.marks
        if m.date == TODAY
    }

    assert sorted(today) == small_plan.attendance.untaken_today
    assert len(today) == 2


def test_pupils_fit_their_year_group_and_hold_valid_upns():
    plan = plan_demo(seed=3, today=TODAY, pupils_per_class=30)
    year = academic_year_of(TODAY)

    for p in plan.people.pupils:
        n = PRIMARY_YEAR_GROUPS.index(p.year_group)
        assert date(year - 5 - n, 9, 1) <= p.date_of_birth <= date(year - 4 - n, 8, 31)
        assert upn_problem(p.upn) is None
        assert p.date_of_birth < p.admission_date
        assert p.leaving_date is None or p.leaving_date < TODAY
    reception = [p for p in plan.people.pupils if p.year_group == "R"]
    assert all(p.admission_date >= date(year, 9, 1) for p in reception)
    assert len({p.upn for p in plan.people.pupils}) == 420
    assert Counter(p.class_name for p in plan.people.pupils) == {
        f"{y} {c}": 30 for y in PRIMARY_YEAR_GROUPS for c in ("Oak", "Ash")
    }


def test_the_characteristics_are_in_realistic_proportions():
    pupils = plan_demo(seed=3, today=TODAY, pupils_per_class=30).people.pupils
    share = lambda flag: sum(map(flag, pupils)) / len(pupils)  # noqa: E731

    assert 0.18 <= share(lambda p: p.pupil_premium) <= 0.33
    assert sum(p.fsm and not p.pupil_premium for p in pupils) <= 5
    assert 0.10 <= share(lambda p: p.sen_status == "K") <= 0.20
    assert 0.01 <= share(lambda p: p.sen_status == "E") <= 0.05
    assert 0.12 <= share(lambda p: p.eal) <= 0.30
    assert 2 <= sum(p.cla for p in pupils) <= 3
    assert sum(p.cp_plan for p in pupils) == 2
    assert 0.12 <= share(lambda p: bool(p.household.family_id)) <= 0.18


def test_some_pupils_reach_the_penalty_notice_threshold_this_year():
    plan = plan_demo(seed=3, today=TODAY, pupils_per_class=30)

    at_threshold = set(plan.penalty_threshold_upns())

    assert set(plan.attendance.stories["penalty_holiday"]) <= at_threshold
    assert set(plan.attendance.stories["penalty_pattern"]) <= at_threshold
    assert 3 <= len(at_threshold) <= 12


# --- the database -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_small_demo_school_is_loaded_through_the_actions():
    result = generate(seed=7, today=TODAY, pupils_per_class=SMALL)

    school = School.objects.get(urn=DEMO_URN)
    assert school == result.school
    assert school.la_code == "873" and school.local_authority == "Cambridgeshire"
    assert Pupil.objects.filter(school=school).count() == 14 * SMALL
    saved = Mark.objects.values_list("pupil__upn", "date", "session", "code", "minutes_late")
    assert sorted(saved) == sorted(marks_of(result.plan))
    assert school.calendar().school_sessions() == demo_calendar(2026).school_sessions()
    kinds = Counter(AuditEvent.objects.filter(school=school).values_list("kind", flat=True))
    assert kinds["school.created"] == 1 and kinds["closure.added"] == 10
    assert kinds["pupils.imported"] == 1 and kinds["marks.saved"] == 1
    assert kinds["contact.added"] == result.contacts
    assert kinds["staff_user.created"] == 7 + 14


@pytest.mark.django_db
def test_siblings_share_a_family_a_surname_and_their_contacts():
    generate(seed=7, today=TODAY, pupils_per_class=SMALL)
    families = defaultdict(list)
    for pupil in Pupil.objects.filter(family__isnull=False).prefetch_related("contacts"):
        families[pupil.family_id].append(pupil)

    assert families
    for siblings in families.values():
        assert len(siblings) >= 2
        assert len({p.legal_surname for p in siblings}) == 1
        contact_sets = {frozenset(c.pk for c in p.contacts.all()) for p in siblings}
        assert len(contact_sets) == 1 and next(iter(contact_sets))
    for pupil in Pupil.objects.filter(family__isnull=True).prefetch_related("contacts"):
        assert 1 <= len(pupil.contacts.all()) <= 2
    phones = PupilContact.objects.values_list("contact__mobile_phone", flat=True)
    assert all(p.startswith("07700 900") for p in phones if p)


@pytest.mark.django_db
def test_staff_logins_have_the_right_roles_and_teachers_their_class():
    generate(seed=7, today=TODAY, pupils_per_class=SMALL)
    roles = defaultdict(set)
    for username, role in StaffRole.objects.values_list("user__username", "role"):
        roles[username].add(role)

    for staff in STAFF:
        assert roles[staff.username] == set(staff.roles)
    assert roles["head"] == {Role.HEAD} and roles["admin"] == {Role.ADMIN}
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(DEMO_PASSWORD)
    assert not users.get(username="office").is_staff
    teacher = users.get(username="teacher_3oak")
    assert roles["teacher_3oak"] == {Role.TEACHER}
    assert [g.name for g in teacher.registration_groups.all()] == ["3 Oak"]
    assert teacher.check_password(DEMO_PASSWORD)
    assert teacher_username("R Ash") == "teacher_rash"


@pytest.mark.django_db
def test_a_second_load_is_refused_and_nothing_is_duplicated():
    generate(seed=7, today=TODAY, pupils_per_class=2)

    with pytest.raises(DemoError, match="already loaded"):
        generate(seed=7, today=TODAY, pupils_per_class=2)
    assert School.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_does_not_go_into_a_database_with_other_schools():
    make_school(name="A real school")

    with pytest.raises(DemoError, match="other schools"):
        generate(seed=7, today=TODAY, pupils_per_class=2)
    assert not School.objects.filter(urn=DEMO_URN).exists()


# --- the command ------------------------------------------------------------------------------


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--today", TODAY.isoformat(), "--pupils-per-class", "2", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_if_absent_loads_once_and_then_does_nothing():
    first = run_demo("--if-absent")
    marks = Mark.objects.count()

    second = run_demo("--if-absent")

    assert "Marks:" in first and "2025/26 (whole year)" in first
    assert second.strip() == "demo school already loaded"
    assert Mark.objects.count() == marks
    assert School.objects.count() == 1


@pytest.mark.django_db
def test_loading_again_without_if_absent_is_an_error():
    run_demo()

    with pytest.raises(CommandError, match="already loaded"):
        run_demo()


@pytest.mark.django_db
def test_logins_prints_every_sign_in_with_the_demo_password():
    run_demo()

    out = run_demo("--logins")

    for username in ["head", "office", "attendance_lead", "dsl", "senco", "governor", "admin"]:
        assert f"\n{username} " in out
    assert "teacher_6ash" in out and DEMO_PASSWORD in out
    assert out.count("(not yet taken today)") == 2
    assert "demo only" in out


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", "--today", "23/11/2026", stdout=StringIO())


# --- the full-size school (the one slow test) ------------------------------------------------


@pytest.mark.django_db
def test_the_full_school_looks_like_a_typical_english_primary():
    result = generate(seed=DEFAULT_SEED, today=TODAY)
    school = result.school

    last_year = year_summary(school, date(2025, 9, 1), date(2026, 7, 31))
    this_year = year_summary(school, date(2026, 9, 1), TODAY)

    assert Pupil.objects.filter(school=school).count() == 420
    assert result.marks == len(result.plan.attendance.marks) > 150_000
    t = last_year.tally
    assert 3.5 <= t.overall_absence_rate <= 7
    assert 2.5 <= t.authorised_absence_rate <= 5
    assert 0.8 <= t.unauthorised_absence_rate <= 2.2
    assert 8 <= last_year.persistent_absence_rate <= 20
    assert last_year.severe_absentees >= 1
    assert 330 <= last_year.enrolments <= 370  # today's Reception were not yet on roll
    assert 3 <= this_year.tally.overall_absence_rate <= 7
    assert this_year.enrolments >= 410
    taken_today = set(
        Mark.objects.filter(school=school, date=TODAY, session="AM").values_list(
            "pupil__registration_group__name", flat=True
        )
    )
    assert len(taken_today) == 12
    assert not Mark.objects.filter(school=school, date=TODAY, session="PM").exists()
    assert Mark.objects.filter(school=school, date=TODAY, code="N").exists()


@pytest.mark.django_db
def test_the_pupil_with_a_long_term_illness_carries_the_flag():
    result = generate(seed=7, today=TODAY, pupils_per_class=SMALL)
    ill = set(result.plan.attendance.stories.get("long_term_illness", []))

    flagged = set(Pupil.objects.filter(long_term_illness=True).values_list("upn", flat=True))

    assert ill and flagged == ill
    assert set(Pupil.objects.filter(medical_plan=True).values_list("upn", flat=True)) >= flagged


@pytest.mark.django_db
def test_the_demo_school_has_its_stage_letters_drafted_once_on_open_cases():
    from rollbook.casework.models import Case
    from rollbook.letters.actions import generate_stage_letters
    from rollbook.letters.models import Letter
    from rollbook.policy.kinds import ActionKind
    from rollbook.policy.models import PolicyAction

    result = generate(seed=7, today=TODAY, pupils_per_class=SMALL)
    school = result.school

    letter_actions = PolicyAction.objects.filter(school=school, kind=ActionKind.LETTER)
    letters = Letter.objects.filter(school=school)
    assert letter_actions.exists()  # preset 002's stages reached some demo pupils
    assert sorted(letters.values_list("policy_action_id", flat=True)) == sorted(
        letter_actions.exclude(alert__status="dismissed").values_list("pk", flat=True)
    )
    assert set(letters.values_list("pupil_id", flat=True)) <= set(
        Case.objects.filter(school=school, status="open").values_list("pupil_id", flat=True)
    )
    # The next day's monitoring drafts nothing again.
    assert generate_stage_letters(school=school, today=TODAY, actor_label="test") == []


@pytest.mark.django_db
def test_the_demo_has_an_admission_register_with_one_la_notice_still_to_send():
    from rollbook.admissions.models import AdmissionEntry
    from rollbook.policy.models import PolicyAction

    result = generate(seed=7, today=TODAY, pupils_per_class=SMALL)
    school = result.school

    entries = AdmissionEntry.objects.filter(school=school)
    since = date(academic_year_of(TODAY), 8, 1)
    joined = Pupil.objects.filter(school=school, admission_date__gte=since)
    assert sorted(entries.values_list("pupil_id", flat=True)) == sorted(
        joined.values_list("pk", flat=True)
    )
    owed = entries.filter(la_notice_required=True).order_by("admitted_on", "id")
    assert owed.count() >= 2  # joiners from other schools, not Reception starters
    first_day = min(entries.values_list("admitted_on", flat=True))
    starters = entries.filter(pupil__year_group="R", admitted_on=first_day)
    assert starters.exists() and not starters.filter(la_notice_required=True).exists()
    *told, latest = owed
    assert all(e.la_notified_on and e.la_notified_on > e.admitted_on for e in told)
    assert all(e.la_notified_on <= e.la_notice_due_on for e in told)  # in time
    assert latest.la_notified_on is None
    open_tasks = PolicyAction.objects.filter(
        school=school, status="open", alert__kind="la_new_pupil_notice"
    )
    assert list(open_tasks.values_list("pupil_id", flat=True)) == [latest.pupil_id]
