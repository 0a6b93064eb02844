"""Penalty-notice actions: the decision, the road to payment, the caps, with hand-built cases."""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.core.models import AuditEvent
from rollbook.penalties import actions
from rollbook.penalties.models import PenaltyNotice
from rollbook.penalties.rules import PenaltyError
from rollbook.penalties.tests.conftest import issued_notice

DECIDED = date(2025, 11, 10)


def test_the_lead_asks_the_la_for_a_notice_per_parent_and_the_alert_is_done(pn):
    notices = actions.decide(
        actor=pn.users["lead"],
        alert=pn.alert,
        parents=[pn.mum, pn.dad],
        choice="request",
        on=DECIDED,
    )

    assert [n.parent for n in notices] == [pn.mum, pn.dad]
    mum = notices[0]
    assert (mum.status, mum.requested_on, mum.sessions_counted) == ("requested", DECIDED, 10)
    assert (mum.first_date, mum.last_date) == (date(2025, 11, 3), date(2025, 11, 7))
    assert [s.status for s in mum.steps.all()] == ["considered", "requested"]
    pn.alert.refresh_from_db()
    assert pn.alert.status == "done"
    kinds = list(
        AuditEvent.objects.filter(pupil_id=pn.pia.pk, kind__startswith="penalty_notice.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["penalty_notice.considered", "penalty_notice.requested"] * 2


def test_a_notice_to_improve_then_request_issue_and_late_payment_at_160(pn):
    (notice,) = actions.decide(
        actor=pn.users["lead"],
        alert=pn.alert,
        parents=[pn.mum],
        choice="notice_to_improve",
        on=DECIDED,
        improve_by=date(2025, 12, 5),
    )
    assert (notice.status, notice.warning_kind) == ("warned", "notice_to_improve")

    actions.advance(notice=notice, to="requested", on=date(2025, 12, 8), actor_label="lead")
    actions.advance(
        notice=notice,
        to="issued",
        on=date(2026, 1, 5),
        received_on=date(2026, 1, 7),
        la_reference="PN-123",
        actor_label="LA",
    )
    notice.refresh_from_db()
    assert (notice.rate, notice.la_reference) == ("first", "PN-123")
    # Received 7 Jan: £80 to 28 Jan, £160 to 4 Feb. Paid 29 Jan: £160.
    actions.advance(notice=notice, to="paid", on=date(2026, 1, 29), actor_label="LA")

    notice.refresh_from_db()
    assert (notice.status, notice.amount_paid) == ("paid", 160)
    assert AuditEvent.objects.get(kind="penalty_notice.paid").data["amount"] == 160


def test_payment_after_28_days_is_refused(pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    actions.advance(notice=notice, to="issued", on=date(2025, 12, 1))

    with pytest.raises(PenaltyError, match="prosecution or a withdrawal"):
        actions.advance(notice=notice, to="paid", on=date(2025, 12, 30))

    actions.advance(notice=notice, to="prosecution", on=date(2026, 1, 5), reason="Unpaid")
    assert PenaltyNotice.objects.get(pk=notice.pk).status == "prosecution"


def test_a_second_notice_within_three_years_is_at_the_higher_rate(pn):
    issued_notice(pn.pia, pn.mum, offence=date(2024, 10, 1), issued=date(2024, 10, 20))
    (mum, dad) = actions.decide(
        alert=pn.alert, parents=[pn.mum, pn.dad], choice="request", on=DECIDED
    )

    actions.advance(notice=mum, to="issued", on=date(2025, 12, 1))
    actions.advance(notice=dad, to="issued", on=date(2025, 12, 1))

    mum.refresh_from_db()
    dad.refresh_from_db()
    assert (mum.rate, dad.rate) == ("second", "first")  # the cap is per parent
    with pytest.raises(PenaltyError):  # no reduced rate for a second notice: 28 days flat
        actions.advance(notice=mum, to="paid", on=date(2025, 12, 30))
    actions.advance(notice=mum, to="paid", on=date(2025, 12, 2))
    mum.refresh_from_db()
    assert mum.amount_paid == 160


def test_a_third_notice_within_three_years_is_refused_with_other_action(pn):
    issued_notice(pn.pia, pn.mum, offence=date(2023, 12, 1), issued=date(2024, 1, 10))
    issued_notice(pn.pia, pn.mum, offence=date(2024, 10, 1), issued=date(2024, 10, 20))

    with pytest.raises(PenaltyError, match=r"consider other action \(e\.g\. prosecution\)"):
        actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)

    assert not PenaltyNotice.objects.filter(alert=pn.alert).exists()  # all or nothing
    # A warning letter is still possible: the cap is on notices, not on warnings.
    (warned,) = actions.decide(
        alert=pn.alert, parents=[pn.mum], choice="warning_letter", on=DECIDED
    )
    with pytest.raises(PenaltyError, match="other action"):
        actions.advance(notice=warned, to="requested", on=DECIDED)


def test_withdrawn_notices_do_not_count(pn):
    issued_notice(pn.pia, pn.mum, offence=date(2023, 12, 1), issued=date(2024, 1, 10))
    issued_notice(
        pn.pia, pn.mum, offence=date(2024, 10, 1), issued=date(2024, 10, 20), status="withdrawn"
    )

    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    actions.advance(notice=notice, to="issued", on=date(2025, 12, 1))

    notice.refresh_from_db()
    assert notice.rate == "second"


def test_the_cap_is_checked_again_at_issue(pn):
    """Two requests for the same parent and child: the second waits on the first."""
    issued_notice(pn.pia, pn.mum, offence=date(2024, 10, 1), issued=date(2024, 10, 20))
    actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    other = actions.consider(
        pupil=pn.pia,
        parent=pn.mum,
        first_date=date(2025, 11, 3),
        last_date=date(2025, 11, 7),
        sessions=["2025-11-03 AM"],
        on=DECIDED,
    )

    with pytest.raises(PenaltyError, match="awaiting the LA"):
        actions.advance(notice=other, to="requested", on=DECIDED)


def test_not_pursued_needs_a_reason_and_a_decision_is_made_once(pn):
    with pytest.raises(PenaltyError, match="reason"):
        actions.decide(alert=pn.alert, parents=[pn.mum], choice="not_pursued", on=DECIDED)

    actions.decide(
        alert=pn.alert,
        parents=[pn.mum],
        choice="not_pursued",
        on=DECIDED,
        reason="Bereavement in the family",
    )

    assert PenaltyNotice.objects.get().end_reason == "Bereavement in the family"
    with pytest.raises(PenaltyError, match="already been decided"):
        actions.decide(alert=pn.alert, parents=[pn.dad], choice="request", on=DECIDED)


def test_only_a_parent_with_parental_responsibility_gets_a_notice(pn):
    gran = pn.pia.contacts.get(forename="Gran")

    with pytest.raises(PenaltyError, match="parental responsibility"):
        actions.decide(alert=pn.alert, parents=[gran], choice="request", on=DECIDED)


def test_steps_out_of_order_and_future_dates_are_refused(pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)

    with pytest.raises(PenaltyError, match="cannot become"):
        actions.advance(notice=notice, to="paid", on=DECIDED)
    with pytest.raises(PenaltyError, match="future"):
        actions.advance(notice=notice, to="issued", on=date(2099, 1, 1))
    with pytest.raises(PenaltyError, match="before the offence"):
        actions.advance(notice=notice, to="issued", on=date(2025, 11, 6))


def test_with_a_sign_off_role_only_that_role_or_the_head_sends_a_request(pn):
    """S000-27 (preset 000): the Attendance Lead gives final sign-off to every request."""
    from rollbook.policy.actions import adopt_policy

    adopt_policy(
        actor_label="test",
        school=pn.school,
        text='name="000"\nversion=1\n[statutory]\npn_signoff_role="attendance_lead"\n',
        source="test",
    )
    with pytest.raises(PenaltyError, match="attendance lead \\(or the head teacher\\)"):
        actions.decide(
            actor=pn.users["office"], alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED
        )
    (notice,) = actions.decide(
        actor=pn.users["office"],
        alert=pn.alert,
        parents=[pn.mum],
        choice="warning_letter",
        on=DECIDED,
    )

    actions.advance(actor=pn.users["lead"], notice=notice, to="requested", on=DECIDED)

    audit = AuditEvent.objects.get(kind="penalty_notice.requested")
    assert audit.actor == pn.users["lead"] and audit.data["signoff_role"] == "attendance_lead"
