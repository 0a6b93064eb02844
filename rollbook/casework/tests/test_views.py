"""Case pages: happy paths, wrong method, wrong user, htmx variants, safeguarding, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.casework import actions
from rollbook.casework.models import Case, CaseNote, CaseStatus
from rollbook.core.models import AuditEvent

SECRET = "Secret disclosure text"


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _case_with_notes(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="Stage reached")
    actions.add_note(actor=cw.users["office"], case=case, text="Called mum", safeguarding=False)
    actions.add_note(actor=cw.users["dsl"], case=case, text=SECRET, safeguarding=True)
    return case


# --- Reading ---------------------------------------------------------------------------------


def test_the_caseload_lists_open_cases_with_stage_owner_and_review(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x", owner=cw.users["office"])
    client.force_login(cw.users["lead"])

    response = client.get(url("caseload"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Amy Able" in text and "Stage 1" in text and "office" in text


def test_the_caseload_filters_mine_owner_and_stage(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x", owner=cw.users["office"])
    actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="x", owner=cw.users["dsl"])
    client.force_login(cw.users["office"])

    mine = client.get(url("caseload"), {"mine": "on"}).content.decode()
    by_owner = client.get(url("caseload"), {"owner": cw.users["dsl"].pk}).context["rows"]
    by_stage = client.get(url("caseload"), {"stage": "Stage 1"}).context["rows"]

    assert "Amy Able" in mine and "Ben Able" not in mine
    assert [r.pupil_name for r in by_owner] == ["Ben Able"]
    assert [r.pupil_name for r in by_stage] == ["Amy Able"]  # Ben has no stage alert


def test_the_caseload_htmx_filter_returns_the_table_only(client, cw):
    client.force_login(cw.users["office"])

    response = client.get(url("caseload"), {"mine": "on"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'id="cases"' in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("name", ["caseload"])
def test_the_caseload_refuses_wrong_method_and_wrong_users(client, cw, name):
    client.force_login(cw.users["office"])
    assert client.post(url(name)).status_code == 405
    for user in ("teacher", "governor"):
        client.force_login(cw.users[user])
        assert client.get(url(name)).status_code == 403
    client.logout()
    assert client.get(url(name)).status_code == 302


def test_the_pupil_page_shows_the_timeline_and_forms_to_writers(client, cw):
    _case_with_notes(cw)
    client.force_login(cw.users["office"])

    response = client.get(url("pupil", cw.amy.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Case opened" in text and "Called mum" in text and "Alert: Stage 1" in text
    assert f'action="{url("note", cw.amy.pk)}"' in text


def test_the_senco_reads_the_timeline_without_forms(client, cw):
    _case_with_notes(cw)
    client.force_login(cw.users["senco"])

    text = client.get(url("pupil", cw.amy.pk)).content.decode()

    assert "Called mum" in text and url("note", cw.amy.pk) not in text


@pytest.mark.parametrize("user", ["office", "lead", "head", "senco"])
def test_a_safeguarding_note_never_reaches_anyone_but_the_dsl(client, cw, user):
    _case_with_notes(cw)
    client.force_login(cw.users[user])

    pupil_page = client.get(url("pupil", cw.amy.pk)).content.decode()
    family_page = client.get(url("family", cw.amy.family_id)).content.decode()

    assert SECRET not in pupil_page and SECRET not in family_page
    assert "Called mum" in pupil_page
    assert not AuditEvent.objects.filter(kind="safeguarding_note.read").exists()


def test_the_dsl_reads_safeguarding_notes_and_each_read_is_audited(client, cw):
    _case_with_notes(cw)
    client.force_login(cw.users["dsl"])

    text = client.get(url("pupil", cw.amy.pk)).content.decode()

    assert SECRET in text
    read = AuditEvent.objects.get(kind="safeguarding_note.read")
    assert (read.actor, read.pupil_id) == (cw.users["dsl"], cw.amy.pk)
    client.get(url("family", cw.amy.family_id))
    assert AuditEvent.objects.filter(kind="safeguarding_note.read").count() == 2
    # Filtered to calls only, no safeguarding note is shown, so no read is recorded.
    client.get(url("pupil", cw.amy.pk), {"kind": "contact"})
    assert AuditEvent.objects.filter(kind="safeguarding_note.read").count() == 2


def test_the_timeline_filter_works_without_js_and_as_an_htmx_partial(client, cw):
    _case_with_notes(cw)
    client.force_login(cw.users["office"])

    page = client.get(url("pupil", cw.amy.pk), {"kind": "note"})
    partial = client.get(url("pupil", cw.amy.pk), {"kind": "note"}, headers={"HX-Request": "true"})

    assert [e.kind for e in page.context["events"]] == ["note"]
    assert "<html" in page.content.decode()
    text = partial.content.decode()
    assert 'id="timeline"' in text and "Called mum" in text and "<html" not in text
    assert "Case opened" not in text


def test_the_pupil_and_family_pages_refuse_wrong_users(client, cw):
    for name, arg in (("pupil", cw.ben.pk), ("family", cw.amy.family_id)):
        for user in ("teacher", "governor"):  # the teacher teaches Amy's class, not Ben's
            client.force_login(cw.users[user])
            assert client.get(url(name, arg)).status_code == 403, (name, user)
        client.force_login(cw.users["other_head"])
        assert client.get(url(name, arg)).status_code == 404
        client.force_login(cw.users["office"])
        assert client.post(url(name, arg)).status_code == 405
        client.logout()
        assert client.get(url(name, arg)).status_code == 302


def test_another_schools_pupil_and_family_are_hidden(client, cw):
    client.force_login(cw.users["office"])

    assert client.get(url("pupil", cw.zed.pk)).status_code == 404
    assert client.get(url("family", cw.zed.family_id)).status_code == 404
    assert client.post(url("open", cw.zed.pk), {"reason": "x"}).status_code == 404


def test_the_family_view_shows_each_child_side_by_side_and_interleaves(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="Sibling")
    _case_with_notes(cw)
    client.force_login(cw.users["head"])

    response = client.get(url("family", cw.amy.family_id))

    assert response.status_code == 200
    assert [c.name for c in response.context["children"]] == ["Ben Able", "Amy Able"]
    assert {e.pupil_name for e in response.context["events"]} == {"Amy Able", "Ben Able"}


def test_page_queries_do_not_grow_with_the_number_of_events(
    client, cw, django_assert_max_num_queries
):
    case = _case_with_notes(cw)
    client.force_login(cw.users["dsl"])
    with django_assert_max_num_queries(40) as few:
        client.get(url("pupil", cw.amy.pk))
    with django_assert_max_num_queries(45) as few_family:  # + the allocation form's choices
        client.get(url("family", cw.amy.family_id))
    for i in range(15):
        actions.add_note(actor=cw.users["dsl"], case=case, text=f"n{i}", safeguarding=True)
        actions.add_note(actor=cw.users["office"], case=case, text=f"m{i}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("pupil", cw.amy.pk))
    with django_assert_max_num_queries(len(few_family.captured_queries)):
        client.get(url("family", cw.amy.family_id))


# --- Writing ---------------------------------------------------------------------------------


def test_opening_a_case_from_the_page_redirects_and_is_audited(client, cw):
    client.force_login(cw.users["dsl"])

    response = client.post(
        url("open", cw.amy.pk), {"reason": "Concern", "owner": cw.users["office"].pk}
    )

    assert response.status_code == 302 and response["Location"] == url("pupil", cw.amy.pk)
    case = Case.objects.get()
    assert (case.owner, case.opened_by) == (cw.users["office"], cw.users["dsl"])
    assert AuditEvent.objects.filter(kind="case.opened", actor=cw.users["dsl"]).exists()


def test_an_invalid_form_re_renders_with_the_error_summary_and_writes_nothing(client, cw):
    client.force_login(cw.users["office"])

    response = client.post(url("open", cw.amy.pk), {"reason": ""})
    htmx = client.post(url("open", cw.amy.pk), {"reason": ""}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert htmx.status_code == 200 and 'id="case-forms"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert not Case.objects.exists()


def test_a_second_open_is_refused_on_the_page(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")
    client.force_login(cw.users["office"])

    response = client.post(url("open", cw.amy.pk), {"reason": "again"})

    assert response.status_code == 200 and "already has an open case" in response.content.decode()
    assert Case.objects.count() == 1


def test_assign_note_and_close_from_the_page(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")
    client.force_login(cw.users["lead"])

    r1 = client.post(
        url("assign", cw.amy.pk), {"owner": cw.users["dsl"].pk, "next_review_on": "2026-12-07"}
    )
    r2 = client.post(url("note", cw.amy.pk), {"text": "Home visit booked"})
    r3 = client.post(
        url("note", cw.amy.pk),
        {"text": SECRET, "safeguarding": "on"},
        headers={"HX-Request": "true"},
    )
    r4 = client.post(url("close", cw.amy.pk), {"reason": "Improved"})

    assert [r.status_code for r in (r1, r2, r4)] == [302, 302, 302]
    assert r3.status_code == 200 and r3["HX-Redirect"] == url("pupil", cw.amy.pk)
    case = Case.objects.get()
    assert (case.owner, case.status) == (cw.users["dsl"], CaseStatus.CLOSED)
    assert list(CaseNote.objects.order_by("id").values_list("safeguarding", flat=True)) == [
        False,
        True,
    ]
    # The lead wrote the safeguarding note but cannot read it back.
    assert SECRET not in client.get(url("pupil", cw.amy.pk)).content.decode()


def test_writes_without_an_open_case_are_refused_on_the_page(client, cw):
    client.force_login(cw.users["office"])

    response = client.post(url("close", cw.amy.pk), {"reason": "x"})

    assert response.status_code == 200 and "no open case" in response.content.decode()


@pytest.mark.parametrize("name", ["open", "assign", "close", "note"])
def test_writes_refuse_get_and_readers_who_may_not_write(client, cw, name):
    client.force_login(cw.users["office"])
    assert client.get(url(name, cw.amy.pk)).status_code == 405
    for user in ("senco", "teacher", "governor"):
        client.force_login(cw.users[user])
        assert client.post(url(name, cw.amy.pk), {"reason": "x", "text": "x"}).status_code == 403
    client.logout()
    assert client.post(url(name, cw.amy.pk)).status_code == 302
    assert not Case.objects.exists()
