"""Writes for rewards: recording awards and running prize draws, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rollbook.comms.actions import AWARDS, queue_award_messages
from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.models import School
from rollbook.policy.schema import Reward
from rollbook.rewards import rules
from rollbook.rewards.models import Award, PersonalGoal, PrizeDraw, Treat


class RewardError(ValueError):
    pass


@transaction.atomic(durable=True)
def record_awards(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    reward: Reward,
    period: rules.Period,
    pupil_ids: Iterable[int],
    awarded_on: date,
) -> list[Award]:
    """Give the award to each pupil (once per pupil, reward and period); returns the new rows.

    When the reward says `message_parents`, one text per family is queued for the new rows.
    """
    ids = sorted(set(pupil_ids))
    if not ids:
        raise RewardError("there are no eligible pupils to award")
    valid = set(school.pupils.filter(pk__in=ids).values_list("pk", flat=True))
    if valid != set(ids):
        raise RewardError("a pupil is not at this school")
    already = set(
        Award.objects.filter(
            school=school,
            reward_key=reward.key,
            period_start=period.first,
            period_end=period.last,
            pupil_id__in=ids,
        ).values_list("pupil_id", flat=True)
    )
    new = Award.objects.bulk_create(
        Award(
            school=school,
            pupil_id=pupil_id,
            reward_key=reward.key,
            name=reward.name,
            period_label=period.label,
            period_start=period.first,
            period_end=period.last,
            awarded_on=awarded_on,
            awarded_by=user_or_none(actor),
        )
        for pupil_id in ids
        if pupil_id not in already
    )
    if new and reward.message_parents:
        queue_award_messages(
            school=school,
            awards=new,
            award_name=reward.name,
            period_label=period.label,
            now=timezone.now(),
            actor=actor,
            actor_label=actor_label or AWARDS,
        )
    for award in new:
        audit.record(
            "reward.awarded",
            actor=actor,
            actor_label=actor_label,
            school=school,
            obj=award,
            pupil_id=award.pupil_id,
            reward=reward.key,
            period=period.label,
        )
    return new


@transaction.atomic(durable=True)
def run_prize_draw(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    reward: Reward,
    period: rules.Period,
    eligible_ids: Iterable[int],
    seed: int,
    winners: int = 1,
) -> PrizeDraw:
    """Draw `winners` pupils among the eligible ones with a recorded seed, and audit it."""
    result = rules.prize_draw(eligible_ids, seed=seed, winners=winners)
    if not result.eligible:
        raise RewardError("there are no eligible pupils to draw from")
    if school.pupils.filter(pk__in=result.eligible).count() != len(result.eligible):
        raise RewardError("a pupil is not at this school")
    draw = PrizeDraw.objects.create(
        school=school,
        reward_key=reward.key,
        name=reward.name,
        period_label=period.label,
        period_start=period.first,
        period_end=period.last,
        seed=seed,
        eligible_count=len(result.eligible),
        eligible_ids=list(result.eligible),
        winner_ids=list(result.winners),
        drawn_at=timezone.now(),
        drawn_by=user_or_none(actor),
    )
    audit.record(
        "reward.prize_drawn",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=draw,
        reward=reward.key,
        period=period.label,
        seed=seed,
        eligible=len(result.eligible),
        winners=list(result.winners),
    )
    return draw


@transaction.atomic(durable=True)
def offer_treats(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    reason: str,
    treat: str,
    period: rules.Period,
    pupil_ids: Iterable[int],
    offered_on: date,
) -> list[Treat]:
    """Record that each pupil was offered the treat for the period (once per pupil, reason,
    treat and period); returns the new rows, each audited."""
    ids = sorted(set(pupil_ids))
    treat = treat.strip()
    if not ids:
        raise RewardError("choose at least one pupil")
    if not treat:
        raise RewardError("say what the treat is")
    if reason not in Treat.Reason.values:
        raise RewardError("unknown reason for a treat")
    if school.pupils.filter(pk__in=ids).count() != len(ids):
        raise RewardError("a pupil is not at this school")
    already = set(
        Treat.objects.filter(
            school=school, reason=reason, treat=treat, period_start=period.first, pupil_id__in=ids
        ).values_list("pupil_id", flat=True)
    )
    new = Treat.objects.bulk_create(
        Treat(
            school=school,
            pupil_id=pupil_id,
            reason=reason,
            treat=treat,
            period_label=period.label,
            period_start=period.first,
            period_end=period.last,
            offered_on=offered_on,
            offered_by=user_or_none(actor),
        )
        for pupil_id in ids
        if pupil_id not in already
    )
    for row in new:
        audit.record(
            "reward.treat_offered",
            actor=actor,
            actor_label=actor_label,
            school=school,
            obj=row,
            pupil_id=row.pupil_id,
            reason_code=reason,
            treat=treat,
            period=period.label,
        )
    return new


@transaction.atomic(durable=True)
def set_goal(
    *,
    actor=None,
    actor_label: str = "",
    pupil,
    target_pct: Decimal,
    note: str = "",
    today: date,
) -> PersonalGoal:
    """Set a pupil's personal attendance goal; the current goal, if any, ends today (kept)."""
    if not Decimal(0) < target_pct <= Decimal(100):
        raise RewardError("the goal must be above 0% and at most 100%")
    current = PersonalGoal.objects.filter(pupil=pupil, ended_on__isnull=True).first()
    if current is not None:
        current.ended_on = today
        current.save(update_fields=["ended_on"])
    goal = PersonalGoal.objects.create(
        school=pupil.school,
        pupil=pupil,
        target_pct=target_pct,
        note=note.strip(),
        set_on=today,
        set_by=user_or_none(actor),
    )
    audit.record(
        "reward.goal_set",
        actor=actor,
        actor_label=actor_label,
        school=pupil.school,
        obj=goal,
        pupil_id=pupil.pk,
        target_pct=f"{target_pct:.2f}",
        previous=f"{current.target_pct:.2f}" if current is not None else None,
    )
    return goal
