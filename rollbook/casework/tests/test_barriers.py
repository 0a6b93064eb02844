"""Barrier categories on a case (S001-2, S000-58, S002-27, S003-56): rules, action, pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.casework import actions, queries, rules
from rollbook.casework.models import CaseBarrier
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent

HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


# --- Pure rules ---------------------------------------------------------------------------------


def test_the_barrier_list_is_the_documented_one():
    assert list(rules.BARRIERS) == [
        "health",
        "send",
        "emotional",
        "family",
        "transport",
        "housing",
        "bullying",
        "young_carer",
        "other",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"is_open": False}, "open case"),
        ({"category": "weather"}, "Choose a barrier"),
        ({"already": ["young_carer"]}, "already recorded"),
        ({"category": "other", "note": "  "}, "other barrier"),
    ],
)
def test_check_barrier_refuses(kwargs, message):
    args = {"is_open": True, "category": "young_carer", "already": [], "note": ""} | kwargs
    with pytest.raises(CaseError, match=message):
        rules.check_barrier(**args)


def test_check_barrier_accepts_a_new_category_without_a_note():
    rules.check_barrier(is_open=True, category="housing", already=["health"], note="")


def test_barrier_counts_counts_each_category_and_keeps_zeros():
    counts = {k: n for k, _, n in rules.barrier_counts(["young_carer", "health", "young_carer"])}

    assert counts["young_carer"] == 2 and counts["health"] == 1
    assert counts["bullying"] == 0 and len(counts) == len(rules.BARRIERS)


# --- The action ---------------------------------------------------------------------------------


def test_adding_a_barrier_is_audited_without_its_note(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")

    barrier = actions.add_barrier(
        actor=cw.users["lead"], case=case, category="young_carer", note="Cares for mum"
    )

    event = AuditEvent.objects.get(kind="case.barrier_added")
    assert (event.actor, event.pupil_id) == (cw.users["lead"], cw.amy.pk)
    assert event.data["category"] == "young_carer" and "Cares" not in str(event.data)
    assert barrier.note == "Cares for mum" and barrier.school == cw.school


def test_a_category_is_recorded_once_per_case_and_only_on_an_open_case(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    actions.add_barrier(actor=cw.users["lead"], case=case, category="transport")

    with pytest.raises(CaseError, match="already recorded"):
        actions.add_barrier(actor=cw.users["lead"], case=case, category="transport")
    actions.close_case(actor=cw.users["lead"], case=case, reason="Better")
    with pytest.raises(CaseError, match="open case"):
        actions.add_barrier(actor=cw.users["lead"], case=case, category="housing")
    assert CaseBarrier.objects.count() == 1


def test_counts_by_barrier_cover_open_cases_only(cw):
    amy = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    ben = actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="PA")
    actions.add_barrier(actor=cw.users["lead"], case=amy, category="emotional")
    actions.add_barrier(actor=cw.users["lead"], case=ben, category="emotional")
    actions.add_barrier(actor=cw.users["lead"], case=ben, category="young_carer")
    actions.close_case(actor=cw.users["lead"], case=ben, reason="Done")

    counts = {k: n for k, _, n in queries.barrier_counts(cw.school)}

    assert counts["emotional"] == 1 and counts["young_carer"] == 0


# --- Pages --------------------------------------------------------------------------------------


def test_recording_a_barrier_shows_it_on_the_case_timeline_and_caseload(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["office"])

    response = client.post(
        url("barrier", cw.amy.pk), {"category": "young_carer", "note": "Cares for mum"}
    )

    assert response.status_code == 302 and response["Location"] == url("pupil", cw.amy.pk)
    page = client.get(url("pupil", cw.amy.pk))
    text = page.content.decode()
    assert 'id="barriers"' in text and "Young carer" in text and "Cares for mum" in text
    assert any(e.title == "Barrier recorded: Young carer" for e in page.context["events"])
    counts = client.get(url("caseload")).context["barrier_counts"]
    assert ("young_carer", "Young carer", 1) in counts


def test_the_class_teacher_sees_the_barrier_on_their_pupils_timeline(client, cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    actions.add_barrier(actor=cw.users["lead"], case=case, category="transport", note="No bus")
    client.force_login(cw.users["teacher"])

    text = client.get(url("pupil", cw.amy.pk)).content.decode()

    assert "Barrier recorded: Transport" in text and url("barrier", cw.amy.pk) not in text


def test_a_bad_barrier_re_renders_the_form_with_an_error_with_and_without_htmx(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["office"])

    page = client.post(url("barrier", cw.amy.pk), {"category": "other", "note": ""})
    partial = client.post(url("barrier", cw.amy.pk), {"category": ""}, headers=HTMX)

    assert page.status_code == 200 and "Say what the other barrier is." in page.content.decode()
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert 'id="case-forms"' in partial.content.decode()
    assert "govuk-error-summary" in partial.content.decode()
    assert not CaseBarrier.objects.exists()


def test_a_barrier_by_htmx_redirects_the_client(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["office"])

    response = client.post(url("barrier", cw.amy.pk), {"category": "housing"}, headers=HTMX)

    assert response["HX-Redirect"] == url("pupil", cw.amy.pk)
    assert CaseBarrier.objects.get().category == "housing"


def test_a_barrier_without_an_open_case_is_a_clear_error(client, cw):
    client.force_login(cw.users["office"])

    response = client.post(url("barrier", cw.amy.pk), {"category": "housing"})

    assert (
        response.status_code == 200 and "This pupil has no open case." in response.content.decode()
    )


def test_the_barrier_form_refuses_wrong_method_users_and_schools(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["office"])
    assert client.get(url("barrier", cw.amy.pk)).status_code == 405
    for user in ("senco", "teacher", "governor"):
        client.force_login(cw.users[user])
        assert client.post(url("barrier", cw.amy.pk), {"category": "housing"}).status_code == 403
    client.force_login(cw.users["other_head"])
    assert client.post(url("barrier", cw.amy.pk), {"category": "housing"}).status_code == 404
    assert not CaseBarrier.objects.exists()


def test_the_caseload_page_takes_a_fixed_number_of_queries(
    client, cw, django_assert_max_num_queries
):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])
    with django_assert_max_num_queries(20) as few:
        client.get(url("caseload"))
    actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="PA")
    for category in ("health", "send", "housing"):
        actions.add_barrier(actor=cw.users["lead"], case=case, category=category)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("caseload"))
