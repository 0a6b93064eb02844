"""Letter pages beyond the matrix: the approval gate, the preview partial, batches, filters."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.letters import actions
from rollbook.letters.models import Letter, LetterBatch, LetterStatus, LetterTemplate
from rollbook.letters.tests.conftest import FRIDAY

NOW = "2026-11-20 16:45:00+00:00"


@pytest.fixture
def letters(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    return {
        (x.pupil.legal_forename, x.template_key): x for x in Letter.objects.select_related("pupil")
    }


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


def test_the_list_shows_this_weeks_letters_and_filters_with_an_htmx_partial(
    client, world, letters, django_assert_max_num_queries
):
    _login(client, world, "office")
    url = reverse("letters:list")

    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(12):
            page = client.get(url, {"week": "this", "status": "draft"})
        partial = client.get(url, {"status": "sent"}, HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    assert "Amy Able: a concerning level of absence" in page.content.decode()
    assert "Formal warning: Amy Able" in page.content.decode()
    assert "4 draft letters" in page.content.decode()
    assert partial.content.decode().lstrip().startswith('<div id="letters">')
    assert "No letters match." in partial.content.decode()


def test_only_the_stage_role_or_the_head_may_send_a_formal_warning(client, world, letters):
    warning = letters[("Amy", "formal_warning")]
    url = reverse("letters:send", args=[warning.pk])

    refused = _login(client, world, "office").post(url, {"confirm": "on"})
    sent = _login(client, world, "lead").post(url, {"confirm": "on"})

    assert refused.status_code == 403
    assert sent.status_code == 302
    warning.refresh_from_db()
    assert (warning.status, warning.sent_by) == (LetterStatus.SENT, world.users["lead"])
    assert warning.policy_action.status == "done"


def test_sending_without_confirming_re_renders_the_form_and_writes_nothing(client, world, letters):
    letter = letters[("Amy", "stage_1_letter")]
    url = reverse("letters:send", args=[letter.pk])
    _login(client, world, "office")

    page = client.post(url, {})
    partial = client.post(url, {}, HTTP_HX_REQUEST="true")

    assert page.status_code == partial.status_code == 200
    assert "Confirm that the letter has gone to the family." in page.content.decode()
    assert partial.content.decode().lstrip().startswith('<div id="letter-forms">')
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT
    assert client.get(url).status_code == 405


def test_withdrawing_through_htmx_redirects_to_the_letter(client, world, letters):
    letter = letters[("Amy", "stage_1_letter")]
    _login(client, world, "office")

    response = client.post(
        reverse("letters:withdraw", args=[letter.pk]),
        {"reason": "Sent by hand at the meeting instead"},
        HTTP_HX_REQUEST="true",
    )

    assert response.headers["HX-Redirect"] == reverse("letters:detail", args=[letter.pk])
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.WITHDRAWN
    page = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert "Sent by hand at the meeting instead" in page
    assert "Mark as sent" not in page


def test_another_schools_letter_is_not_found_and_a_missing_pdf_redirects(client, world, letters):
    letter = letters[("Amy", "stage_1_letter")]

    hidden = _login(client, world, "other_head").get(reverse("letters:detail", args=[letter.pk]))
    pdf = _login(client, world, "office").get(reverse("letters:pdf", args=[letter.pk]))

    assert hidden.status_code == 404
    assert pdf.status_code == 302 and pdf["Location"] == reverse("letters:detail", args=[letter.pk])


def test_the_template_editor_previews_with_htmx_and_without_js_then_saves(client, world):
    url = reverse("letters:template_edit", args=["stage_1_letter"])
    _login(client, world, "lead")
    text = {"subject": "{{ pupil_name }}", "body": "Dear {{ salutation }},\n\nHello"}

    page = client.get(url)
    live = client.post(url, text, HTTP_HX_REQUEST="true")
    no_js = client.post(url, {**text, "preview": "1"})
    bad = client.post(url, {**text, "body": "{{ pupil_nmae }}", "save": "1"})
    saved = client.post(url, {**text, "save": "1"})

    assert "a concerning level of absence" in page.content.decode()  # the default text
    assert live.content.decode().lstrip().startswith('<div id="preview"')
    assert "Dear Ms Sample and Mr Sample," in live.content.decode()
    assert "<html" not in live.content.decode()
    assert "Dear Ms Sample and Mr Sample," in no_js.content.decode()
    assert "<html" in no_js.content.decode()
    assert "Unknown merge field {{ pupil_nmae }}" in bad.content.decode()
    assert saved.status_code == 302
    saved_row = LetterTemplate.objects.get(school=world.school)
    assert (saved_row.key, saved_row.version, saved_row.body) == ("stage_1_letter", 1, text["body"])
    assert AuditEvent.objects.filter(kind="letter_template.saved").count() == 1


def test_the_office_reads_templates_but_cannot_edit_them(client, world):
    _login(client, world, "office")

    listed = client.get(reverse("letters:templates"))
    edit = client.get(reverse("letters:template_edit", args=["stage_1_letter"]))
    unknown = _login(client, world, "lead").get(
        reverse("letters:template_edit", args=["no_such_letter"])
    )

    assert listed.status_code == 200
    assert "formal_warning" in listed.content.decode()
    assert "Long-term illness" in listed.content.decode()
    assert edit.status_code == 403
    assert unknown.status_code == 404


def test_a_weeks_drafts_become_one_pdf_to_print_and_one_per_family(
    client, world, letters, django_capture_on_commit_callbacks
):
    Letter.objects.exclude(pupil=world.amy).update(status=LetterStatus.WITHDRAWN)
    _login(client, world, "office")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:batch_create"), {"week": "2026-11-18"})

    batch = LetterBatch.objects.get()
    assert response["Location"] == reverse("letters:batch", args=[batch.pk])
    assert batch.status == "ready" and batch.letters.count() == 2
    combined = client.get(reverse("letters:batch_combined", args=[batch.pk]))
    assert combined.content.startswith(b"%PDF")
    zipped = client.get(reverse("letters:batch_families", args=[batch.pk]))
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert len(names) == 1 and names[0].startswith("001-able-family")
    assert AuditEvent.objects.filter(kind="letter_batch.created").count() == 1
    empty = client.post(reverse("letters:batch_create"), {"week": "2026-11-02"})
    assert "There are no draft letters in that week." in empty.content.decode()
