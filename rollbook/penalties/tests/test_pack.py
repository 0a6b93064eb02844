"""The LA evidence pack's data: a hand-built case for `assemble`, and `build_pack` on a
small case gathered through the casework timeline."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from rollbook.casework.rules import TimelineEvent
from rollbook.core.tests.factories import aware
from rollbook.penalties import actions, pack
from rollbook.referrals.actions import record_referral
from rollbook.registers.rules import Tally

PUPIL = SimpleNamespace(
    display_name="Pia Penn",
    upn="A123",
    date_of_birth=date(2018, 1, 15),
    registration_group=SimpleNamespace(name="3A"),
)


def _event(day: int, kind: str, title: str, *, month=11, safeguarding=False) -> TimelineEvent:
    return TimelineEvent(
        at=aware(2025, month, day, 10),
        kind=kind,
        title=title,
        detail="",
        by="lead",
        pupil_id=1,
        safeguarding=safeguarding,
    )


def test_assemble_sorts_the_evidence_into_sections_and_flags_recoded_sessions():
    events = [
        _event(20, "penalty", "Penalty notice: requested from the LA"),
        _event(12, "letter", "Letter sent: stage 2"),
        _event(5, "action", "Letter done"),  # a stage letter marked sent on the Alerts page
        _event(6, "action", "Meeting done"),
        _event(7, "meeting", "Meeting held"),
        _event(8, "contact", "Home visit: seen"),
        _event(9, "referral", "Referral made: Early help"),
        _event(9, "referral", "Referral made: Children's social care", safeguarding=True),
        _event(9, "note", "Note"),  # notes are not evidence for the LA
        _event(1, "alert", "Alert: Penalty-notice threshold"),
        _event(20, "letter", "Letter sent last year", month=7),  # before `since`
    ]
    marks = {(date(2025, 11, 3), "AM"): "O", (date(2025, 11, 3), "PM"): "I"}

    built = pack.assemble(
        school_name="Meadow Primary",
        pupil=PUPIL,
        parents=["Mary Penn"],
        first_date=date(2025, 11, 3),
        last_date=date(2025, 11, 7),
        sessions=["2025-11-03 PM", "2025-11-03 AM"],
        marks=marks,
        pn_codes=("G", "O", "U"),
        figures=Tally(attended=30, authorised=2, unauthorised=10),
        figures_from=date(2025, 8, 1),
        figures_to=date(2025, 11, 21),
        events=events,
        since=date(2025, 8, 1),
        notice="Notice 1 for Mary Penn: requested",
        generated_on=date(2025, 11, 21),
    )

    assert [(s.session, s.code, s.counted) for s in built.sessions] == [
        ("AM", "O", True),
        ("PM", "I", False),  # recoded as illness since the decision: shown, not counted
    ]
    assert built.sessions_counted == 1
    assert built.attendance_rate == "71.4%"  # 30 of 42
    sections = {title: [e.title for e in events] for title, events in built.sections}
    assert sections == {
        "Letters sent": ["Letter done", "Letter sent: stage 2"],
        "Meetings held and support offered": ["Meeting done", "Meeting held"],
        "Calls, messages and home visits": ["Home visit: seen"],
        "Referrals": ["Referral made: Early help"],
        "Penalty-notice steps": ["Penalty notice: requested from the LA"],
    }
    text = pack.pack_csv(built)
    assert "session,2025-11-03,PM,I,recoded since: not counted" in text
    assert "social care" not in text


def test_build_pack_gathers_the_casework_timeline_without_safeguarding(pn):
    (notice,) = actions.decide(
        alert=pn.alert, parents=[pn.mum], choice="warning_letter", on=date(2025, 11, 10)
    )
    record_referral(
        actor_label="lead",
        pupil=pn.pia,
        kind="ewo",
        made_on=date(2025, 11, 11),
        reason="Ten days unauthorised",
        agency_reference="EWO-9",
        safeguarding=False,
    )
    record_referral(
        actor_label="dsl",
        pupil=pn.pia,
        kind="social_care",
        made_on=date(2025, 11, 12),
        reason="Concern at home",
        safeguarding=True,
    )

    built = pack.build_pack(pn.pia, notice, date(2025, 11, 21))

    assert built.parents == ("Mary Penn",)
    assert len(built.sessions) == built.sessions_counted == 10
    assert built.figures.unauthorised == 10
    sections = dict(built.sections)
    assert [e.title for e in sections["Referrals"]] == [
        "Referral made: Education welfare officer (EWO)"
    ]
    assert [e.title for e in sections["Penalty-notice steps"]] == [
        "Penalty notice: considered",
        "Penalty notice: warning letter sent",
    ]
    assert "warning letter" in built.notice
    assert "Concern at home" not in pack.pack_html(built)
