"""Standing campaigns to every family (seeds 001-19, 001-5): the reminder before each holiday
that term-time holidays are not authorised (with the penalty-notice sentence), and the policy's
link on the first school day of the year. On the campaigns' school: Autumn 1 is 1-12 Sep
2025, Autumn 2 15-26 Sep; families F1 (Amy, Ben; English) and F2 (Cal; Polish)."""

from datetime import date

import pytest

from rollbook.comms import actions, campaigns, rules
from rollbook.comms.models import Campaign, CampaignStatus, Message
from rollbook.comms.tests.test_campaigns import NOW, by_kind
from rollbook.comms.tests.test_recognition import DAYS, TERMS
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware


def test_the_holiday_reminder_is_due_in_the_last_school_week_of_each_term():
    due = rules.holiday_reminder_period(date(2025, 9, 22), TERMS, DAYS)
    assert (due.key, due.label) == ("before 2025-09-26", "the holiday after Autumn 2")
    assert rules.holiday_reminder_period(date(2025, 9, 26), TERMS, DAYS).key == due.key
    assert rules.holiday_reminder_period(date(2025, 9, 19), TERMS, DAYS) is None  # 6 days left
    assert rules.holiday_reminder_period(date(2025, 9, 27), TERMS, DAYS) is None  # holiday
    assert rules.holiday_reminder_period(date(2025, 9, 8), TERMS, DAYS).key == "before 2025-09-12"


def test_the_policy_is_due_from_the_first_school_day_of_the_year_for_two_weeks():
    due = rules.policy_share_period(date(2025, 9, 1), DAYS)
    assert (due.key, due.label, due.first) == ("policy 2025", "2025/26", date(2025, 9, 1))
    assert rules.policy_share_period(date(2025, 9, 14), DAYS).key == "policy 2025"
    assert rules.policy_share_period(date(2025, 9, 15), DAYS) is None
    assert rules.policy_share_period(date(2025, 8, 29), DAYS) is None


def test_a_holiday_template_must_keep_the_penalty_sentence():
    assert rules.template_problems("holiday_reminder", "{school}: enjoy the break") == [
        "the text must include {fpn}"
    ]


def test_the_holiday_reminder_is_queued_once_per_family_with_the_fpn_sentence(school):
    monday = date(2025, 9, 22)
    actions.schedule_campaigns(school=school, today=monday, now=aware(2025, 9, 22, 7, 0))
    again = actions.schedule_campaigns(school=school, today=date(2025, 9, 23), now=NOW)
    reminder = by_kind(school)["holiday_reminder"]

    queued = actions.approve_campaign(campaign=reminder, now=NOW, actor_label="test")
    twice = actions.approve_campaign(campaign=reminder, now=NOW, actor_label="test")

    assert not [c for c in again if c.kind == "holiday_reminder"]
    assert (reminder.status, len(queued), twice) == (CampaignStatus.APPROVED, 2, [])
    bodies = sorted(m.body for m in Message.objects.filter(campaign=reminder))
    assert all(rules.FPN_SENTENCE in b for b in bodies)
    assert bodies[0].startswith("Meadow Primary: before the holiday after Autumn 2, a reminder:")
    assert bodies[1].startswith("Meadow Primary: przypomnienie przed")
    f1 = Message.objects.get(campaign=reminder, recipient="07700900001")
    assert sorted(p.legal_forename for p in f1.pupils.all()) == ["Amy", "Ben"]
    assert AuditEvent.objects.filter(kind="campaign.approved", object_id=str(reminder.pk)).exists()


def test_the_policy_campaign_needs_the_link_then_goes_to_every_family(school):
    first_day = date(2025, 9, 1)
    made = actions.schedule_campaigns(school=school, today=first_day, now=aware(2025, 9, 1, 7, 0))
    share = by_kind(school)["policy_share"]
    assert share in made and share.period_label == "2025/26"

    with pytest.raises(actions.CommsError, match="link to the attendance policy"):
        actions.approve_campaign(campaign=share, now=NOW, actor_label="test")
    share.refresh_from_db()
    assert share.status == CampaignStatus.AWAITING_APPROVAL

    link = "https://meadow.sch.uk/attendance-policy"
    actions.save_text_block(school=school, key="policy_link", body=link, now=NOW)
    assert campaigns.preview(share).drafts[0].body.count(link) == 1
    queued = actions.approve_campaign(campaign=share, now=NOW, actor_label="test")

    assert len(queued) == 2 and all(link in m.body for m in queued)
    assert Campaign.objects.filter(school=school, kind="policy_share").count() == 1


def test_the_standing_campaign_page_shows_every_family(client, school):
    from rollbook.core.actions import create_staff_user
    from rollbook.core.models import Role

    actions.schedule_campaigns(school=school, today=date(2025, 9, 22), now=NOW)
    office = create_staff_user(
        actor_label="test", school=school, username="o", password="x" * 12, roles=[Role.OFFICE]
    )
    client.force_login(office)

    page = client.get("/outbox/campaigns/", {"campaign": by_kind(school)["holiday_reminder"].pk})

    assert page.status_code == 200
    assert "3 pupils in 2 families" in page.content.decode()
