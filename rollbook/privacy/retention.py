"""The retention report (read-only): what the rules in `rules.py` would change, with counts.

`actions.apply_retention` makes the same changes in one transaction. Which rows are touched is
decided here so that the report and the run can never disagree.

What happens to a leaver's other records is declared per model in TREATMENT: KEEP (no free
text about the pupil: marks, alerts, awards...) or the free-text fields to redact. The test
`test_every_model_about_a_pupil_has_a_retention_treatment` fails for a model added later that
is not declared here, so a new kind of record cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Q

from rollbook.core.models import AuditEvent, School
from rollbook.privacy import rules
from rollbook.privacy.collect import SAFEGUARDING_VALUES, Link, pupil_links
from rollbook.pupils.models import Contact, Pupil

KEEP: tuple[str, ...] = ()
# model label -> free-text fields redacted when the pupil is anonymised.
TREATMENT: dict[str, tuple[str, ...]] = {
    "pupils.PupilContact": KEEP,  # the link; the contact itself is wiped separately
    "registers.Mark": KEEP,  # codes and dates: kept for statistics
    "absences.ContactAttempt": ("note",),
    "policy.Alert": ("decision_reason",),
    "policy.PolicyAction": KEEP,
    "policy.TierChange": ("reason",),  # support tier moves (S001-49); the reason is free text
    "comms.Message": ("subject", "body", "recipient", "last_error"),
    "leave.LeaveRequest": ("reason_text", "evidence", "decision_reason"),
    "leave.PartTimeTimetable": ("reason",),
    "casework.Case": ("opened_reason", "closed_reason"),
    "casework.CaseNote": ("text",),  # safeguarding notes excepted: the DSL decides
    "rewards.Award": KEEP,
    "rewards.Treat": KEEP,  # the treat offered (e.g. a holiday-club place) and the period
    "rewards.PersonalGoal": ("note",),
    "pupils.PreviousAttendance": KEEP,  # another school's session counts
    "absences.AbsenceReport": ("details",),
    "casework.CaseTask": ("title", "done_note"),
    "casework.Meeting": ("attendees", "barriers", "support_detail", "notes"),
    "casework.ProcedureTick": KEEP,
    "casework.SupportPlan": ("commitments", "signatories", "outcome_note", "support_detail"),
    "casework.CaseBarrier": ("note",),
    "casework.CaseAgency": KEEP,  # the agency and its contact: no text about the pupil
    "casework.Concern": ("text",),
    "letters.Letter": ("addressed_to", "subject", "html"),
    "penalties.PenaltyNotice": ("end_reason",),
    "referrals.Referral": ("reason", "outcome"),  # social-care referrals excepted: the DSL's
    "admissions.AdmissionEntry": KEEP,  # the admission register's entry: dates and ids
    "admissions.Deletion": ("evidence", "enquiries"),  # the ground and dates are kept
    "admissions.EheNotice": ("notes",),
    "admissions.CmeConcern": ("details", "outcome"),
    "comms.ParentRequest": ("text", "reply"),  # a parent's request or concern and our reply
}
# Messages and contact logs past their own (shorter) retention, whoever they are about.
MESSAGE_TEXT: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # label -> (the path to its school, the date or datetime it was made on, fields to redact)
    "comms.Message": ("school", "created_at", ("subject", "body", "recipient", "last_error")),
    "absences.ContactAttempt": ("pupil__school", "at", ("note",)),
}
WIPED_CONTACT = "Former contact"
CONTACT_FIELDS = ("title", "mobile_phone", "home_phone", "work_phone", "email")


def safeguarding_q(model: type[models.Model]) -> Q | None:
    """Rows of `model` that are safeguarding material (as collect.is_safeguarding), or None."""
    if getattr(model, "privacy_safeguarding", False):
        return Q()
    q = None
    for f in model._meta.concrete_fields:
        if f.name == "safeguarding" and isinstance(f, models.BooleanField):
            part = Q(safeguarding=True)
        elif f.choices and any(v in SAFEGUARDING_VALUES for v, _ in f.flatchoices):
            part = Q(**{f"{f.name}__in": SAFEGUARDING_VALUES})
        else:
            continue
        q = part if q is None else q | part
    return q


def _pupil_filter(link: Link, pupils) -> Q:
    return Q(**{f"{link.field}__in": pupils})


def _not_redacted(fields: tuple[str, ...]) -> Q:
    q = Q()
    for name in fields:
        q |= ~Q(**{name: rules.REDACTED}) & ~Q(**{name: ""})
    return q


def redacted_value(model: type[models.Model], name: str) -> str:
    f = model._meta.get_field(name)
    fits = f.max_length is None or f.max_length >= len(rules.REDACTED)
    return rules.REDACTED if fits else ""


@dataclass(frozen=True)
class Plan:
    """The rows a run changes, as querysets; the report counts them."""

    report: rules.RetentionReport
    due_pupils: list[int]
    contacts: list[int]
    linked_text: list[tuple[type[models.Model], tuple[str, ...], models.QuerySet]]
    message_text: list[tuple[type[models.Model], tuple[str, ...], models.QuerySet]]


def _models_by_label() -> dict[str, list[Link]]:
    out: dict[str, list[Link]] = {}
    for link in pupil_links():
        out.setdefault(link.model._meta.label, []).append(link)
    return out


def plan(school: School, today: date) -> Plan:
    pupils = Pupil.objects.filter(school=school)
    leavers_past = pupils.filter(leaving_date__lt=rules.pupil_cutoff(today))
    due = sorted(
        leavers_past.exclude(upn__startswith=rules.ANONYMOUS_UPN_PREFIX).values_list(
            "pk", flat=True
        )
    )
    # Pupils who are (or after this run will be) anonymised.
    gone = set(
        pupils.filter(upn__startswith=rules.ANONYMOUS_UPN_PREFIX).values_list("pk", flat=True)
    ) | set(due)

    # Contacts: every linked pupil gone, and not wiped yet.
    links: dict[int, list[bool]] = {}
    for contact_id, pupil_id in Contact.objects.filter(school=school).values_list(
        "pk", "pupil_links__pupil_id"
    ):
        if pupil_id is not None:
            links.setdefault(contact_id, []).append(pupil_id in gone)
    wiped = set(
        Contact.objects.filter(school=school, forename=WIPED_CONTACT).values_list("pk", flat=True)
    )
    contacts = sorted(
        cid
        for cid, states in links.items()
        if rules.contact_may_be_wiped(states) and cid not in wiped
    )

    # Free text on the due pupils' other records (safeguarding rows excepted).
    linked_text = []
    safeguarding_held = safeguarding_past = 0
    for label, model_links in _models_by_label().items():
        model = model_links[0].model
        about_school = Q()
        about_due = Q()
        about_past = Q()
        for link in model_links:
            about_school |= Q(**{f"{link.field}__school": school})
            about_due |= _pupil_filter(link, due)
            about_past |= _pupil_filter(link, leavers_past)
        sq = safeguarding_q(model)
        if sq is not None:
            hidden = model._default_manager.filter(about_school).filter(sq).distinct()
            safeguarding_held += hidden.count()
            safeguarding_past += hidden.filter(about_past).distinct().count()
        fields = TREATMENT.get(label, KEEP)
        if fields and due:
            qs = model._default_manager.filter(about_due).filter(_not_redacted(fields))
            if sq is not None:
                qs = qs.exclude(sq)
            linked_text.append((model, fields, qs.distinct()))

    # Messages and contact logs past their own retention.
    message_text = []
    messages_held = messages_past = 0
    cutoff = rules.message_cutoff(today)
    for label, (school_path, made_on, fields) in MESSAGE_TEXT.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        base = model._default_manager.filter(**{school_path: school})
        past = base.filter(
            **{f"{made_on}__date__lt" if _is_datetime(model, made_on) else f"{made_on}__lt": cutoff}
        )
        messages_held += base.count()
        messages_past += past.count()
        message_text.append((model, fields, past.filter(_not_redacted(fields))))

    marks = school.marks.all()
    audit = AuditEvent.objects.filter(school=school)
    linked_changes = sum(qs.count() for _, _, qs in linked_text)
    message_changes = sum(qs.count() for _, _, qs in message_text)
    report = rules.RetentionReport(
        today=today,
        categories=(
            rules.CategoryCount(
                rules.RULES["registers"],
                held=marks.count(),
                past_retention=marks.filter(date__lt=rules.register_cutoff(today)).count(),
                to_change=0,
            ),
            rules.CategoryCount(
                rules.RULES["pupils"],
                held=pupils.count(),
                past_retention=leavers_past.count(),
                to_change=len(due),
                detail=(
                    f"and {linked_changes} of their other records with free text to redact"
                    if linked_changes
                    else ""
                ),
            ),
            rules.CategoryCount(
                rules.RULES["contacts"],
                held=Contact.objects.filter(school=school).count(),
                past_retention=len(contacts) + len(wiped),
                to_change=len(contacts),
            ),
            rules.CategoryCount(
                rules.RULES["messages"],
                held=messages_held,
                past_retention=messages_past,
                to_change=message_changes,
            ),
            rules.CategoryCount(
                rules.RULES["safeguarding"],
                held=safeguarding_held,
                past_retention=safeguarding_past,
                to_change=0,
            ),
            rules.CategoryCount(
                rules.RULES["audit"],
                held=audit.count(),
                past_retention=audit.filter(at__date__lt=rules.audit_cutoff(today)).count(),
                to_change=0,
            ),
        ),
        pupil_ids=tuple(due),
    )
    return Plan(
        report=report,
        due_pupils=due,
        contacts=contacts,
        linked_text=linked_text,
        message_text=message_text,
    )


def _is_datetime(model: type[models.Model], name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.DateTimeField)
