"""Penalty-notice steps on the casework timeline: one query, every step, dated when it happened."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollbook.casework.queries import timeline
from rollbook.penalties import actions
from rollbook.penalties import timeline as penalty_timeline


def test_each_step_is_a_penalty_event_in_one_query(pn):
    (mum, _dad) = actions.decide(
        alert=pn.alert,
        parents=[pn.mum, pn.dad],
        choice="notice_to_improve",
        on=date(2025, 11, 10),
        improve_by=date(2025, 12, 5),
    )
    actions.advance(notice=mum, to="requested", on=date(2025, 12, 8), la_reference="PN-1")

    with CaptureQueriesContext(connection) as queries:
        events = list(penalty_timeline.events(pn.school, [pn.pia.pk]))

    assert len(queries) == 1
    assert len(events) == 5 and {e["kind"] for e in events} == {"penalty"}
    requested = next(e for e in events if e["title"] == "Penalty notice: requested from the LA")
    assert requested["at"] == date(2025, 12, 8)  # recorded later: shown on the day it happened
    assert requested["detail"] == "Parent: Mary Penn"
    shown = timeline(pn.school, [pn.pia], safeguarding=False, kinds=["penalty"]).events
    assert [e.title for e in shown][:1] == ["Penalty notice: requested from the LA"]
    assert "Penalty notice: notice to improve sent" in [e.title for e in shown]
    assert any("improvement expected by 5 Dec 2025" in e.detail for e in shown)
