"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES): meetings,
support plans and contracts, and case tasks, all of kind "meeting". Three queries. Safeguarding
tasks (the DSL's) are not fetched with safeguarding=False."""

from __future__ import annotations

from collections.abc import Iterator

from rollbook.casework import rules
from rollbook.casework.models import CaseTask, Meeting, PlanOutcome, SupportPlan
from rollbook.registers.rules import Rate, Tally


def _name(user) -> str:
    return user.get_username() if user is not None else ""


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    meetings = Meeting.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "recorded_by"
    )
    for m in meetings:
        rate = Rate(Tally(m.attended, m.authorised, m.unauthorised).attendance_rate)
        support = ", ".join(rules.support_labels(m.agreed_support)) or "none agreed"
        yield {
            "at": m.held_on,
            "kind": "meeting",
            "title": rules.meeting_title(m.parent_attendance),
            "detail": (
                f"Attendance {rate}, {m.authorised + m.unauthorised} sessions missed. "
                f"Barriers: {m.barriers}. Support: {support}. "
                f"Target {m.target_pct.normalize():f}%, review {m.review_on:%-d %b %Y}."
            ),
            "by": _name(m.recorded_by),
            "pupil_id": m.pupil_id,
        }
    plans = SupportPlan.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "created_by", "outcome_by", "key_adult"
    )
    for p in plans:
        kind = p.get_kind_display()
        yield {
            "at": p.created_at,
            "kind": "meeting",
            "title": f"{kind} agreed",
            "detail": f"From {p.starts_on:%-d %b %Y}, review {p.review_on:%-d %b %Y}; "
            f"signed by {', '.join(p.signatories.splitlines())}. "
            f"Support: {', '.join(rules.support_labels(p.support)) or 'none'}"
            + (f" ({p.support_detail})" if p.support_detail else "")
            + (
                f"; school nurse referral {p.nurse_referral_on:%-d %b %Y}"
                if p.nurse_referral_on
                else ""
            )
            + (f"; key adult {p.key_adult.get_username()}" if p.key_adult else "")
            + ".",
            "by": _name(p.created_by),
            "pupil_id": p.pupil_id,
        }
        if p.outcome != PlanOutcome.PENDING:
            yield {
                "at": p.outcome_on,
                "kind": "meeting",
                "title": f"{kind} reviewed: {p.get_outcome_display().lower()}",
                "detail": p.outcome_note,
                "by": _name(p.outcome_by),
                "pupil_id": p.pupil_id,
            }
    tasks = CaseTask.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "created_by", "done_by"
    )
    if not safeguarding:
        tasks = tasks.filter(safeguarding=False)  # the DSL's: never fetched for anyone else
    for t in tasks:
        yield {
            "at": t.created_at,
            "kind": "meeting",
            "title": f"To do: {t.title}",
            "detail": f"{t.get_kind_display()}, due {t.due_on:%-d %b %Y}",
            "by": _name(t.created_by),
            "pupil_id": t.pupil_id,
            "safeguarding_note": t.safeguarding,
        }
        if t.done_at:
            yield {
                "at": t.done_at,
                "kind": "meeting",
                "title": f"Done: {t.title}",
                "detail": t.done_note,
                "by": _name(t.done_by),
                "pupil_id": t.pupil_id,
                "safeguarding_note": t.safeguarding,
            }
