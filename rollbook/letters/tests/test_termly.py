"""S001-29: at the end of term one letter per pupil with the term's attendance, as a print batch."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.calendar import TermDates
from rollbook.core.models import AuditEvent
from rollbook.letters import actions, rules
from rollbook.letters.models import BatchStatus, Letter, LetterBatch
from rollbook.letters.rules import LetterError
from rollbook.letters.tests.conftest import FRIDAY, TERMS
from rollbook.registers.rules import Tally

A1, A2 = TERMS
SPRING = TermDates("Spring 1", date(2027, 1, 5), date(2027, 2, 12))

# --- Pure ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 1), None),  # before the first term
        (date(2026, 9, 2), ("Autumn", date(2026, 9, 2), date(2026, 12, 18))),
        (date(2026, 10, 28), ("Autumn", date(2026, 9, 2), date(2026, 12, 18))),  # half-term
        (date(2026, 12, 18), ("Autumn", date(2026, 9, 2), date(2026, 12, 18))),
        (date(2026, 12, 30), ("Autumn", date(2026, 9, 2), date(2026, 12, 18))),  # just ended
        (date(2027, 1, 5), ("Spring", date(2027, 1, 5), date(2027, 2, 12))),
    ],
)
def test_the_termly_letter_reports_the_whole_term_under_way_or_just_ended(day, expected):
    term = rules.term_for_letters(day, [SPRING, A2, A1])

    assert (term and (term.name, term.start, term.end)) == expected


def test_the_term_key_names_the_academic_year():
    assert rules.term_for_letters(date(2026, 12, 1), TERMS).key == "termly:2026:Autumn"
    assert rules.term_for_letters(date(2027, 1, 6), [*TERMS, SPRING]).key == "termly:2026:Spring"


def test_the_terms_figures_run_to_today_at_the_latest():
    term = rules.TermPeriod("Autumn", date(2026, 9, 2), date(2026, 12, 18))

    values = rules.term_figures(term, Tally(attended=37, authorised=2, unauthorised=1), FRIDAY)

    assert values == {
        "term_name": "Autumn",
        "term_period": "2 September 2026 to 20 November 2026",
        "term_attendance_pct": "92.5%",  # 37 of 40
        "term_days_missed": "1.5",
    }


# --- Against the database -----------------------------------------------------------------------


def test_one_letter_per_pupil_with_the_terms_figure_in_a_batch(world):
    batch = actions.generate_term_letters(
        actor=world.users["office"], school=world.school, today=FRIDAY
    )

    letters = {x.pupil.legal_forename: x for x in batch.letters.select_related("pupil")}
    assert sorted(letters) == ["Amy", "Ben", "Cat"]
    assert batch.title == "Autumn term attendance letters"
    amy = letters["Amy"]
    assert amy.subject == "Amy Able: attendance in the Autumn term"
    assert "attended 60.0% of sessions and missed 2 days" in amy.html  # 6 of 10 sessions
    assert "2 September 2026 to 20 November 2026" in amy.html
    assert "attended 100.0% of sessions and missed 0 days" in letters["Ben"].html
    assert amy.addressed_to == "Mrs Jo Able and Mr Al Able"
    assert {x.period_key for x in letters.values()} == {"termly:2026:Autumn"}
    event = AuditEvent.objects.get(kind="letter.termly_generated")
    assert (event.actor, event.data["letters"]) == (world.users["office"], 3)


def test_a_second_run_in_the_term_makes_no_second_letter(world):
    actions.generate_term_letters(actor=None, school=world.school, today=FRIDAY)

    with pytest.raises(LetterError, match="already has a letter for the Autumn term"):
        actions.generate_term_letters(actor=None, school=world.school, today=FRIDAY)

    assert Letter.objects.filter(template_key="termly_attendance").count() == 3


def test_before_any_term_there_is_nothing_to_report(world):
    with pytest.raises(LetterError, match="No term has started"):
        actions.generate_term_letters(actor=None, school=world.school, today=date(2026, 8, 20))


def test_the_batch_is_queued_for_the_task_that_builds_its_pdfs(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        batch = actions.generate_term_letters(actor=None, school=world.school, today=FRIDAY)

    assert len(callbacks) == 2  # the batch's files, and each letter's own PDF
    assert batch.status == BatchStatus.QUEUED
    assert actions.build_batch(batch=batch)  # what the task does
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    assert bytes(batch.combined_pdf).startswith(b"%PDF")


def test_the_office_prepares_the_termly_letters_from_the_list_page(client, world):
    client.force_login(world.users["office"])
    url = reverse("letters:termly_create")

    with time_machine.travel("2026-11-20 16:45:00+00:00", tick=False):
        listing = client.get(reverse("letters:list")).content.decode()
        response = client.post(url)
        again = client.post(url, follow=True)

    assert f'action="{url}"' in listing
    batch = LetterBatch.objects.get(title="Autumn term attendance letters")
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Letters to print: Autumn term attendance letters" in page
    assert "already has a letter" in again.content.decode()
    assert client.get(url).status_code == 405


def test_the_termly_letters_are_for_office_roles_in_their_own_school(client, world):
    client.force_login(world.users["teacher"])
    assert client.post(reverse("letters:termly_create")).status_code == 403
    client.force_login(world.users["other_head"])
    with time_machine.travel("2026-11-20 16:45:00+00:00", tick=False):
        client.post(reverse("letters:termly_create"))
    assert not Letter.objects.filter(school=world.school, template_key="termly_attendance")
