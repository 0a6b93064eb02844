"""Scheduled campaigns: due dates, audience from the statistics, preview, approval, progress.

Two short half-terms of two school weeks each (20 sessions), so the figures are easy to check
by hand: Amy 18/20 = 90.0 % in Autumn 2 (at the 90 % line, inclusive), Ben 20/20, Cal 16/20 =
80.0 % in Autumn 1 and 19/20 = 95.0 % in Autumn 2 (15 points up).
"""

from datetime import date, timedelta

import pytest

from rollbook.comms import actions, campaigns, rules
from rollbook.comms.models import Campaign, CampaignStatus, Message, MessageTemplate, Status
from rollbook.core.calendar import TermDates
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.pupils.actions import add_contact

pytestmark = pytest.mark.django_db

TERMS = (
    TermDates("Autumn 1", date(2025, 9, 1), date(2025, 9, 12)),
    TermDates("Autumn 2", date(2025, 9, 15), date(2025, 9, 26)),
)
AFTER = date(2025, 9, 29)  # the Monday after Autumn 2 ends
NOW = aware(2025, 9, 29, 7, 0)
POLICY = """name = "t"
version = 1
[comms]
[[comms.campaigns]]
kind = "halfterm_low"
at_or_below_pct = 90
min_possible_sessions = 10
[[comms.campaigns]]
kind = "halfterm_improvement"
improvement_points = 15
min_possible_sessions = 10
[[comms.campaigns]]
kind = "weekly_update"
weekday = "Friday"
"""


def _days(term):
    day, out = term.start, []
    while day <= term.end:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def _marks(pupil, term, absent_sessions):
    sessions = [(d, s) for d in _days(term) for s in ("AM", "PM")]
    add_marks(
        pupil, [(d, s, "O" if i < absent_sessions else "/") for i, (d, s) in enumerate(sessions)]
    )


@pytest.fixture
def school(db):
    school = make_school(name="Meadow Primary", terms=TERMS)
    adopt_policy(actor_label="test", school=school, text=POLICY, source="test")
    amy = make_pupil(school, legal_forename="Amy", family_id="F1", date_of_birth=date(2017, 3, 1))
    ben = make_pupil(school, legal_forename="Ben", family_id="F1", date_of_birth=date(2019, 5, 1))
    cal = make_pupil(school, legal_forename="Cal", family_id="F2")
    for pupil, before, now in ((amy, 0, 2), (ben, 0, 0), (cal, 4, 1)):
        _marks(pupil, TERMS[0], before)
        _marks(pupil, TERMS[1], now)
    add_contact(
        actor_label="test",
        school=school,
        pupils=[amy, ben],
        forename="Mia",
        surname="Mum",
        relationship="Mother",
        mobile_phone="07700900001",
    )
    add_contact(
        actor_label="test",
        school=school,
        pupils=[cal],
        forename="Dan",
        surname="Dad",
        relationship="Father",
        mobile_phone="07700900002",
        preferred_language="Polish",
    )
    return school


def by_kind(school):
    return {c.kind: c for c in Campaign.objects.filter(school=school)}


def test_the_scheduler_prepares_each_due_campaign_once_and_waits_for_approval(school):
    made = actions.schedule_campaigns(school=school, today=AFTER, now=NOW)
    again = actions.schedule_campaigns(school=school, today=AFTER + timedelta(days=1), now=NOW)

    assert sorted(c.kind for c in made) == ["halfterm_improvement", "halfterm_low"]
    assert again == []
    low = by_kind(school)["halfterm_low"]
    assert (low.period_label, low.first_day, low.last_day, low.status) == (
        "Autumn 2",
        date(2025, 9, 15),
        date(2025, 9, 26),
        CampaignStatus.AWAITING_APPROVAL,
    )
    assert not Message.objects.exists()


def test_the_preview_names_the_audience_from_the_statistics_one_message_per_family(school):
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)
    low, up = by_kind(school)["halfterm_low"], by_kind(school)["halfterm_improvement"]

    low_preview, up_preview = campaigns.preview(low), campaigns.preview(up)

    assert [(n.first_name, n.pct) for n in low_preview.audience] == [("Amy", "90.0%")]
    assert [d.body for d in low_preview.drafts] == [
        "Meadow Primary: attendance for Autumn 2: Amy 90.0%, which is 90% or below. We would "
        "like to help: please contact the school office so we can talk about support."
    ]
    assert [(n.first_name, n.pct) for n in up_preview.audience] == [("Cal", "95.0%")]
    assert up_preview.drafts[0].template.language == "pl"
    assert up_preview.drafts[0].body.startswith("Meadow Primary: gratulacje! Frekwencja (Cal)")


def test_the_weekly_update_names_every_child_of_a_family_together(school):
    friday = date(2025, 9, 26)

    actions.schedule_campaigns(school=school, today=friday, now=aware(2025, 9, 26, 7, 0))

    weekly = by_kind(school)["weekly_update"]
    assert (weekly.period_key, weekly.period_label) == ("2025-W39", "w/c 22 September")
    bodies = sorted(d.body for d in campaigns.preview(weekly).drafts)
    assert bodies[0].startswith(
        "Meadow Primary: attendance this school year, w/c 22 September: Amy 94.7% and Ben 100.0%."
    )  # Amy: 36 of 38 sessions to Thursday 25 September
    assert bodies[1].startswith("Meadow Primary: frekwencja w tym roku szkolnym")


def test_approving_queues_the_preview_once_and_progress_counts_by_status(school, fake_channel):
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)
    low = by_kind(school)["halfterm_low"]
    preview = campaigns.preview(low)

    queued = actions.approve_campaign(campaign=low, now=NOW, actor_label="head")
    twice = actions.approve_campaign(campaign=low, now=NOW, actor_label="head")
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)

    assert [m.body for m in queued] == [d.body for d in preview.drafts] and twice == []
    assert Message.objects.filter(campaign=low).count() == 1
    assert campaigns.progress(low) == {"queued": 1}
    actions.send_due_messages(now=aware(2025, 9, 29, 9, 0))
    assert campaigns.progress(low) == {"sent": 1}
    assert [o.recipient for o in fake_channel.sent] == ["07700900001"]
    approved = AuditEvent.objects.get(kind="campaign.approved")
    assert (approved.actor_label, approved.data["queued"]) == ("head", 1)


def test_auto_approve_queues_without_a_person(school):
    adopt_policy(
        actor_label="test",
        school=school,
        text=POLICY.replace(
            "min_possible_sessions = 10\n[[",
            "min_possible_sessions = 10\nauto_approve = true\n[[",
            1,
        ),
        source="test",
    )

    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)

    low = by_kind(school)["halfterm_low"]
    assert low.status == CampaignStatus.APPROVED
    assert low.decided_label == "auto-approved by the policy"
    assert Message.objects.filter(campaign=low, status=Status.QUEUED).count() == 1
    assert by_kind(school)["halfterm_improvement"].status == CampaignStatus.AWAITING_APPROVAL


def test_cancelling_a_campaign_stops_its_queued_messages(school, fake_channel):
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)
    low = by_kind(school)["halfterm_low"]
    actions.approve_campaign(campaign=low, now=NOW, actor_label="head")

    with pytest.raises(actions.CommsError, match="say why"):
        actions.cancel_campaign(campaign=low, reason="", now=NOW)
    stopped = actions.cancel_campaign(campaign=low, reason="wrong half-term", now=NOW)

    assert stopped == 1
    assert actions.send_due_messages(now=aware(2025, 9, 29, 9, 0)) == {}
    assert fake_channel.calls == 0
    with pytest.raises(actions.CommsError, match="cancelled"):
        actions.approve_campaign(campaign=low, now=NOW)


def test_a_saved_template_is_checked_versioned_and_used_in_its_language(school):
    with pytest.raises(actions.CommsError, match=r"\{pupil\} is not a placeholder"):
        actions.save_template(
            school=school,
            kind="halfterm_improvement",
            language="en",
            body="{school} {pupil}",
            now=NOW,
        )
    for text in ("Well done {names}! {school}", "Brawo {names}! {school}"):
        actions.save_template(
            school=school, kind="halfterm_improvement", language="pl", body=text, now=NOW
        )
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)

    draft = campaigns.preview(by_kind(school)["halfterm_improvement"]).drafts[0]
    assert (draft.body, draft.template.version) == ("Brawo Cal! Meadow Primary", 2)
    assert MessageTemplate.objects.count() == 2
    assert campaigns.template_for(school, "halfterm_low", "ro").language == "en"
    assert rules.template_problems("halfterm_low", "{school} {children} {line}") == []
