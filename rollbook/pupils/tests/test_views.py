"""The pupil list, the pupil page and amending a mark: happy paths, methods, people, htmx."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.pupils.views import code_choices
from rollbook.registers.actions import change_mark
from rollbook.registers.models import Mark, MarkRevision

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 5, 7)  # Thursday in Summer 1, 2025/26
HTMX = {"HTTP_HX_REQUEST": "true"}
# The pupil page: session, user, the user's roles with their schools (once a request, for
# access, the page and the header), the pupil, terms, closures, marks, contacts, mark
# revisions, the roles of the people who changed marks, attendance at previous schools (CTF)
# and the personal attendance goal (rewards).
QUERIES_PROFILE_PAGE = 12


@pytest.fixture(autouse=True)
def on_thursday(time_machine):
    time_machine.move_to(datetime(2026, 5, 7, 11, 0, tzinfo=LONDON), tick=False)


def person(school, username: str, *roles: str, first_name: str = ""):
    user = get_user_model().objects.create_user(username, first_name=first_name, password="x")
    for role in roles:
        StaffRole.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def school():
    return make_school(name="Oakfield Primary")


@pytest.fixture
def amy(school):
    amy = make_pupil(
        school,
        legal_forename="Amy",
        legal_surname="Able",
        upn="A873200125001",
        class_name="3A",
        cp_plan=True,
        pupil_premium=True,
    )
    add_marks(amy, [(date(2026, 5, 5), "AM", "/"), (date(2026, 5, 5), "PM", "N")])
    return amy


@pytest.fixture
def ben(school):
    return make_pupil(
        school, legal_forename="Ben", legal_surname="Brook", class_name="5A", year_group="5"
    )


@pytest.fixture
def office(school):
    return person(school, "office", Role.OFFICE, first_name="Olive")


@pytest.fixture
def teacher_3a(school, amy):
    user = person(school, "teacher3a", Role.TEACHER)
    amy.registration_group.teachers.add(user)
    return user


@pytest.fixture
def teacher_5a(school, ben):
    user = person(school, "teacher5a", Role.TEACHER)
    ben.registration_group.teachers.add(user)
    return user


@pytest.fixture
def other_school_head():
    return person(make_school(name="Elsewhere Primary"), "elsewhere", Role.HEAD)


def n_mark(amy) -> Mark:
    return Mark.objects.get(pupil=amy, date=date(2026, 5, 5), session="PM")


def amend_url(pupil, mark) -> str:
    return reverse("pupils:amend_mark", args=[pupil.pk, mark.pk])


# --- The list ---------------------------------------------------------------------------------


def test_the_office_sees_every_pupil_with_attendance(client, office, amy, ben):
    client.force_login(office)

    response = client.get(reverse("pupils:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "pupils/pupil_list.html" in [t.name for t in response.templates]
    assert "2 pupils" in html
    assert f'href="{reverse("pupils:detail", args=[amy.pk])}"' in html
    assert "Ben Brook" in html
    assert "50.0%" in html  # Amy: / and N this week


def test_a_teacher_sees_only_their_own_class(client, teacher_3a, amy, ben):
    client.force_login(teacher_3a)

    html = client.get(reverse("pupils:list")).content.decode()

    assert "Amy Able" in html
    assert "Ben Brook" not in html


def test_search_matches_names_and_upns(client, office, amy, ben):
    client.force_login(office)

    by_name = client.get(reverse("pupils:list"), {"q": "brook"}).content.decode()
    by_upn = client.get(reverse("pupils:list"), {"q": amy.upn.lower()}).content.decode()

    assert "Ben Brook" in by_name and "Amy Able" not in by_name
    assert "Amy Able" in by_upn and "Ben Brook" not in by_upn


def test_pupils_who_have_left_are_listed_only_when_asked(client, office, school):
    make_pupil(school, legal_forename="Lena", leaving_date=date(2026, 2, 13), class_name="3A")
    client.force_login(office)

    current = client.get(reverse("pupils:list")).content.decode()
    everyone = client.get(reverse("pupils:list"), {"left": "on"}).content.decode()

    assert "Lena" not in current
    assert "Lena" in everyone and "Left 13 Feb 2026" in everyone


def test_the_list_does_not_show_another_schools_pupils(client, other_school_head, amy):
    client.force_login(other_school_head)

    html = client.get(reverse("pupils:list")).content.decode()

    assert "Amy Able" not in html
    assert "0 pupils" in html


def test_an_htmx_search_returns_only_the_results(client, office, amy, ben):
    client.force_login(office)

    response = client.get(reverse("pupils:list"), {"q": "amy"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert (
        "1 pupil matching \N{LEFT SINGLE QUOTATION MARK}amy\N{RIGHT SINGLE QUOTATION MARK}" in html
    )
    assert "Ben Brook" not in html


def test_the_list_pages_through_many_pupils(client, office, school):
    for i in range(51):
        make_pupil(school, legal_surname=f"Pupil{i:02d}", class_name="3A")
    client.force_login(office)

    first = client.get(reverse("pupils:list")).content.decode()
    second = client.get(reverse("pupils:list"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Page 2 of 2" in second and second.count('class="govuk-table__row"') == 2


def test_the_page_links_keep_the_search(client, office, school):
    for i in range(51):
        make_pupil(school, legal_surname=f"Smith{i:02d}", class_name="3A")
    client.force_login(office)

    first = client.get(reverse("pupils:list"), {"q": "smith", "left": "on"}).content.decode()

    assert 'href="?q=smith&amp;left=on&amp;page=2" rel="next"' in first


def test_a_governor_cannot_list_pupils(client, school, amy):
    client.force_login(person(school, "gov", Role.GOVERNOR))

    assert client.get(reverse("pupils:list")).status_code == 403


def test_a_teacher_without_a_class_sees_an_empty_list(client, school, amy):
    client.force_login(person(school, "newteacher", Role.TEACHER))

    response = client.get(reverse("pupils:list"))

    assert response.status_code == 200
    assert "0 pupils" in response.content.decode()


def test_the_list_is_get_only(client, office):
    client.force_login(office)

    assert client.post(reverse("pupils:list")).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, amy):
    urls = [
        reverse("pupils:list"),
        reverse("pupils:detail", args=[amy.pk]),
        amend_url(amy, n_mark(amy)),
    ]

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [302, 302, 302]
    assert all(r["Location"].startswith(reverse("login")) for r in responses)


# --- The profile ------------------------------------------------------------------------------


def test_the_office_sees_the_whole_profile(client, office, amy):
    client.force_login(office)

    response = client.get(reverse("pupils:detail", args=[amy.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "pupils/pupil_detail.html" in [t.name for t in response.templates]
    assert "<title>Amy Able \N{EN DASH} Rollbook</title>" in html
    assert "Class 3A, Year 3" in html
    assert ">CP</abbr>" in html and ">PP</abbr>" in html
    assert "2025/26 so far" in html and "Summer 1 term so far" in html
    assert "Persistently absent" in html or "Severely absent" in html
    assert "Tuesday 5 May 2026, afternoon: N (Reason for absence not yet established)" in html
    assert "Monday 4 May 2026, morning: bank holiday" in html
    assert (
        'role="img"' in html and "Sessions missed by day of the week: Monday 0, Tuesday 1" in html
    )
    assert f'href="{amend_url(amy, n_mark(amy))}"' in html
    assert 'id="amend-panel"' in html


def test_a_teacher_sees_their_pupil_without_safeguarding_flags_or_amend_links(
    client, teacher_3a, amy
):
    client.force_login(teacher_3a)

    response = client.get(reverse("pupils:detail", args=[amy.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert ">PP</abbr>" in html
    assert ">CP</abbr>" not in html
    assert "/marks/" not in html and "amend-panel" not in html


def test_the_dsl_sees_safeguarding_flags_but_cannot_amend(client, school, amy):
    client.force_login(person(school, "dsl", Role.DSL))

    html = client.get(reverse("pupils:detail", args=[amy.pk])).content.decode()

    assert ">CP</abbr>" in html
    assert "/marks/" not in html


def test_the_history_shows_who_changed_a_mark_and_why(client, office, amy):
    change_mark(actor=office, mark=n_mark(amy), code="I", reason="Dad phoned: chickenpox")
    client.force_login(office)

    html = client.get(reverse("pupils:detail", args=[amy.pk])).content.decode()

    assert "Dad phoned: chickenpox" in html
    assert "Olive" in html and "Office / attendance officer" in html


def test_a_teacher_of_another_class_is_refused(client, teacher_5a, amy):
    client.force_login(teacher_5a)

    assert client.get(reverse("pupils:detail", args=[amy.pk])).status_code == 403


def test_staff_at_another_school_get_not_found(client, other_school_head, amy):
    client.force_login(other_school_head)

    assert client.get(reverse("pupils:detail", args=[amy.pk])).status_code == 404


def test_a_governor_cannot_open_a_pupil_page(client, school, amy):
    client.force_login(person(school, "gov", Role.GOVERNOR))

    assert client.get(reverse("pupils:detail", args=[amy.pk])).status_code == 403


def test_the_profile_is_get_only(client, office, amy):
    client.force_login(office)

    assert client.post(reverse("pupils:detail", args=[amy.pk])).status_code == 405


def test_the_profile_shows_the_cumulative_rate_for_each_school_week(client, office, amy):
    client.force_login(office)

    html = client.get(reverse("pupils:detail", args=[amy.pk])).content.decode()

    table = html[html.index('id="cumulative"') :]
    table = table[: table.index("</table>")]
    assert "Attendance so far, week by week" in table
    assert "<caption" in table and 'scope="col"' in table
    # Amy's only marks are / and N on Tuesday 5 May: 1 of 2 so far from that week on.
    row = table[table.index("4 May 2026") :]
    row = row[: row.index("</tr>")]
    assert [c.strip() for c in re.findall(r'numeric">([^<]*)<', row)] == [
        "1",
        "2",
        "50.0%",
        "50.0%",
    ]
    assert "1 Sep 2025" in table  # from the first school week of the year
    assert '<svg class="rollbook-chart"' in table and "the dashed line is 90%" in table


def _page_queries(client, pupil) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("pupils:detail", args=[pupil.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_profile_query_count_does_not_grow_with_marks(
    client, office, school, django_assert_max_num_queries
):
    few, many = (make_pupil(school, class_name="3A") for _ in range(2))
    sessions = school.calendar().school_sessions(date(2025, 9, 1), TODAY)
    add_marks(few, [(day, str(s), "N") for day, s in sessions[:10]])
    add_marks(many, [(day, str(s), "N") for day, s in sessions[:300]])
    for mark in Mark.objects.filter(pupil__in=[few, many]).order_by("id")[::7]:
        change_mark(actor=office, mark=mark, code="I", reason="ill")
    client.force_login(office)
    _page_queries(client, few)  # warm up: session and user caches

    with django_assert_max_num_queries(QUERIES_PROFILE_PAGE):
        client.get(reverse("pupils:detail", args=[many.pk]))
    assert _page_queries(client, few) == _page_queries(client, many) == QUERIES_PROFILE_PAGE


# --- Amending a mark --------------------------------------------------------------------------


def test_the_codes_offered_for_an_amendment_respect_the_date_and_age():
    compulsory = code_choices(date(2026, 5, 7), date_of_birth=date(2018, 1, 15))
    reception = code_choices(date(2025, 9, 8), date_of_birth=date(2021, 6, 1))
    before_2024 = code_choices(date(2023, 9, 8), date_of_birth=date(2015, 1, 1))

    assert "C2" in {c for c, _ in compulsory} and "X" not in {c for c, _ in compulsory}
    assert "X" in {c for c, _ in reception} and "C2" not in {c for c, _ in reception}
    assert {"H", "J"} <= {c for c, _ in before_2024}
    assert "J1" not in {c for c, _ in before_2024}


def test_the_office_opens_the_amend_form(client, office, amy):
    client.force_login(office)

    response = client.get(amend_url(amy, n_mark(amy)))

    html = response.content.decode()
    assert response.status_code == 200
    assert "pupils/mark_amend.html" in [t.name for t in response.templates]
    assert "Tuesday 5 May 2026 afternoon" in html
    assert '<option value="I">I: Illness (not medical or dental appointment)</option>' in html
    assert '<option value="X">' not in html  # Amy is of compulsory school age
    assert f'name="expected_version" value="{n_mark(amy).version}"' in html


def test_htmx_loads_just_the_form(client, office, amy):
    client.force_login(office)

    response = client.get(amend_url(amy, n_mark(amy)), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith('<div id="amend-form">')
    assert "autofocus" in html


def test_the_office_amends_a_mark_with_a_reason(client, office, amy):
    mark = n_mark(amy)
    client.force_login(office)

    response = client.post(
        amend_url(amy, mark),
        {"code": "I", "reason": "Mum phoned at 10:15", "expected_version": mark.version},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("pupils:detail", args=[amy.pk])
    mark.refresh_from_db()
    assert (mark.code, mark.version) == ("I", 2)
    revision = MarkRevision.objects.get(mark=mark)
    assert (revision.old_code, revision.new_code, revision.changed_by) == ("N", "I", office)
    assert AuditEvent.objects.filter(kind="mark.changed", actor=office).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Tuesday 5 May 2026 afternoon: changed N to I." in page


def test_an_htmx_amendment_redirects_the_browser(client, office, amy):
    mark = n_mark(amy)
    client.force_login(office)

    response = client.post(
        amend_url(amy, mark), {"code": "I", "reason": "ill", "expected_version": 1}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("pupils:detail", args=[amy.pk])
    assert n_mark(amy).code == "I"


def test_an_amendment_needs_a_reason(client, office, amy):
    mark = n_mark(amy)
    client.force_login(office)

    response = client.post(
        amend_url(amy, mark), {"code": "I", "reason": "  ", "expected_version": mark.version}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change a mark for Amy Able \N{EN DASH} Rollbook</title>" in html
    assert "There is a problem" in html
    assert '<a href="#id_reason">Enter the reason for the change</a>' in html
    assert n_mark(amy).code == "N"
    assert not MarkRevision.objects.exists()


def test_htmx_errors_come_back_as_the_form_with_status_200(client, office, amy):
    client.force_login(office)

    response = client.post(amend_url(amy, n_mark(amy)), {"expected_version": 1}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<a href="#id_code">Choose a code</a>' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "N"}, "The mark is already N: choose a different code"),
        ({"code": "I", "minutes_late": "10"}, "Only give minutes late with L or U"),
        ({"code": "H"}, "Select a valid choice. H is not one of the available choices."),
        ({"code": "L", "minutes_late": "ten"}, "Enter minutes late as a whole number, like 10"),
    ],
)
def test_an_amendment_must_make_sense(client, office, amy, data, message):
    client.force_login(office)

    response = client.post(
        amend_url(amy, n_mark(amy)), {"reason": "r", "expected_version": 1} | data
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert n_mark(amy).code == "N"


def test_an_amendment_to_m_needs_the_evidence_seen_and_records_it(client, office, amy):
    """S002-69 on the pupil page as on the Today page: no M without the evidence seen."""
    client.force_login(office)
    url, data = (
        amend_url(amy, n_mark(amy)),
        {"code": "M", "reason": "Dentist", "expected_version": 1},
    )

    refused = client.post(url, data).content.decode()
    client.post(url, data | {"evidence": "appointment_card"})

    assert "Say what evidence of the appointment you saw" in refused
    assert n_mark(amy).code == "M"
    revision = MarkRevision.objects.get(mark=n_mark(amy))
    assert revision.reason == "Dentist (evidence seen: appointment card)"


def test_illness_for_a_pupil_flagged_evidence_required_needs_the_evidence(client, office, amy):
    """S002-68: without evidence the office records O instead (or gives the evidence)."""
    type(amy).objects.filter(pk=amy.pk).update(evidence_required=True)
    client.force_login(office)
    url, data = amend_url(amy, n_mark(amy)), {"code": "I", "reason": "Ill", "expected_version": 1}

    refused = client.post(url, data).content.decode()
    assert "This pupil needs evidence for illness" in refused and n_mark(amy).code == "N"
    client.post(url, data | {"evidence": "prescription"})
    assert n_mark(amy).code == "I"


def test_a_late_can_be_recorded_with_minutes(client, office, amy):
    client.force_login(office)

    client.post(
        amend_url(amy, n_mark(amy)),
        {"code": "U", "minutes_late": "35", "reason": "Arrived 13:50", "expected_version": 1},
    )

    assert (n_mark(amy).code, n_mark(amy).minutes_late) == ("U", 35)


def test_a_stale_amendment_is_refused_then_can_be_confirmed(client, office, amy):
    mark = n_mark(amy)
    change_mark(actor=office, mark=mark, code="O", reason="someone else first")
    client.force_login(office)

    refused = client.post(
        amend_url(amy, mark), {"code": "I", "reason": "Mum phoned", "expected_version": 1}
    )
    html = refused.content.decode()
    confirmed = client.post(
        amend_url(amy, mark), {"code": "I", "reason": "Mum phoned", "expected_version": 2}
    )

    assert refused.status_code == 200
    assert "Someone else changed this mark since you opened it" in html
    assert "The mark is now O (Absent in other or unknown circumstances)" in html
    assert 'name="expected_version" value="2"' in html
    assert confirmed.status_code == 302
    assert n_mark(amy).code == "I"
    assert MarkRevision.objects.filter(mark=mark).count() == 2


def test_a_teacher_cannot_amend_a_mark(client, teacher_3a, amy):
    client.force_login(teacher_3a)

    get = client.get(amend_url(amy, n_mark(amy)))
    post = client.post(
        amend_url(amy, n_mark(amy)), {"code": "I", "reason": "ill", "expected_version": 1}
    )

    assert (get.status_code, post.status_code) == (403, 403)
    assert n_mark(amy).code == "N"


def test_the_office_of_another_school_gets_not_found(client, other_school_head, amy):
    client.force_login(other_school_head)

    response = client.post(
        amend_url(amy, n_mark(amy)), {"code": "I", "reason": "ill", "expected_version": 1}
    )

    assert response.status_code == 404
    assert n_mark(amy).code == "N"


def test_a_mark_of_another_pupil_is_not_found(client, office, amy, ben):
    client.force_login(office)

    response = client.get(reverse("pupils:amend_mark", args=[ben.pk, n_mark(amy).pk]))

    assert response.status_code == 404


def test_amending_accepts_only_get_and_post(client, office, amy):
    client.force_login(office)

    assert client.put(amend_url(amy, n_mark(amy))).status_code == 405


def test_the_profile_shows_the_pupils_personal_goal(client, office, amy):
    """S003-57: the goal pastoral staff set (rewards) is on the pupil's page, linked to its
    progress."""
    from decimal import Decimal

    from rollbook.rewards.actions import set_goal

    client.force_login(office)
    before = client.get(reverse("pupils:detail", args=[amy.pk])).content.decode()
    set_goal(actor=office, pupil=amy, target_pct=Decimal("96.5"), note="", today=TODAY)

    after = client.get(reverse("pupils:detail", args=[amy.pk])).content.decode()

    assert "Personal attendance goal" in before and "None set" in before
    assert "96.5% this year, set 7 May 2026" in after
    assert f'href="{reverse("rewards:goal", args=[amy.pk])}"' in after
