"""Registration-duty actions: LA notices, EHE, deletions (refused until the ground is met),
CME concerns and the daily check (idempotent, state in the database)."""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.admissions import actions
from rollbook.admissions.models import (
    AdmissionEntry,
    CmeConcern,
    CmeReason,
    Deletion,
    DeletionStatus,
    EnquiryKind,
    Ground,
)
from rollbook.admissions.rules import RegistrationRuleError
from rollbook.admissions.tests.conftest import code_days
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import make_pupil
from rollbook.leave.actions import create_leave_request, decide_leave_request
from rollbook.policy.actions import adopt_policy
from rollbook.policy.models import ActionStatus, Alert, AlertStatus
from rollbook.policy.schema import PRESETS
from rollbook.pupils.actions import add_contact


def test_admission_on_a_monday_creates_an_la_notice_due_five_school_days_later(rw):
    """S002-16: admitted Mon 3 Nov 2025 -> due Mon 10 Nov; the task turns overdue after."""
    new = make_pupil(rw.school, admission_date=date(2025, 11, 3))
    created = actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 3))
    entry = AdmissionEntry.objects.get(pupil=new)
    assert (entry.la_notice_required, entry.la_notice_due_on) == (True, date(2025, 11, 10))
    [alert] = created
    assert alert.kind == "la_new_pupil_notice"
    [task] = alert.actions.all()
    assert (task.due_on, task.status, task.role) == (date(2025, 11, 10), "open", "office")
    # Idempotent: a second run (or the next day's) creates nothing.
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 4)) == []
    assert AdmissionEntry.objects.filter(pupil=new).count() == 1

    actions.record_la_notified(
        actor=rw.users["office"],
        entry=entry,
        notified_on=date(2025, 11, 5),
        today=date(2025, 11, 5),
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DONE
    assert alert.actions.get().status == ActionStatus.DONE
    event = AuditEvent.objects.get(kind="admission.la_notified")
    assert event.data["late"] is False
    with pytest.raises(RegistrationRuleError, match="already been told"):
        actions.record_la_notified(
            actor=rw.users["office"],
            entry=entry,
            notified_on=date(2025, 11, 5),
            today=date(2025, 11, 5),
        )


def test_preset_002_counts_the_la_notice_in_school_days_across_half_term(rw):
    text = (PRESETS / "002_st_dunstans.toml").read_text()
    adopt_policy(actor_label="test", school=rw.school, text=text, source="002")
    new = make_pupil(rw.school, admission_date=date(2025, 10, 24))  # the Friday before half-term
    entry = actions.record_admission(actor_label="test", pupil=new)
    assert entry.la_notice_due_on == date(2025, 11, 7)


def test_no_la_notice_for_reception_starting_in_september(rw):
    new = make_pupil(rw.school, admission_date=date(2025, 9, 1), year_group="R", class_name="RA")
    entry = actions.record_admission(actor_label="test", pupil=new)
    assert (entry.la_notice_required, entry.la_notice_due_on) == (False, None)
    assert not Alert.objects.filter(pupil=new).exists()


def test_ground_i_deletion_is_refused_until_met_then_sets_the_leaving_date(rw):
    head, rex = rw.users["head"], rw.rex
    # O from Mon 13 Oct 2025: the 20th school day (half-term skipped) is Fri 14 Nov.
    code_days(rex, date(2025, 10, 13), date(2025, 11, 14), "O")
    kwargs = {
        "actor": head,
        "pupil": rex,
        "ground": Ground.GROUND_I,
        "la_notified_on": date(2025, 11, 13),
        "no_sickness_or_unavoidable_cause": True,
    }
    on_13th = {"ground_met_on": date(2025, 11, 13), "removed_on": date(2025, 11, 13)}
    with pytest.raises(RegistrationRuleError) as refused:
        actions.record_deletion(**kwargs, **on_13th, today=date(2025, 11, 13))
    assert "Ground I is not met: 19 consecutive school days" in str(refused.value)
    assert "jointly with the LA" in str(refused.value)

    concern = actions.open_cme_concern(
        actor=head,
        pupil=rex,
        opened_on=date(2025, 10, 20),
        reason=CmeReason.UNEXPLAINED_ABSENCE,
        today=date(2025, 10, 20),
    )
    actions.record_enquiry(
        actor=head,
        concern=concern,
        made_on=date(2025, 10, 20),
        kind=EnquiryKind.HOME_VISIT,
        details="No answer; neighbours say the family left",
        today=date(2025, 10, 20),
    )
    actions.record_enquiry(
        actor=head,
        concern=concern,
        made_on=date(2025, 11, 4),
        kind=EnquiryKind.LA_CME_OFFICER,
        details="Joint checks with the LA CME officer: not found",
        la_reference="CME-77",
        today=date(2025, 11, 4),
    )
    concern.refresh_from_db()
    assert (concern.referred_to_la_on, concern.la_reference) == (date(2025, 11, 4), "CME-77")

    on_14th = {"ground_met_on": date(2025, 11, 14), "removed_on": date(2025, 11, 14)}
    deletion = actions.record_deletion(
        **kwargs, **on_14th, today=date(2025, 11, 14), destination_unknown=True
    )
    rex.refresh_from_db()
    assert (deletion.status, rex.leaving_date) == (DeletionStatus.REMOVED, date(2025, 11, 14))
    assert AuditEvent.objects.filter(kind="pupil.deleted_from_register", pupil_id=rex.pk).exists()
    # Only one concern may be open: the open one stands for the unknown destination.
    assert CmeConcern.objects.filter(pupil=rex, closed_on__isnull=True).count() == 1
    with pytest.raises(RegistrationRuleError, match="already been deleted"):
        actions.record_deletion(**kwargs, **on_14th, today=date(2025, 11, 14))


def test_a_deletion_is_never_backdated_and_needs_the_la_told_first(rw):
    with pytest.raises(RegistrationRuleError) as refused:
        actions.record_deletion(
            actor=rw.users["head"],
            pupil=rw.rex,
            ground=Ground.MOVED_AWAY,
            ground_met_on=date(2025, 11, 3),
            removed_on=date(2025, 11, 3),
            la_notified_on=None,
            evidence="Moved to Leeds",
            today=date(2025, 11, 5),
        )
    assert "never backdated" in str(refused.value)
    assert "Tell the LA first" in str(refused.value)
    rw.rex.refresh_from_db()
    assert rw.rex.leaving_date is None and not Deletion.objects.exists()


def test_moving_away_with_no_known_destination_opens_a_cme_concern(rw):
    """S002-105: removing a pupil with destination unknown forces a CME concern."""
    actions.record_deletion(
        actor=rw.users["head"],
        pupil=rw.rex,
        ground=Ground.MOVED_AWAY,
        ground_met_on=date(2025, 11, 5),
        removed_on=date(2025, 11, 5),
        la_notified_on=date(2025, 11, 5),
        evidence="House empty; landlord says they moved away",
        destination_unknown=True,
        today=date(2025, 11, 5),
    )
    concern = CmeConcern.objects.get(pupil=rw.rex)
    assert (concern.reason, concern.opened_on) == (CmeReason.UNKNOWN_DESTINATION, date(2025, 11, 5))


def test_ehe_notice_proposes_an_off_roll_entry_and_a_task_to_tell_the_la(rw):
    """S002-17: recording EHE creates an LA notification task and an off-roll entry "EHE"."""
    head, rex = rw.users["head"], rw.rex
    actions.record_ehe_notice(
        actor=rw.users["office"],
        pupil=rex,
        received_on=date(2025, 11, 3),
        home_education_from=date(2025, 11, 10),
        today=date(2025, 11, 3),
    )
    proposal = Deletion.objects.get(pupil=rex)
    assert (proposal.ground, proposal.status) == (Ground.HOME_EDUCATION, DeletionStatus.PROPOSED)
    alert = Alert.objects.get(pupil=rex, kind="la_deletion_notice")
    assert alert.actions.get().due_on == date(2025, 11, 10)
    with pytest.raises(RegistrationRuleError, match="home educated from 10 November 2025"):
        actions.record_deletion(
            actor=head,
            pupil=rex,
            ground=Ground.HOME_EDUCATION,
            ground_met_on=date(2025, 11, 3),
            removed_on=date(2025, 11, 7),
            la_notified_on=date(2025, 11, 4),
            today=date(2025, 11, 7),
        )
    actions.record_deletion(
        actor=head,
        pupil=rex,
        ground=Ground.HOME_EDUCATION,
        ground_met_on=date(2025, 11, 3),
        removed_on=date(2025, 11, 10),
        la_notified_on=date(2025, 11, 4),
        today=date(2025, 11, 10),
    )
    proposal.refresh_from_db()
    alert.refresh_from_db()
    assert (proposal.status, proposal.removed_on) == (DeletionStatus.REMOVED, date(2025, 11, 10))
    assert alert.status == AlertStatus.DONE


def _granted_leave(rw, first: date, last: date) -> None:
    parent = add_contact(
        actor_label="test",
        school=rw.school,
        pupils=[rw.rex],
        forename="Pat",
        surname="Reed",
        relationship="Mother",
    )
    leave = create_leave_request(
        actor=None,
        school=rw.school,
        pupils=[rw.rex],
        requested_by=parent,
        requested_on=date(2025, 9, 15),
        first_date=first,
        last_date=last,
        reason="exceptional",
        reason_text="A family funeral abroad",
    )
    decide_leave_request(
        actor=rw.users["head"],
        leave=leave,
        decision="granted",
        reason="Exceptional",
        on=date(2025, 9, 16),
        exceptional=True,
    )


def test_failure_to_return_alert_then_ground_h_across_half_term(rw):
    """S002-85: leave 20-24 Oct 2025; not back on Mon 3 Nov -> failure-to-return alert; after
    10 school days (Fri 14 Nov) an off-roll proposal task for ground H. Both once only."""
    _granted_leave(rw, date(2025, 10, 20), date(2025, 10, 24))
    code_days(rw.rex, date(2025, 11, 3), date(2025, 11, 14), "O")
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 10, 31)) == []
    [alert] = actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 3))
    assert (alert.kind, alert.met_on) == ("failure_to_return", date(2025, 11, 3))
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 13)) == []
    [ground_h] = actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 14))
    assert (ground_h.kind, ground_h.met_on) == ("deletion_ground_h", date(2025, 11, 14))
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 14)) == []


def test_a_pupil_back_after_leave_raises_nothing(rw):
    _granted_leave(rw, date(2025, 10, 20), date(2025, 10, 24))
    code_days(rw.rex, date(2025, 11, 3), date(2025, 11, 3), "/")
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 20)) == []


def test_only_one_open_cme_concern_and_closing_needs_an_outcome(rw):
    office = rw.users["office"]
    concern = actions.open_cme_concern(
        actor=office,
        pupil=rw.rex,
        opened_on=date(2025, 11, 3),
        reason=CmeReason.PLACE_NOT_TAKEN_UP,
        today=date(2025, 11, 3),
    )
    with pytest.raises(RegistrationRuleError, match="already has an open"):
        actions.open_cme_concern(
            actor=office,
            pupil=rw.rex,
            opened_on=date(2025, 11, 3),
            reason=CmeReason.OTHER,
            today=date(2025, 11, 3),
        )
    with pytest.raises(RegistrationRuleError, match="outcome"):
        actions.close_cme_concern(
            actor=office,
            concern=concern,
            closed_on=date(2025, 11, 4),
            outcome=" ",
            today=date(2025, 11, 4),
        )
    actions.close_cme_concern(
        actor=office,
        concern=concern,
        closed_on=date(2025, 11, 4),
        outcome="Found on roll at Hill Primary",
        today=date(2025, 11, 4),
    )
    assert not CmeConcern.objects.get().is_open


def test_preset_002_asks_for_cme_checks_when_a_new_pupil_never_comes(rw):
    """S002-103: admitted Mon 3 Nov 2025, no attendance that day -> one "CME checks" task."""
    text = (PRESETS / "002_st_dunstans.toml").read_text()
    adopt_policy(actor_label="test", school=rw.school, text=text, source="002")
    new = make_pupil(rw.school, admission_date=date(2025, 11, 3))
    code_days(new, date(2025, 11, 3), date(2025, 11, 3), "N")
    created = actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 3))
    assert sorted(a.kind for a in created) == ["cme_place_not_taken_up", "la_new_pupil_notice"]
    assert actions.check_registration_duties(school=rw.school, as_of=date(2025, 11, 4)) == []
