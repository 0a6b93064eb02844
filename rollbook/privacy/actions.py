"""Privacy actions, each writing an AuditEvent: subject access exports and retention runs."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.models import School
from rollbook.privacy import export, rules
from rollbook.privacy.collect import collect
from rollbook.privacy.retention import CONTACT_FIELDS, WIPED_CONTACT, plan, redacted_value
from rollbook.pupils.models import Contact, Pupil


class PrivacyError(Exception):
    """A privacy action the rules refuse, with a message for the user."""


def export_subject_access(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    include_safeguarding: bool,
    may_include_safeguarding: bool,
    request_reference: str,
    render_pdf: bool = True,
) -> tuple[str, bytes]:
    """(zip file name, zip bytes) of everything held about `pupil`, audited as an export.

    Safeguarding records go in only when the DSL (may_include_safeguarding) chooses to.
    """
    if include_safeguarding and not may_include_safeguarding:
        raise PrivacyError(
            "Only the designated safeguarding lead can include safeguarding records."
        )
    if not request_reference.strip():
        raise PrivacyError("Give the reference or date of the subject access request.")
    now = timezone.now()
    by = actor_label or (actor.get_username() if getattr(actor, "is_authenticated", False) else "")
    collected = collect(pupil)
    files = export.build(
        collected, include_safeguarding=include_safeguarding, generated_at=now, by=by
    )
    withheld = 0 if include_safeguarding else collected.safeguarding_count
    pdf = export.summary_pdf(files.summary_html) if render_pdf else b""
    data = export.zip_bytes(files, pdf=pdf, safeguarding_included=include_safeguarding)
    with transaction.atomic():
        audit.record(
            "privacy.subject_access_export",
            actor=actor,
            actor_label=actor_label,
            school=pupil.school,
            obj=pupil,
            pupil_id=pupil.pk,
            reason=request_reference.strip(),
            counts=collected.counts(),
            safeguarding_included=include_safeguarding,
            safeguarding_withheld=withheld,
        )
    return files.filename, data


def apply_retention(
    *, actor=None, actor_label: str = "", school: School, today: date
) -> rules.RetentionReport:
    """Anonymise and redact what the retention report lists, in one transaction, audited.

    Nothing is deleted: rows keep their ids, dates and codes, so statistics do not change.
    """
    with transaction.atomic():
        p = plan(school, today)
        for pupil in Pupil.objects.filter(pk__in=p.due_pupils).select_for_update():
            forename, surname = rules.anonymous_names(pupil.pk)
            Pupil.objects.filter(pk=pupil.pk).update(
                legal_forename=forename,
                legal_surname=surname,
                preferred_forename="",
                preferred_surname="",
                upn=rules.anonymous_upn(pupil.pk),
                date_of_birth=rules.generalised_date_of_birth(pupil.date_of_birth),
                # Not used by statistics and sensitive: cleared. Gender, year group, class,
                # FSM, pupil premium, SEN status and EAL stay for the statistics breakdowns.
                cp_plan=False,
                cin=False,
                cla=False,
                medical_plan=False,
                long_term_illness=False,
                evidence_required=False,
                updated_at=timezone.now(),
            )
        for contact_id in p.contacts:
            Contact.objects.filter(pk=contact_id).update(
                forename=WIPED_CONTACT,
                surname=str(contact_id),
                preferred_language="",
                **dict.fromkeys(CONTACT_FIELDS, ""),
            )
        redacted = {}
        for model, fields, qs in [*p.linked_text, *p.message_text]:
            changed = model._default_manager.filter(pk__in=list(qs.values_list("pk", flat=True)))
            count = changed.update(**{f: redacted_value(model, f) for f in fields})
            label = model._meta.label
            redacted[label] = redacted.get(label, 0) + count
        report = rules.RetentionReport(
            today=p.report.today,
            categories=p.report.categories,
            pupil_ids=p.report.pupil_ids,
            applied=True,
        )
        audit.record(
            "privacy.retention_applied",
            actor=actor,
            actor_label=actor_label,
            school=school,
            reason="Retention schedule applied",
            today=today.isoformat(),
            counts=report.counts(),
            anonymised_pupil_ids=list(p.due_pupils),
            wiped_contact_ids=list(p.contacts),
            redacted=redacted,
        )
    return report
