"""My registers (/registers/) and taking a register (/registers/<class>/<date>/<AM|PM>/)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks
from rollbook.registers.actions import MarkError, change_mark
from rollbook.registers.models import Mark, MarkRevision, Register
from rollbook.registers.register_actions import Entry, take_register
from rollbook.registers.tests.test_views_world import (
    FRIDAY,
    MORNING,
    TODAY,
    add_class,
    at,
    world,
)

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return world()


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


def take_url(group, day=TODAY, session="AM") -> str:
    return reverse("register_take", args=[group.pk, day, session])


def marks(w, **choices) -> dict[str, str]:
    """POST data for 3A: choices by forename, e.g. Amy="present", Ben="late"."""
    data = {}
    for name, choice in choices.items():
        pk = w[name].pk
        data[f"mark-{pk}"] = choice
        data[f"version-{pk}"] = str(
            Mark.objects.filter(pupil=w[name], date=TODAY, session="AM")
            .values_list("version", flat=True)
            .first()
            or 0
        )
    return data


def saved_codes(group, session="AM") -> dict[str, str]:
    return dict(
        Mark.objects.filter(pupil__registration_group=group, date=TODAY, session=session)
        .values_list("pupil__legal_forename", "code")
        .order_by()
    )


def checked(html: str, pupil) -> str | None:
    found = re.search(rf'name="mark-{pupil.pk}" type="radio" value="(\w+)" checked', html)
    return found.group(1) if found else None


# ---- My registers ---------------------------------------------------------------------------


def test_a_teacher_sees_todays_registers_for_their_own_class(client, w):
    client.force_login(w.teacher_y3)

    response = client.get(reverse("register_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "registers/register_list.html" in [t.name for t in response.templates]
    assert "My registers" in html
    assert html.count("Not taken") == 2
    assert take_url(w.y3) in html and take_url(w.y3, session="PM") in html
    assert take_url(w.y5) not in html


def test_the_office_sees_every_class_and_who_took_each_register(client, w):
    entries = [Entry(p.pk, "/") for p in w.y3.pupils.all()]
    take_register(
        actor=w.teacher_y3, group=w.y3, day=TODAY, session=Session.AM, entries=entries, office=False
    )
    client.force_login(w.office)

    html = client.get(reverse("register_list")).content.decode()

    assert take_url(w.y3) in html and take_url(w.y5) in html
    assert "by Tess Three at 09:30, after the register closed" in html
    assert html.count("Not taken") == 3
    assert reverse("office_today") in html


def test_my_registers_is_get_only(client, w):
    client.force_login(w.teacher_y3)

    assert client.post(reverse("register_list")).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in_from_my_registers(client, w):
    response = client.get(reverse("register_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_at_another_school_see_only_their_own_classes(client, w):
    client.force_login(w.other_school_head)

    html = client.get(reverse("register_list")).content.decode()

    assert "Hill Primary" in html
    assert take_url(w.y3) not in html
    assert "Meadow" not in html


def test_htmx_refreshes_only_the_table_of_registers(client, w):
    client.force_login(w.teacher_y3)

    html = client.get(reverse("register_list"), headers=HX).content.decode()

    assert html.lstrip().startswith('<div id="registers"')
    assert "<html" not in html and take_url(w.y3) in html


# ---- Taking a register: GET -----------------------------------------------------------------


def test_a_teacher_opens_an_empty_register_with_everyone_unmarked(client, w):
    client.force_login(w.teacher_y3)

    response = client.get(take_url(w.y3))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Morning register, Monday 23 November 2026" in html
    for name in ("Amy Able", "Ben Brook", "Cara Cole"):
        assert f">{name}</legend>" in html
    assert " checked" not in html
    assert f'name="version-{w["Amy"].pk}" value="0"' in html
    assert 'value="present"' in html and "Present (/)" in html
    assert "Another code" not in html  # office only
    assert "Reason for any changes" not in html  # nothing saved yet
    assert "Dan Dale" not in html


def test_the_afternoon_register_offers_the_afternoon_present_code(client, w, time_machine):
    time_machine.move_to(at(13, 20), tick=False)
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3, session="PM")).content.decode()

    assert "Present (\\)" in html


def test_the_office_also_gets_every_code_valid_that_day(client, w):
    client.force_login(w.office)

    html = client.get(take_url(w.y3)).content.decode()

    assert "Another code" in html
    assert "I \N{EN DASH} Illness (not medical or dental appointment)" in html
    assert ">H \N{EN DASH}" not in html  # withdrawn in 2024


def test_marks_the_office_made_are_shown_locked_to_the_teacher(client, w):
    add_marks(w["Cara"], [(TODAY, "AM", "M")])  # recorded by the office's systems
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3)).content.decode()

    assert "Recorded in the school records: M \N{EN DASH} Medical or dental appointment" in html
    assert f'name="mark-{w["Cara"].pk}"' not in html


def test_a_teacher_of_another_class_is_refused(client, w):
    client.force_login(w.teacher_y5)

    response = client.get(take_url(w.y3))

    assert response.status_code == 403


def test_a_class_at_another_school_is_not_found(client, w):
    client.force_login(w.other_school_head)

    assert client.get(take_url(w.y3)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_from_a_register(client, w):
    response = client.get(take_url(w.y3))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_register_only_answers_get_and_post(client, w):
    client.force_login(w.teacher_y3)

    assert client.put(take_url(w.y3)).status_code == 405


def test_an_impossible_date_is_not_found(client, w):
    client.force_login(w.teacher_y3)

    assert client.get(f"/registers/{w.y3.pk}/2026-02-30/AM/").status_code == 404
    assert client.get(f"/registers/{w.y3.pk}/2026-11-23/XX/").status_code == 404


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-11-21", "There is no morning register that day: the school is closed."),
        ("2026-11-24", "This register is for a day that has not come yet."),
    ],
)
def test_there_is_no_register_at_weekends_or_in_the_future(client, w, day, message):
    client.force_login(w.teacher_y3)

    get = client.get(f"/registers/{w.y3.pk}/{day}/AM/")
    post = client.post(f"/registers/{w.y3.pk}/{day}/AM/", {"action": "all_present"})

    assert message in get.content.decode()
    assert post.status_code == 200 and message in post.content.decode()
    assert not Mark.objects.exists()


def test_htmx_can_fetch_one_pupils_row(client, w):
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3), {"pupil": w["Ben"].pk}, headers=HX).content.decode()

    assert html.lstrip().startswith(
        f'<div class="govuk-form-group rollbook-pupil" id="pupil-{w["Ben"].pk}"'
    )
    assert "Amy Able" not in html and "<form" not in html
    assert client.get(take_url(w.y3), {"pupil": w["Dan"].pk}, headers=HX).status_code == 404


# ---- Taking a register: POST ----------------------------------------------------------------


def test_all_present_with_exceptions_saves_and_confirms(client, w):
    client.force_login(w.teacher_y3)
    data = marks(w, Ben="late", Cara="absent") | {
        f"minutes-{w['Ben'].pk}": "12",
        "action": "all_present",
    }

    response = client.post(take_url(w.y3), data)

    assert response.status_code == 302 and response["Location"] == take_url(w.y3)
    assert saved_codes(w.y3) == {"Amy": "/", "Ben": "L", "Cara": "N"}
    assert Mark.objects.get(pupil=w["Ben"]).minutes_late == 12
    assert Register.objects.get().submitted_by == w.teacher_y3
    assert AuditEvent.objects.filter(kind="register.submitted", actor=w.teacher_y3).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Register saved at 09:30" in page
    assert checked(page, w["Ben"]) == "late" and checked(page, w["Amy"]) == "present"
    assert 'value="12"' in page
    assert "Saved by Tess Three at 09:30" in page


def test_a_pupil_left_unmarked_is_shown_in_the_error_summary(client, w):
    client.force_login(w.teacher_y3)

    response = client.post(
        take_url(w.y3), marks(w, Amy="present", Ben="absent") | {"action": "save"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: 3A morning register" in html
    assert (
        f'<a href="#mark-{w["Cara"].pk}-present">Choose present, absent or late for Cara Cole</a>'
        in html
    )
    assert f'id="mark-{w["Cara"].pk}-error"' in html
    assert checked(html, w["Ben"]) == "absent"  # the choices made are kept
    assert not Mark.objects.exists()


def test_minutes_late_must_be_a_whole_number(client, w):
    client.force_login(w.teacher_y3)
    data = marks(w, Ben="late") | {f"minutes-{w['Ben'].pk}": "ten", "action": "all_present"}

    html = client.post(take_url(w.y3), data).content.decode()

    assert (
        f'<a href="#minutes-{w["Ben"].pk}">Minutes late for Ben Brook must be a whole number'
        in html
    )
    assert not Mark.objects.exists()


def test_a_teacher_cannot_send_an_office_only_code(client, w):
    client.force_login(w.teacher_y3)
    data = marks(w, Amy="other") | {f"code-{w['Amy'].pk}": "I", "action": "all_present"}

    html = client.post(take_url(w.y3), data).content.decode()

    assert "Choose present, absent or late for Amy Able" in html
    assert not Mark.objects.exists()


def test_a_teacher_cannot_overwrite_a_locked_mark(client, w):
    add_marks(w["Cara"], [(TODAY, "AM", "M")])
    client.force_login(w.teacher_y3)
    data = marks(w, Cara="absent") | {"action": "all_present", "reason": "she is not here"}

    response = client.post(take_url(w.y3), data)

    assert response.status_code == 302
    assert saved_codes(w.y3) == {"Amy": "/", "Ben": "/", "Cara": "M"}


def test_the_office_can_record_any_code(client, w):
    client.force_login(w.office)
    data = marks(w, Amy="other") | {f"code-{w['Amy'].pk}": "I", "action": "all_present"}

    response = client.post(take_url(w.y3), data)

    assert response.status_code == 302
    assert saved_codes(w.y3) == {"Amy": "I", "Ben": "/", "Cara": "/"}


def test_the_office_recording_m_on_the_register_needs_the_evidence_seen(client, w):
    client.force_login(w.office)
    data = marks(w, Amy="other") | {f"code-{w['Amy'].pk}": "M", "action": "all_present"}

    refused = client.post(take_url(w.y3), data)
    saved = client.post(take_url(w.y3), data | {"evidence": "appointment_card"})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert '<a href="#evidence">Say what evidence of the appointment you saw for M' in html
    assert saved.status_code == 302
    assert saved_codes(w.y3) == {"Amy": "M", "Ben": "/", "Cara": "/"}
    event = AuditEvent.objects.get(kind="register.submitted")
    assert event.data["evidence"] == "appointment_card"


def test_changing_a_mark_to_m_keeps_the_evidence_in_the_revision(client, w):
    add_marks(w["Amy"], [(TODAY, "AM", "N")])
    client.force_login(w.office)
    data = marks(w, Amy="other", Ben="present", Cara="present")
    data |= {f"code-{w['Amy'].pk}": "M", "reason": "Mum phoned", "evidence": "text_or_email"}

    client.post(take_url(w.y3), data | {"action": "save"})

    revision = MarkRevision.objects.get(mark__pupil=w["Amy"])
    assert (revision.old_code, revision.new_code) == ("N", "M")
    assert revision.reason == (
        "Mum phoned; evidence seen: text or email from the surgery, clinic or hospital"
    )


def test_an_m_already_saved_needs_no_evidence_to_save_the_register_again(client, w):
    add_marks(w["Cara"], [(TODAY, "AM", "M")])
    client.force_login(w.office)
    data = marks(w, Amy="present", Ben="present", Cara="other")
    data |= {f"code-{w['Cara'].pk}": "M", "action": "save"}

    assert client.post(take_url(w.y3), data).status_code == 302


def test_take_register_itself_refuses_m_without_evidence(w):
    entries = [Entry(w["Amy"].pk, "M"), Entry(w["Ben"].pk, "/"), Entry(w["Cara"].pk, "/")]

    with pytest.raises(MarkError, match="say what evidence of the appointment"):
        take_register(
            actor=w.office, group=w.y3, day=TODAY, session="AM", entries=entries, office=True
        )

    assert not Mark.objects.exists()


def test_a_rule_the_action_refuses_comes_back_in_the_error_summary(client, w):
    client.force_login(w.office)
    data = marks(w, Amy="other") | {f"code-{w['Amy'].pk}": "X", "action": "all_present"}

    response = client.post(take_url(w.y3), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#pupils">Amy Able: X is only for pupils below compulsory school age</a>' in html
    )
    assert not Mark.objects.exists()


def test_changing_a_saved_register_needs_a_reason(client, w):
    client.force_login(w.teacher_y3)
    client.post(take_url(w.y3), {"action": "all_present"})

    refused = client.post(take_url(w.y3), marks(w, Amy="present", Ben="present", Cara="absent"))
    accepted = client.post(
        take_url(w.y3),
        marks(w, Amy="present", Ben="present", Cara="absent")
        | {"reason": "went home ill at 09:05"},
    )

    assert '<a href="#reason">Give a reason for changing marks that were already saved</a>' in (
        refused.content.decode()
    )
    assert accepted.status_code == 302
    assert saved_codes(w.y3)["Cara"] == "N"
    revision = MarkRevision.objects.get()
    assert (revision.old_code, revision.new_code, revision.reason) == (
        "/",
        "N",
        "went home ill at 09:05",
    )
    assert "Changes saved at 09:30" in client.get(take_url(w.y3)).content.decode()


def test_a_concurrent_change_is_shown_and_saving_again_confirms_the_choice(client, w):
    client.force_login(w.teacher_y3)
    opened = marks(w, Amy="present", Ben="absent", Cara="present")  # versions 0: all unmarked
    entries = [Entry(w[n].pk, c) for n, c in (("Amy", "/"), ("Ben", "L"), ("Cara", "/"))]
    take_register(  # the office saves first
        actor=w.office, group=w.y3, day=TODAY, session=Session.AM, entries=entries, office=True
    )

    response = client.post(take_url(w.y3), opened | {"action": "save"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ben Brook: someone else recorded L while you had the register open" in html
    assert "You chose N \N{EN DASH} Absent: reason not yet given" in html
    assert checked(html, w["Ben"]) == "absent"
    assert f'name="version-{w["Ben"].pk}" value="1"' in html  # reloaded
    assert saved_codes(w.y3)["Ben"] == "L"
    resubmit = {
        **{k: v for k, v in opened.items() if k.startswith("mark-")},
        **{f"version-{w[n].pk}": "1" for n in ("Amy", "Ben", "Cara")},
        "reason": "Ben is not in class",
    }
    assert client.post(take_url(w.y3), resubmit).status_code == 302
    assert saved_codes(w.y3)["Ben"] == "N"


def test_a_change_made_while_the_form_was_showing_an_error_is_not_lost(client, w):
    client.force_login(w.teacher_y3)
    client.post(take_url(w.y3), {"action": "all_present"})
    seen = marks(w, Amy="present", Ben="present", Cara="absent")
    mark = Mark.objects.get(pupil=w["Cara"])
    change_mark(actor=w.office, mark=mark, code="M", reason="dentist", expected_version=1)

    response = client.post(take_url(w.y3), seen | {"reason": "not here"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Cara Cole: while you had the register open, the office recorded "
        "M \N{EN DASH} Medical or dental appointment. Only the office can change it."
    ) in html
    assert saved_codes(w.y3)["Cara"] == "M"
    assert f'name="mark-{w["Cara"].pk}"' not in html  # her row is locked now
    assert client.post(take_url(w.y3), marks(w, Amy="present", Ben="present")).status_code == 302
    assert saved_codes(w.y3)["Cara"] == "M"


def test_htmx_gets_a_client_redirect_after_saving(client, w):
    client.force_login(w.teacher_y3)

    response = client.post(take_url(w.y3), {"action": "all_present"}, headers=HX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == take_url(w.y3)
    assert saved_codes(w.y3) == {"Amy": "/", "Ben": "/", "Cara": "/"}


def test_htmx_gets_the_form_back_in_place_with_its_errors(client, w):
    client.force_login(w.teacher_y3)

    response = client.post(take_url(w.y3), {"action": "save"}, headers=HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert "There is a problem" in html and "<html" not in html


# ---- "Returning today" badges (S002-79, S003-50) ---------------------------------------------


def week_before(code: str) -> list:
    """`code` for every session of Monday 16 to Friday 20 November (the 5 school days before)."""
    return [(date(2026, 11, d), s, code) for d in range(16, 21) for s in ("AM", "PM")]


def test_the_teacher_sees_returning_after_a_long_absence_on_the_day_of_return(client, w):
    add_marks(w["Amy"], week_before("I"))
    add_marks(w["Ben"], [*week_before("/")[:-1], (FRIDAY, "PM", "O")])
    add_marks(w["Cara"], week_before("/"))
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3)).content.decode()

    amy = html[html.index(f'id="pupil-{w["Amy"].pk}"') : html.index(f'id="pupil-{w["Ben"].pk}"')]
    ben = html[html.index(f'id="pupil-{w["Ben"].pk}"') : html.index(f'id="pupil-{w["Cara"].pk}"')]
    cara = html[html.index(f'id="pupil-{w["Cara"].pk}"') :]
    assert "Returning today after a long absence" in amy
    # Amy: 10 absent of 10 possible this year; Ben: 1 of 10, 10 >= 10 is PA (inclusive).
    assert "persistently absent this year" in amy
    assert "persistently absent this year" in ben and "long absence" not in ben
    assert "Returning today" not in cara


def test_no_badge_once_the_office_has_recorded_an_absence_for_today(client, w):
    add_marks(w["Amy"], [*week_before("I"), (TODAY, "AM", "I")])
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3)).content.decode()

    assert "Returning today" not in html


def test_the_pm_register_shows_the_badge_for_a_pupil_back_this_morning(client, w):
    add_marks(w["Amy"], [*week_before("O"), (TODAY, "AM", "/")])
    client.force_login(w.teacher_y3)

    html = client.get(take_url(w.y3, session="PM")).content.decode()

    assert "Returning today after a long absence" in html


def test_the_htmx_row_keeps_the_badge(client, w):
    add_marks(w["Amy"], week_before("I"))
    client.force_login(w.teacher_y3)

    response = client.get(take_url(w.y3), {"pupil": w["Amy"].pk}, headers=HX)

    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<div class="govuk-form-group rollbook-pupil" id="pupil-{w["Amy"].pk}"'
    )
    assert "Returning today after a long absence" in html


# ---- Query counts -----------------------------------------------------------------------------


def count_queries(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(queries)


@pytest.mark.parametrize("size", [5, 30])
def test_opening_and_saving_a_register_runs_a_fixed_number_of_queries(
    client, w, size, django_assert_max_num_queries
):
    pupils = add_class(w.school, "4C", size)
    group = pupils[0].registration_group
    client.force_login(w.office)
    add_marks(pupils[0], [(TODAY, "AM", "M")])

    # Opening: session, user, roles, class, pupils, register, marks, terms, closures and the
    # class's marks this year ("returning today" badges). Saving adds the transaction, one
    # INSERT for all the marks, the register row and the audit (no badges, no year of marks).
    with django_assert_max_num_queries(10):
        assert client.get(take_url(group)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.post(take_url(group), {"action": "all_present"}).status_code == 302


def test_the_query_count_does_not_grow_with_the_class(client, w):
    small = add_class(w.school, "4C", 5, surname="Small")[0].registration_group
    large = add_class(w.school, "4D", 30, surname="Large")[0].registration_group
    client.force_login(w.office)

    gets = [count_queries(client, "get", take_url(g)) for g in (small, large)]
    posts = [
        count_queries(client, "post", take_url(g), {"action": "all_present"})
        for g in (small, large)
    ]
    reopens = [count_queries(client, "get", take_url(g)) for g in (small, large)]

    assert gets[0] == gets[1] and posts[0] == posts[1] and reopens[0] == reopens[1]
