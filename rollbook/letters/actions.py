"""The only writes to letter templates, letters and batches; each writes an AuditEvent.

Generation is idempotent because the state lives in the database: a stage's letter is linked
one-to-one to the policy action that asked for it, so a second run finds it and creates nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rollbook.casework.models import Case, CaseStatus
from rollbook.core import audit
from rollbook.core.models import School, StaffRole
from rollbook.letters import pdf, queries, rules
from rollbook.letters.defaults import CLASS_LETTERS, TERMLY_KEY, default_text
from rollbook.letters.models import (
    BatchStatus,
    Letter,
    LetterBatch,
    LetterStatus,
    LetterTemplate,
)
from rollbook.letters.rules import LetterError
from rollbook.policy.actions import AlertError, complete_action
from rollbook.policy.kinds import ActionKind
from rollbook.policy.models import ActionStatus, AlertStatus, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.registers.rules import Tally

GENERAL_KEY = "attendance_concern"  # a letter action with no template key


# --- Templates ----------------------------------------------------------------------------------


def _new_version(
    *, actor, actor_label: str, school: School, key: str, adaptation: str, subject: str, body: str
) -> LetterTemplate:
    version = (
        LetterTemplate.objects.filter(school=school, key=key, adaptation=adaptation).aggregate(
            v=Max("version")
        )["v"]
        or 0
    ) + 1
    template = LetterTemplate.objects.create(
        school=school,
        key=key,
        adaptation=adaptation,
        version=version,
        subject=subject,
        body=body,
        created_at=timezone.now(),
        created_by=audit.user_or_none(actor),
        created_by_label=actor_label or getattr(actor, "get_username", lambda: "")(),
    )
    audit.record(
        "letter_template.saved",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=template,
        key=key,
        adaptation=adaptation,
        version=version,
    )
    return template


def save_template(
    *, actor, school: School, key: str, adaptation: str, subject: str, body: str
) -> LetterTemplate:
    """A new version of the school's text; the old versions stay for the letters made from them."""
    problems = rules.placeholder_problems(subject) + rules.placeholder_problems(body)
    if key in CLASS_LETTERS:  # S002-71: a class-wide letter names no child
        problems += rules.class_letter_problems(subject + "\n" + body)
    if problems:
        raise LetterError(" ".join(problems))
    if not subject.strip() or not body.strip():
        raise LetterError("Write a subject and a letter.")
    with transaction.atomic(durable=True):
        return _new_version(
            actor=actor,
            actor_label="",
            school=school,
            key=key,
            adaptation=adaptation,
            subject=subject.strip(),
            body=body.strip(),
        )


def template_for(school: School, key: str, adaptation: str, actor_label: str) -> LetterTemplate:
    """The newest version, or version 1 from the default text when the school has none yet."""
    latest = (
        LetterTemplate.objects.filter(school=school, key=key, adaptation=adaptation)
        .order_by("-version")
        .first()
    )
    if latest is not None:
        return latest
    text = default_text(key, adaptation)
    return _new_version(
        actor=None,
        actor_label=actor_label,
        school=school,
        key=key,
        adaptation=adaptation,
        subject=text.subject,
        body=text.body,
    )


# --- Generating stage letters -------------------------------------------------------------------


def generate_stage_letters(
    *, school: School, today: date, actor_label: str = "daily monitoring", now=None
) -> list[Letter]:
    """A draft letter for every open letter action of a stage alert (not dismissed) that has
    none yet, linked to the pupil's open case. Idempotent; PDFs are rendered afterwards."""
    policy, _ = active_policy(school)
    stage_names = {s.key: s.name for s in policy.stages}
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        todo = list(
            PolicyAction.objects.filter(
                school=school,
                kind=ActionKind.LETTER,
                status=ActionStatus.OPEN,
                alert__kind="stage",
                alert__raised_on__lte=today,
                letter__isnull=True,
            )
            .exclude(alert__status=AlertStatus.DISMISSED)
            .select_related("alert", "pupil__registration_group")
            .order_by("pupil_id", "id")
        )
        if not todo:
            return []
        pupils = list({a.pupil_id: a.pupil for a in todo}.values())
        year_start, facts = queries.pupil_facts(school, pupils, today)
        cases = dict(
            Case.objects.filter(pupil__in=pupils, status=CaseStatus.OPEN).values_list(
                "pupil_id", "id"
            )
        )
        head = queries.head_name(school)
        contact = queries.school_contact(school, policy)
        signers = queries.family_signatories(school, pupils, policy, queries.head_signatory(school))
        created = []
        for action in todo:
            pupil, fact = action.pupil, facts[action.pupil_id]
            adaptation = rules.choose_adaptation(
                policy.adjustments.adapted_letters_for, fact.circumstances
            )
            template = template_for(school, action.template or GENERAL_KEY, adaptation, actor_label)
            values = rules.figures(
                pupil_name=pupil.display_name,
                pupil_forename=pupil.preferred_forename or pupil.legal_forename,
                parents=fact.parents,
                class_name=pupil.registration_group.name if pupil.registration_group else "",
                school_name=school.name,
                head_name=head,
                tally=fact.tally,
                pa_sessions_at_least=policy.thresholds.pa_sessions_at_least,
                stage_name=stage_names.get(action.alert.stage_key, action.alert.kind_label),
                year_start=year_start,
                today=today,
                contact=contact,
                legal_paragraph=policy.letters.legal_paragraph,
                legal_sources=policy.letters.legal_sources,
                signatory=signers[pupil.pk],
            )
            letter = _create_letter(
                action=action,
                template=template,
                values=values,
                chart=rules.chart_data(fact.half_terms, target_pct=policy.school_target_pct),
                case_id=cases.get(pupil.pk),
                today=today,
                now=now,
                actor_label=actor_label,
                signatory=signers[pupil.pk],
            )
            if letter is not None:
                created.append(letter)
        if created:
            transaction.on_commit(lambda: _enqueue_render(school.pk))
        return created


def _create_letter(
    *, action, template, values, chart, case_id, today, now, actor_label, signatory
) -> Letter | None:
    try:
        with transaction.atomic():  # a savepoint: the one-to-one backs up the filter
            letter = Letter.objects.create(
                school=action.school,
                pupil=action.pupil,
                family_id=action.pupil.family_id,
                case_id=case_id,
                policy_action=action,
                template=template,
                template_key=template.key,
                adaptation=template.adaptation,
                template_version=template.version,
                stage_name=values["stage_name"],
                letter_date=today,
                addressed_to=values["parent_names"],
                signatory_id=signatory.user_id,
                signatory_name=signatory.name,
                signatory_title=signatory.title,
                subject=rules.merge_text(template.subject, values),
                html=rules.merge_html(template.body, values),
                figures=values,
                chart=chart,
                created_at=now,
                created_by_label=actor_label,
            )
    except IntegrityError:
        return None  # another run made it first
    audit.record(
        "letter.drafted",
        actor_label=actor_label,
        school=action.school,
        obj=letter,
        pupil_id=action.pupil_id,
        template=template.key,
        adaptation=template.adaptation,
        version=template.version,
        policy_action_id=action.pk,
    )
    return letter


def _enqueue_render(school_id: int) -> None:
    from rollbook.letters.tasks import render_letter_pdfs  # tasks import actions

    render_letter_pdfs.enqueue(school_id)


def render_pending_pdfs(*, school: School, now: datetime | None = None) -> int:
    """Render the PDF of every letter that has none. Claimed by a conditional update, so two
    workers never store two files. A derived file, not a decision: no audit row."""
    rendered = 0
    pending = Letter.objects.filter(school=school, pdf_rendered_at__isnull=True).exclude(
        status=LetterStatus.WITHDRAWN
    )
    for letter in pending.select_related("school", "pupil").order_by("id"):
        data = pdf.letter_pdf(letter)
        rendered += Letter.objects.filter(pk=letter.pk, pdf_rendered_at__isnull=True).update(
            pdf=data, pdf_rendered_at=now or timezone.now()
        )
    return rendered


# --- Sending and withdrawing --------------------------------------------------------------------


def mark_sent(*, actor, letter: Letter, now: datetime | None = None) -> Letter:
    """The letter has gone to the family: frozen as sent, and its policy action completed (for
    a formal warning, that date is the warning date later stages read)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        updated = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFT).update(
            status=LetterStatus.SENT, sent_at=now, sent_by=audit.user_or_none(actor)
        )
        if updated != 1:
            raise LetterError("Only a draft letter can be marked as sent.")
        letter.refresh_from_db()
        completed = False
        if letter.policy_action_id:
            try:
                complete_action(actor=actor, action=letter.policy_action, note="Letter sent")
                completed = True
            except AlertError:
                pass  # already marked done on the Alerts page
        audit.record(
            "letter.sent",
            actor=actor,
            school=letter.school,
            obj=letter,
            pupil_id=letter.pupil_id,
            subject=letter.subject,
            policy_action_completed=completed,
        )
        return letter


def change_signatory(
    *, actor, letter: Letter, signer_id: int, title: str, now: datetime | None = None
) -> Letter:
    """Choose who signs a draft (S003-15): a member of the headship or senior leadership team
    (a head or attendance lead role) at the letter's school, with their title. The letter is
    merged again from its own template version and values, and its PDF rendered again."""
    title = title.strip()
    if not title:
        raise LetterError("Give the signer's title, e.g. Headteacher.")
    grants = list(
        StaffRole.objects.filter(school=letter.school, user_id=signer_id).select_related("user")
    )
    if not rules.may_sign(g.role for g in grants):
        raise LetterError("Choose a member of the headship or senior leadership team to sign.")
    user = grants[0].user
    name = user.get_full_name() or user.get_username()
    values = {**letter.figures, "signatory_name": name, "signatory_title": title}
    with transaction.atomic(durable=True):
        updated = Letter.objects.filter(pk=letter.pk, status=LetterStatus.DRAFT).update(
            signatory=user,
            signatory_name=name,
            signatory_title=title,
            figures=values,
            subject=rules.merge_text(letter.template.subject, values),
            html=rules.merge_html(letter.template.body, values),
            pdf=b"",
            pdf_rendered_at=None,
        )
        if updated != 1:
            raise LetterError("Only a draft letter can be signed by someone else.")
        audit.record(
            "letter.signatory_changed",
            actor=actor,
            school=letter.school,
            obj=letter,
            pupil_id=letter.pupil_id,
            old=f"{letter.signatory_name}, {letter.signatory_title}".strip(", "),
            new=f"{name}, {title}",
        )
        transaction.on_commit(lambda: _enqueue_render(letter.school_id))
    letter.refresh_from_db()
    return letter


def withdraw(*, actor, letter: Letter, reason: str, now: datetime | None = None) -> Letter:
    """Withdraw a draft (or a letter sent in error) with a reason; its open policy action is
    cancelled, so the stage asks for no other letter. Nothing is deleted."""
    if not reason.strip():
        raise LetterError("Give a reason for withdrawing the letter.")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        updated = (
            Letter.objects.filter(pk=letter.pk)
            .exclude(status=LetterStatus.WITHDRAWN)
            .update(
                status=LetterStatus.WITHDRAWN,
                withdrawn_at=now,
                withdrawn_by=audit.user_or_none(actor),
                withdrawn_reason=reason.strip(),
            )
        )
        if updated != 1:
            raise LetterError("This letter is already withdrawn.")
        letter.refresh_from_db()
        cancelled = 0
        if letter.policy_action_id:
            cancelled = PolicyAction.objects.filter(
                pk=letter.policy_action_id, status=ActionStatus.OPEN
            ).update(status=ActionStatus.CANCELLED)
        audit.record(
            "letter.withdrawn",
            actor=actor,
            school=letter.school,
            obj=letter,
            pupil_id=letter.pupil_id,
            reason=letter.withdrawn_reason,
            policy_action_cancelled=bool(cancelled),
        )
        return letter


# --- The termly letter to every family (S001-29) ------------------------------------------------


def generate_term_letters(
    *, actor, school: School, today: date, now: datetime | None = None
) -> LetterBatch:
    """One letter per pupil on roll in the term (the one under way, or just ended), with the
    term's attendance, gathered in a print batch built by the background task. Once per pupil
    per term: a second run adds only pupils who joined since, and refuses when there are none."""
    term = rules.term_for_letters(today, school.calendar().terms)
    if term is None:
        raise LetterError("No term has started yet, so there is nothing to report.")
    policy, _ = active_policy(school)
    now = now or timezone.now()
    label = getattr(actor, "get_username", lambda: "")()
    with transaction.atomic(durable=True):
        done = set(
            Letter.objects.filter(
                school=school, template_key=TERMLY_KEY, period_key=term.key
            ).values_list("pupil_id", flat=True)
        )
        pupils = [
            p
            for p in Pupil.objects.filter(school=school)
            .on_roll(term.start, min(term.end, today))
            .select_related("registration_group")
            .order_by("legal_surname", "legal_forename", "id")
            if p.pk not in done
        ]
        if not pupils:
            raise LetterError(f"Every pupil already has a letter for the {term.name} term.")
        year_start, facts = queries.pupil_facts(school, pupils, today)
        in_term = queries.term_tallies(school, pupils, term, today)
        template = template_for(school, TERMLY_KEY, "", label or "termly letters")
        contact = queries.school_contact(school, policy)
        head = queries.head_name(school)
        signer = queries.head_signatory(school) or rules.Signatory(
            None, "The Headteacher", rules.HEADTEACHER
        )
        letters = []
        for pupil in pupils:
            fact = facts[pupil.pk]
            values = rules.figures(
                pupil_name=pupil.display_name,
                pupil_forename=pupil.preferred_forename or pupil.legal_forename,
                parents=fact.parents,
                class_name=pupil.registration_group.name if pupil.registration_group else "",
                school_name=school.name,
                head_name=head,
                tally=fact.tally,
                pa_sessions_at_least=policy.thresholds.pa_sessions_at_least,
                stage_name=f"{term.name} term letter",
                year_start=year_start,
                today=today,
                contact=contact,
                legal_paragraph=policy.letters.legal_paragraph,
                legal_sources=policy.letters.legal_sources,
                signatory=signer,
            ) | rules.term_figures(term, in_term.get(pupil.pk, Tally()), today)
            letters.append(
                Letter(
                    school=school,
                    pupil=pupil,
                    family_id=pupil.family_id,
                    template=template,
                    template_key=TERMLY_KEY,
                    template_version=template.version,
                    stage_name=values["stage_name"],
                    period_key=term.key,
                    letter_date=today,
                    addressed_to=values["parent_names"],
                    signatory_id=signer.user_id,
                    signatory_name=signer.name,
                    signatory_title=signer.title,
                    subject=rules.merge_text(template.subject, values),
                    html=rules.merge_html(template.body, values),
                    figures=values,
                    chart=rules.chart_data(fact.half_terms, target_pct=policy.school_target_pct),
                    created_at=now,
                    created_by_label=label,
                )
            )
        created = Letter.objects.bulk_create(letters)  # the unique constraint backs up `done`
        batch = _new_batch(
            actor=actor,
            school=school,
            letters=created,
            week_start=rules.week_of(today)[0],
            title=f"{term.name} term attendance letters",
            now=now,
        )
        audit.record(
            "letter.termly_generated",
            actor=actor,
            school=school,
            obj=batch,
            term=term.key,
            letters=len(created),
        )
        transaction.on_commit(lambda: _enqueue_render(school.pk))
        return batch


# --- Class-wide letters that name no child (S002-71) ---------------------------------------------


def generate_class_letter(
    *, actor, school: School, group: RegistrationGroup, key: str, today: date, now=None
) -> LetterBatch:
    """A confidential letter to every family with a child on roll in the class, naming no
    child: one letter per family (siblings in the class share it), in a print batch. The text
    may use only the class fields, and is refused if it names a child of the class."""
    if key not in CLASS_LETTERS:
        raise LetterError("Choose one of the class-wide letters.")
    if group.school_id != school.pk:
        raise LetterError("That class is not at this school.")
    label = getattr(actor, "get_username", lambda: "")()
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        pupils = list(
            Pupil.objects.filter(school=school, registration_group=group)
            .on_roll(today)
            .order_by("family_id", "legal_surname", "id")
        )
        if not pupils:
            raise LetterError(f"Class {group.name} has no pupils on roll.")
        template = template_for(school, key, "", label or "class letter")
        problems = rules.class_letter_problems(template.subject + "\n" + template.body)
        names = [
            n for p in pupils for n in (p.display_name, p.legal_forename, p.preferred_forename)
        ]
        named = rules.children_named(template.subject + "\n" + template.body, names)
        if problems or named:
            raise LetterError(
                " ".join(problems)
                or f"The letter names a child in the class ({', '.join(named)}): edit its text."
            )
        _, facts = queries.pupil_facts(school, pupils, today)
        policy, _ = active_policy(school)
        contact = queries.school_contact(school, policy)
        head = queries.head_name(school)
        signer = queries.head_signatory(school)
        families: dict[object, Pupil] = {}
        for pupil in pupils:  # one letter per family, addressed to the first child's parents
            families.setdefault(pupil.family_id or ("pupil", pupil.pk), pupil)
        letters = []
        for pupil in families.values():
            values = rules.class_figures(
                parents=facts[pupil.pk].parents,
                class_name=group.name,
                school_name=school.name,
                head_name=head,
                today=today,
                contact=contact,
            )
            letters.append(
                Letter(
                    school=school,
                    pupil=pupil,
                    family_id=pupil.family_id,
                    template=template,
                    template_key=key,
                    template_version=template.version,
                    stage_name=f"Class letter ({group.name})",
                    period_key=f"class:{group.pk}:{today.isoformat()}",
                    letter_date=today,
                    addressed_to=values["parent_names"],
                    signatory_id=signer.user_id if signer else None,
                    signatory_name=values["signatory_name"],
                    signatory_title=values["signatory_title"],
                    subject=rules.merge_text(template.subject, values),
                    html=rules.merge_html(template.body, values),
                    figures=values,
                    chart={},
                    created_at=now,
                    created_by_label=label,
                )
            )
        try:
            with transaction.atomic():
                created = Letter.objects.bulk_create(letters)
        except IntegrityError:
            raise LetterError(
                f"Class {group.name} already has this letter today: see the letters list."
            ) from None
        batch = _new_batch(
            actor=actor,
            school=school,
            letters=created,
            week_start=rules.week_of(today)[0],
            title=f"{letters[0].subject} (class {group.name})",
            now=now,
        )
        audit.record(
            "letter.class_generated",
            actor=actor,
            school=school,
            obj=batch,
            key=key,
            group_id=group.pk,
            letters=len(created),
        )
        transaction.on_commit(lambda: _enqueue_render(school.pk))
        return batch


# --- Print batches ------------------------------------------------------------------------------


def create_batch(*, actor, school: School, week: tuple[date, date]) -> LetterBatch:
    """A week's draft letters to print; the files are built by a background task."""
    with transaction.atomic(durable=True):
        letters = list(queries.draft_letters_in_week(school, week))
        if not letters:
            raise LetterError("There are no draft letters in that week.")
        batch = _new_batch(
            actor=actor, school=school, letters=letters, week_start=week[0], now=timezone.now()
        )
        audit.record(
            "letter_batch.created",
            actor=actor,
            school=school,
            obj=batch,
            week_start=week[0].isoformat(),
            letters=[letter.pk for letter in letters],
        )
        return batch


def _new_batch(
    *, actor, school: School, letters, week_start: date, now: datetime, title: str = ""
) -> LetterBatch:
    """A print batch of `letters`, its build queued for when the transaction commits (the
    caller audits it)."""
    batch = LetterBatch.objects.create(
        school=school,
        week_start=week_start,
        title=title,
        created_at=now,
        created_by=audit.user_or_none(actor),
    )
    batch.letters.set(letters)
    transaction.on_commit(lambda: _enqueue_batch(batch.pk))
    return batch


def _enqueue_batch(batch_id: int) -> None:
    from rollbook.letters.tasks import build_letter_batch

    build_letter_batch.enqueue(batch_id)


def build_batch(*, batch: LetterBatch, now: datetime | None = None) -> bool:
    """Lay out the batch's letters by family; store the files once (a conditional update)."""
    if batch.status != BatchStatus.QUEUED:
        return False
    groups: dict[object, tuple[str, list[Letter]]] = {}
    letters = batch.letters.select_related("school", "pupil").order_by(
        "family_id", "pupil__legal_surname", "id"
    )
    for letter in letters:
        key = ("family", letter.family_id) if letter.family_id else ("pupil", letter.pupil_id)
        name = letter.pupil.legal_surname + (
            f"-family-{letter.family_id}" if letter.family_id else f"-{letter.pupil_id}"
        )
        groups.setdefault(key, (name, []))[1].append(letter)
    combined, families = pdf.batch_files(list(groups.values()))
    return (
        LetterBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
            status=BatchStatus.READY,
            combined_pdf=combined,
            families_zip=families,
            ready_at=now or timezone.now(),
        )
        == 1
    )
