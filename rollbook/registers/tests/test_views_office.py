"""The office's Today page (/office/today/) and its forms: chase, log a contact attempt, record a reason."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.absences.actions import log_contact_attempt, set_evidence_required
from rollbook.absences.models import ContactAttempt
from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks
from rollbook.pupils.actions import add_contact, save_pupils
from rollbook.pupils.models import Pupil
from rollbook.registers.actions import change_mark
from rollbook.registers.models import Mark, MarkRevision, RegisterChase
from rollbook.registers.register_actions import Entry, record_late_arrival, take_register
from rollbook.registers.tests.test_views_world import (
    FRIDAY,
    MORNING,
    THURSDAY,
    TODAY,
    at,
    pupil_row,
    world,
)

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
TODAY_URL = "/office/today/"


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(MORNING, tick=False)


@pytest.fixture
def w():
    """3A's morning register is taken (Amy present; Ben and Cara absent, N); 5A's is not.

    Ben was also away with no reason on Thursday and Friday (day 3 today). Cara has a child
    protection plan (day 1, priority). Dan (5A) signed in at 09:25, after the register closed.
    """
    w = world()
    add_marks(w["Ben"], [(THURSDAY, "AM", "O"), (THURSDAY, "PM", "N")])
    add_marks(w["Ben"], [(FRIDAY, "AM", "N"), (FRIDAY, "PM", "N")])
    codes = {"Amy": "/", "Ben": "N", "Cara": "N"}
    take_register(
        actor=w.teacher_y3,
        group=w.y3,
        day=TODAY,
        session=Session.AM,
        entries=[Entry(w[n].pk, c) for n, c in codes.items()],
        office=False,
        now=at(8, 50),
    )
    record_late_arrival(
        actor=w.office, pupil=w["Dan"], arrived=at(9, 25), session=Session.AM, reason="overslept"
    )
    return w


def mark(w, name: str) -> Mark:
    return Mark.objects.get(pupil=w[name], date=TODAY, session="AM")


def attempt_data(w, name: str, **fields) -> dict[str, str]:
    prefix = f"attempt-{w[name].pk}"
    return {f"{prefix}-{k}": v for k, v in fields.items()}


def reason_data(
    w, name: str, code: str, reason: str, version: int | None = None, **extra: str
) -> dict:
    prefix = f"reason-{w[name].pk}"
    seen = mark(w, name).version if version is None else version
    return {
        f"{prefix}-sessions": ["AM"],
        f"{prefix}-version-AM": str(seen),
        f"{prefix}-code": code,
        f"{prefix}-reason": reason,
        **{f"{prefix}-{k}": v for k, v in extra.items()},
    }


def log_url(w, name: str) -> str:
    return reverse("office_log_contact", args=[w[name].pk])


def reason_url(w, name: str) -> str:
    return reverse("office_record_reason", args=[w[name].pk])


# ---- The page --------------------------------------------------------------------------------


def test_the_office_sees_missing_registers_absences_visits_and_lates(client, w):
    client.force_login(w.office)

    response = client.get(TODAY_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "registers/office_today.html" in [t.name for t in response.templates]
    assert "Today, Monday 23 November 2026" in html
    missing = html[html.index('id="missing-registers"') : html.index('id="absent-heading"')]
    assert ">5A</th>" in missing and ">3A</th>" not in missing
    assert "Morning (opened 08:45)" in missing and "Fred Five" in missing
    assert "Afternoon" not in missing  # not open yet
    cara, ben = (
        html.index('id="pupil-{}"'.format(w["Cara"].pk)),
        html.index(f'id="pupil-{w["Ben"].pk}"'),
    )
    assert cara < ben  # the priority pupil comes first
    assert "CP plan" in html
    assert "Day 3 of unexplained absence: home visit due" in html
    assert "Day 1, priority pupil: home visit due today" in html
    assert "Unexplained absence 3 school days in a row." in html
    assert "Mrs Bella Brook</strong> (Mother, parental responsibility)" in html
    assert 'href="tel:07700900123">07700 900123</a>' in html
    assert "Eve Brook (5A): morning not marked yet, afternoon not marked yet" in html
    assert f'id="pupil-{w["Amy"].pk}"' not in html
    late = html[html.index('id="late-heading"') :]
    assert "Dan Dale" in late and ">40</td>" in late


def test_a_register_is_missing_only_after_the_grace_minutes(client, w, time_machine):
    client.force_login(w.office)

    later = client.get(TODAY_URL, {"grace": "60"}).content.decode()
    time_machine.move_to(at(8, 55), tick=False)
    early = client.get(TODAY_URL).content.decode()

    for html in (later, early):
        assert ">5A</th>" not in html[html.index('id="missing-registers"') :]
    assert "Every register that opened more than 60 minutes ago has been taken." in later


def test_a_bad_grace_setting_is_shown_and_the_default_used(client, w):
    client.force_login(w.office)

    html = client.get(TODAY_URL, {"grace": "soon"}).content.decode()

    assert "Enter the minutes as a whole number from 0 to 180" in html
    assert ">5A</th>" in html


def test_teachers_cannot_open_the_today_page(client, w):
    client.force_login(w.teacher_y3)

    assert client.get(TODAY_URL).status_code == 403


def test_the_office_at_another_school_sees_only_its_own_day(client, w):
    client.force_login(w.other_school_head)

    html = client.get(TODAY_URL).content.decode()

    assert "Hill Primary" in html
    assert "Ben Brook" not in html and "Meadow" not in html


def test_anonymous_visitors_are_sent_to_sign_in_from_today(client, w):
    response = client.get(TODAY_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_today_is_get_only(client, w):
    client.force_login(w.office)

    assert client.post(TODAY_URL).status_code == 405


def test_htmx_refreshes_only_the_missing_registers(client, w):
    client.force_login(w.office)

    html = client.get(TODAY_URL, headers=HX).content.decode()

    assert html.lstrip().startswith('<div id="missing-registers"')
    assert ">5A</th>" in html and "Ben Brook" not in html


def test_at_the_weekend_there_is_nothing_to_chase(client, w, time_machine):
    time_machine.move_to(at(10, 0, day=TODAY.replace(day=21)), tick=False)
    client.force_login(w.office)

    html = client.get(TODAY_URL).content.decode()

    assert "There is no school today." in html


# ---- Chase -----------------------------------------------------------------------------------


def chase(client, w, group=None, **kw):
    data = {"group": (group or w.y5).pk, "session": "AM"}
    return client.post(reverse("office_chase"), data, **kw)


def test_one_click_chases_a_missing_register(client, w):
    client.force_login(w.office)

    response = chase(client, w)

    assert response.status_code == 302
    assert response["Location"] == TODAY_URL
    chased = RegisterChase.objects.get()
    assert (chased.registration_group, chased.chased_by) == (w.y5, w.office)
    assert AuditEvent.objects.filter(kind="register.chased", actor=w.office).exists()
    html = client.get(TODAY_URL).content.decode()
    assert "Chased the morning register for 5A at 09:30" in html
    assert "chased at 09:30 by Olive Office" in html
    teacher_view = client
    teacher_view.force_login(w.teacher_y5)
    assert (
        "Chased by Olive Office at 09:30." in client.get(reverse("register_list")).content.decode()
    )


def test_a_register_already_taken_is_not_chased(client, w):
    client.force_login(w.office)

    response = chase(client, w, group=w.y3)

    assert response.status_code == 200
    assert "The AM register for 3A has already been taken" in response.content.decode()
    assert not RegisterChase.objects.exists()


def test_teachers_cannot_chase(client, w):
    client.force_login(w.teacher_y5)

    assert chase(client, w).status_code == 403
    assert not RegisterChase.objects.exists()


def test_a_class_at_another_school_cannot_be_chased(client, w):
    client.force_login(w.other_school_head)

    assert chase(client, w).status_code == 404


def test_chase_is_post_only(client, w):
    client.force_login(w.office)

    assert client.get(reverse("office_chase")).status_code == 405


def test_a_chase_without_a_class_is_a_bad_request(client, w):
    client.force_login(w.office)

    assert client.post(reverse("office_chase"), {"session": "AM"}).status_code == 400


def test_htmx_chase_redirects_or_returns_the_table_with_the_error(client, w):
    client.force_login(w.office)

    done = chase(client, w, headers=HX)
    refused = chase(client, w, group=w.y3, headers=HX)

    assert done["HX-Redirect"] == TODAY_URL
    html = refused.content.decode()
    assert html.lstrip().startswith('<div id="missing-registers"')
    assert "There is a problem" in html and "already been taken" in html


# ---- Log a contact attempt -------------------------------------------------------------------


def test_the_office_logs_a_call_and_sees_it_on_the_card(client, w):
    client.force_login(w.office)
    contact = w["Ben"].contacts.get()
    data = attempt_data(w, "Ben", contact=str(contact.pk), method="call", outcome="no_answer")

    response = client.post(log_url(w, "Ben"), data)

    assert response.status_code == 302
    assert response["Location"] == TODAY_URL
    attempt = ContactAttempt.objects.get()
    assert (attempt.pupil, attempt.contact, attempt.by) == (w["Ben"], contact, w.office)
    assert AuditEvent.objects.filter(kind="absence.contact_attempt", pupil_id=w["Ben"].pk).exists()
    html = client.get(TODAY_URL).content.decode()
    assert "Contact attempt logged for Ben Brook" in html
    assert "09:30 Phone call to Mrs Bella Brook by Olive Office: <strong>No answer</strong>" in html


def test_a_contact_attempt_needs_a_method_and_an_outcome(client, w):
    client.force_login(w.office)

    response = client.post(log_url(w, "Ben"), attempt_data(w, "Ben", note="tried"))

    html = response.content.decode()
    pk = w["Ben"].pk
    assert response.status_code == 200
    assert f'<a href="#id_attempt-{pk}-method">Choose how you tried to make contact</a>' in html
    assert f'<a href="#id_attempt-{pk}-outcome">Choose what happened</a>' in html
    assert "tried</textarea>" in html
    assert not ContactAttempt.objects.exists()


def test_a_rule_the_action_refuses_is_shown_on_the_form(client, w):
    client.force_login(w.office)
    data = attempt_data(w, "Ben", method="call", outcome="child_seen")

    html = client.post(log_url(w, "Ben"), data).content.decode()

    assert (
        f'<a href="#attempt-{w["Ben"].pk}">The outcome “child seen” is only for a home visit</a>'
        in html
    )
    assert not ContactAttempt.objects.exists()


def test_a_pupil_no_longer_on_the_list_is_explained_not_logged(client, w):
    client.force_login(w.office)
    data = attempt_data(w, "Amy", method="call", outcome="no_answer")

    response = client.post(log_url(w, "Amy"), data)

    assert response.status_code == 200
    assert "Amy Able is no longer on today" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_teachers_cannot_log_contact_attempts(client, w):
    client.force_login(w.teacher_y3)
    data = attempt_data(w, "Ben", method="call", outcome="no_answer")

    assert client.post(log_url(w, "Ben"), data).status_code == 403


def test_pupils_at_another_school_are_not_found_for_contact_attempts(client, w):
    client.force_login(w.other_school_head)
    data = attempt_data(w, "Ben", method="call", outcome="no_answer")

    assert client.post(log_url(w, "Ben"), data).status_code == 404


def test_logging_a_contact_attempt_is_post_only(client, w):
    client.force_login(w.office)

    assert client.get(log_url(w, "Ben")).status_code == 405


def test_htmx_contact_attempt_returns_the_card_or_redirects(client, w):
    client.force_login(w.office)

    bad = client.post(log_url(w, "Ben"), attempt_data(w, "Ben"), headers=HX)
    good = client.post(
        log_url(w, "Ben"), attempt_data(w, "Ben", method="text", outcome="left_message"), headers=HX
    )
    gone = client.post(log_url(w, "Amy"), attempt_data(w, "Amy"), headers=HX)

    html = bad.content.decode()
    assert html.lstrip().startswith(
        f'<section class="govuk-summary-card rollbook-absent" id="pupil-{w["Ben"].pk}"'
    )
    assert "There is a problem" in html and "Cara Cole" not in html
    assert good["HX-Redirect"] == TODAY_URL
    assert gone["HX-Retarget"] == "#absences"
    assert gone.content.decode().lstrip().startswith('<div id="absences"')


# ---- Record the reason -----------------------------------------------------------------------


def test_recording_the_reason_turns_n_into_the_code_with_history(client, w):
    client.force_login(w.office)

    response = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "I", "Mum phoned: sickness"))

    assert response.status_code == 302
    assert mark(w, "Ben").code == "I"
    revision = MarkRevision.objects.get(mark__pupil=w["Ben"])
    assert (revision.old_code, revision.new_code, revision.changed_by) == ("N", "I", w.office)
    assert revision.reason == "Mum phoned: sickness"
    html = client.get(TODAY_URL).content.decode()
    assert "Recorded I \N{EN DASH} Illness for Ben Brook" in html
    assert f'id="pupil-{w["Ben"].pk}"' not in html


def test_a_reason_is_required(client, w):
    client.force_login(w.office)

    response = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "I", ""))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_reason-{w["Ben"].pk}-reason">Enter the reason and who gave it</a>' in html
    assert mark(w, "Ben").code == "N"


def test_a_mark_changed_since_the_page_opened_is_not_overwritten(client, w):
    client.force_login(w.office)
    stale = reason_data(w, "Ben", "I", "Mum phoned: sickness", version=1)
    for code in ("O", "N"):  # someone else changed it and changed it back
        change_mark(actor=w.head, mark=mark(w, "Ben"), code=code, reason="checking")

    response = client.post(reason_url(w, "Ben"), stale)

    assert "Someone else changed this mark since you opened it" in response.content.decode()
    assert mark(w, "Ben").code == "N"


def test_teachers_cannot_record_reasons(client, w):
    client.force_login(w.teacher_y3)

    response = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "I", "ill"))

    assert response.status_code == 403
    assert mark(w, "Ben").code == "N"


def test_pupils_at_another_school_are_not_found_for_reasons(client, w):
    client.force_login(w.other_school_head)

    assert client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "I", "ill")).status_code == 404


def test_recording_a_reason_is_post_only(client, w):
    client.force_login(w.office)

    assert client.get(reason_url(w, "Ben")).status_code == 405


def test_htmx_reason_returns_the_card_or_redirects(client, w):
    client.force_login(w.office)

    bad = client.post(reason_url(w, "Cara"), reason_data(w, "Cara", "", "ill"), headers=HX)
    good = client.post(
        reason_url(w, "Cara"),
        reason_data(w, "Cara", "M", "dentist", evidence="appointment_card"),
        headers=HX,
    )

    assert bad.content.decode().lstrip().startswith('<section class="govuk-summary-card')
    assert "Choose a code" in bad.content.decode()
    assert good["HX-Redirect"] == TODAY_URL
    assert mark(w, "Cara").code == "M"


# ---- Never-acceptable reasons (S002-70), evidence (S002-68, S002-69) ----------------------


@pytest.mark.parametrize(
    ("key", "words"),
    [("birthday", "Birthday"), ("sibling_inset", "school closed (INSET day or otherwise)")],
)
def test_choosing_a_never_acceptable_reason_records_o_by_itself(client, w, key, words):
    client.force_login(w.office)

    response = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "", "", reason_key=key))

    assert response.status_code == 302
    assert mark(w, "Ben").code == "O"
    revision = MarkRevision.objects.get(mark__pupil=w["Ben"])
    assert (revision.old_code, revision.new_code) == ("N", "O") and words in revision.reason
    event = AuditEvent.objects.get(kind="mark.changed", pupil_id=w["Ben"].pk)
    assert words in event.reason


def test_unauthorised_term_time_leave_is_recorded_as_g_the_dfe_code_for_it(client, w):
    client.force_login(w.office)
    data = reason_data(w, "Ben", "", "Dad said: a week in Spain", reason_key="unauthorised_leave")

    client.post(reason_url(w, "Ben"), data)

    assert mark(w, "Ben").code == "G"


def test_a_never_acceptable_reason_with_an_authorised_code_is_refused_not_overridden(client, w):
    client.force_login(w.office)

    response = client.post(
        reason_url(w, "Ben"), reason_data(w, "Ben", "I", "", reason_key="birthday")
    )

    assert response.status_code == 200
    assert "is never a reason to authorise: it is recorded as O" in response.content.decode()
    assert mark(w, "Ben").code == "N"


def test_m_needs_the_evidence_seen(client, w):
    client.force_login(w.office)

    refused = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "M", "dentist 10:00"))
    assert "Say what evidence of the appointment you saw" in refused.content.decode()
    assert mark(w, "Ben").code == "N"

    client.post(
        reason_url(w, "Ben"),
        reason_data(w, "Ben", "M", "dentist 10:00", evidence="appointment_card"),
    )

    assert mark(w, "Ben").code == "M"
    reason = MarkRevision.objects.get(mark__pupil=w["Ben"]).reason
    assert reason == "dentist 10:00; evidence seen: appointment card"


def test_a_junk_evidence_type_is_a_clear_error(client, w):
    client.force_login(w.office)

    response = client.post(
        reason_url(w, "Ben"), reason_data(w, "Ben", "M", "dentist", evidence="a note")
    )

    assert "Choose the evidence you saw from the list" in response.content.decode()
    assert mark(w, "Ben").code == "N"


def test_for_a_pupil_flagged_evidence_required_the_office_decides_between_i_and_o(client, w):
    set_evidence_required(actor=w.office, pupil=w["Ben"], required=True, reason="panel")
    client.force_login(w.office)

    page = client.get(TODAY_URL).content.decode()
    refused = client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "I", "Mum: sickness"))

    assert "Evidence required: decide between I" in page
    assert "needs evidence for illness" in refused.content.decode()
    assert mark(w, "Ben").code == "N"
    client.post(reason_url(w, "Ben"), reason_data(w, "Ben", "O", "Mum: sickness, no evidence"))
    assert mark(w, "Ben").code == "O"


def test_a_flagged_pupil_with_evidence_seen_is_recorded_as_i(client, w):
    set_evidence_required(actor=w.office, pupil=w["Ben"], required=True, reason="panel")
    client.force_login(w.office)

    client.post(
        reason_url(w, "Ben"),
        reason_data(w, "Ben", "I", "Mum: sickness", evidence="prescription"),
    )

    assert mark(w, "Ben").code == "I"


def test_a_whole_day_of_m_is_listed_for_review_and_half_a_day_is_not(client, w):
    add_marks(w["Amy"], [(TODAY, "AM", "M"), (TODAY, "PM", "M")])
    add_marks(w["Dan"], [(TODAY, "AM", "M"), (TODAY, "PM", "/")])
    client.force_login(w.office)

    html = client.get(TODAY_URL).content.decode()

    listed = html[html.index('id="whole-day-m"') :]
    listed = listed[: listed.index("</ul>")]
    assert "Whole day of M to review" in html
    assert "Amy Able" in listed and "Dan Dale" not in listed


def test_no_review_list_without_a_whole_day_of_m(client, w):
    add_marks(w["Amy"], [(TODAY, "AM", "M")])
    client.force_login(w.office)

    assert "Whole day of M to review" not in client.get(TODAY_URL).content.decode()


# ---- Query counts ----------------------------------------------------------------------------


def absent_class(w, name: str, size: int) -> list[Pupil]:
    """A class all marked N today, each child in need, with a sibling, a contact and a call logged."""
    est = 5000 + size
    rows = [
        row
        for i in range(size)
        for row in (
            pupil_row(f"Kid{i:02d} {name}", name, est, family_id=f"{name}-{i}", cin=True),
            pupil_row(f"Sib{i:02d} {name}", name + "S", est, family_id=f"{name}-{i}"),
        )
    ]
    save_pupils(actor_label="test", school=w.school, rows=rows)
    pupils = list(Pupil.objects.filter(registration_group__name=name))
    for pupil in pupils:
        add_contact(
            actor_label="test",
            school=w.school,
            pupils=pupil.family.pupils.all(),
            forename="P",
            surname=name,
            relationship="Mother",
            mobile_phone="07700 900000",
        )
        add_marks(pupil, [(FRIDAY, "AM", "N"), (FRIDAY, "PM", "N")])
        log_contact_attempt(actor=w.office, pupil=pupil, method="call", outcome="no_answer")
    group = pupils[0].registration_group
    take_register(
        actor=w.office,
        group=group,
        day=TODAY,
        session=Session.AM,
        office=True,
        entries=[Entry(p.pk, "N") for p in pupils],
    )
    return pupils


def test_the_today_page_runs_a_fixed_number_of_queries(client, w, django_assert_max_num_queries):
    client.force_login(w.office)
    with CaptureQueriesContext(connection) as few:
        client.get(TODAY_URL)
    absent_class(w, "6A", 25)

    with django_assert_max_num_queries(len(few)) as many:
        html = client.get(TODAY_URL).content.decode()

    assert html.count('class="govuk-summary-card rollbook-absent"') == 27
    assert len(many) == len(few) <= 18
