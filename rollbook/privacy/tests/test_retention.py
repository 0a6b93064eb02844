"""Retention: the dry-run report, anonymising leavers past retention, and the command."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command

from rollbook.absences.models import ContactAttempt
from rollbook.casework.models import Case, CaseNote
from rollbook.core.models import AuditEvent
from rollbook.privacy import rules
from rollbook.privacy.actions import apply_retention
from rollbook.privacy.retention import plan
from rollbook.privacy.tests.conftest import TODAY
from rollbook.pupils.models import Contact, Pupil
from rollbook.registers.models import Mark
from rollbook.registers.rules import summarise
from rollbook.reports.statistics import grouped, pupil_stats


def _statistics(school):
    stats = pupil_stats(school, date(2019, 4, 1), date(2026, 12, 31))
    return (
        sorted(repr(s.tally) for s in stats),
        summarise([s.tally for s in stats]),
        grouped(stats, "year"),
        grouped(stats, "class"),
    )


def test_the_dry_run_counts_by_category_and_changes_nothing(world):
    before = sorted(Pupil.objects.values_list("pk", "legal_surname", "upn"))

    report = plan(world.school, TODAY).report

    by_key = {c.rule.key: c for c in report.categories}
    assert report.pupil_ids == tuple(sorted((world.leaver.pk, world.loner.pk)))
    assert (by_key["pupils"].held, by_key["pupils"].to_change) == (3, 2)
    assert by_key["contacts"].to_change == 1  # the loner's father; not the shared mother
    assert by_key["registers"].past_retention == 8  # the 2019 marks
    assert by_key["registers"].to_change == 0  # kept for statistics
    assert by_key["safeguarding"].held == by_key["safeguarding"].past_retention == 1
    assert by_key["messages"].to_change == 1  # the 2019 call's note
    assert sorted(Pupil.objects.values_list("pk", "legal_surname", "upn")) == before
    assert not AuditEvent.objects.filter(kind__startswith="privacy.").exists()


def test_applying_anonymises_leavers_and_keeps_statistics_and_safeguarding(world):
    Pupil.objects.filter(pk=world.leaver.pk).update(evidence_required=True)  # about health
    stats_before = _statistics(world.school)
    marks_before = sorted(Mark.objects.values_list("pk", "pupil_id", "date", "session", "code"))

    report = apply_retention(actor_label="test", school=world.school, today=TODAY)

    leaver = Pupil.objects.get(pk=world.leaver.pk)
    assert leaver.display_name == f"Former pupil {leaver.pk}"
    assert (leaver.preferred_forename, leaver.upn) == ("", rules.anonymous_upn(leaver.pk))
    assert leaver.date_of_birth == date(2008, 9, 1)  # the birth term, not the day
    assert not leaver.cp_plan and leaver.fsm  # sensitive flag cleared, statistics field kept
    assert not leaver.evidence_required
    # Statistics and marks are unchanged; nothing was deleted.
    assert _statistics(world.school) == stats_before
    assert sorted(Mark.objects.values_list("pk", "pupil_id", "date", "session", "code")) == (
        marks_before
    )
    # The shared mother is kept (the sibling is on roll); the loner's father is wiped.
    mother = Contact.objects.get(pk=world.mother.pk)
    assert (mother.forename, mother.mobile_phone) == ("Mara", "07700 900001")
    dad = Contact.objects.get(pk=world.loner_dad.pk)
    assert (dad.forename, dad.surname, dad.mobile_phone, dad.email) == (
        "Former contact",
        str(dad.pk),
        "",
        "",
    )
    # Free text redacted; the safeguarding note left for the DSL.
    assert CaseNote.objects.get(pk=world.case_note_id).text == rules.REDACTED
    assert CaseNote.objects.get(pk=world.safeguarding_note_id).text.startswith("Disclosure")
    assert Case.objects.get(pupil=world.leaver).opened_reason == rules.REDACTED
    assert ContactAttempt.objects.get(pupil=world.leaver).note == rules.REDACTED
    # The sibling is untouched.
    assert Pupil.objects.get(pk=world.sibling.pk).legal_forename == "Sid"
    # One audit row for the run, with counts and no names.
    event = AuditEvent.objects.get(kind="privacy.retention_applied")
    assert event.data["counts"]["pupils"]["to_change"] == 2
    assert sorted(event.data["anonymised_pupil_ids"]) == sorted((world.leaver.pk, world.loner.pk))
    assert "Lorna" not in str(event.data)
    assert report.applied


def test_a_second_run_changes_nothing(world):
    apply_retention(actor_label="test", school=world.school, today=TODAY)

    again = plan(world.school, TODAY).report

    assert again.changes == 0 and again.pupil_ids == ()


def test_the_command_is_a_dry_run_unless_told_to_apply(world, capsys):
    call_command("retention", "--school", world.school.urn, "--today", "2026-11-23")
    out = capsys.readouterr().out
    assert "Dry run: nothing changed" in out and "2024" in out  # the register rule cited
    assert Pupil.objects.get(pk=world.leaver.pk).legal_forename == "Lorna"

    call_command("retention", "--school", world.school.urn, "--today", "2026-11-23", "--apply")
    out = capsys.readouterr().out
    assert "Applied:" in out
    assert Pupil.objects.get(pk=world.leaver.pk).legal_forename == "Former pupil"
    assert AuditEvent.objects.filter(kind="privacy.retention_applied").count() == 1
