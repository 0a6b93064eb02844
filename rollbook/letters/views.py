"""Letter pages: the list (with the week's print batch), a letter, the templates and their editor.

Each view fetches through `letters.access` (403 for the wrong role, 404 outside the user's
school), parses a form, calls one action from `letters.actions`, and renders or redirects.
Validation errors re-render the page (or, for htmx, its partial) with status 200.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from rollbook.letters import access, actions, queries, rules
from rollbook.letters.defaults import CLASS_LETTERS, STANDARD, TERMLY_KEY, default_text
from rollbook.letters.forms import (
    BatchForm,
    ClassLetterForm,
    LetterFilterForm,
    SendForm,
    SignatoryForm,
    TemplateForm,
    WithdrawForm,
)
from rollbook.letters.models import Adaptation, Letter, LetterStatus
from rollbook.letters.rules import LetterError
from rollbook.policy.monitoring import active_policy


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# --- The list and the week's batch --------------------------------------------------------------


def _list_page(request: HtmxHttpRequest, school, batch_form: BatchForm | None = None):
    filters = LetterFilterForm(request.GET)
    status, this_week = "", False
    if filters.is_valid():
        status, this_week = filters.cleaned_data["status"], filters.cleaned_data["week"] == "this"
    week = rules.week_of(timezone.localdate())
    letters = queries.letters_for_list(school, status=status, week=week if this_week else None)
    drafts = queries.draft_letters_in_week(school, week).count()
    context = {
        "filters": filters,
        "letters": letters,
        "week": week,
        "drafts_this_week": drafts,
        "batch_form": batch_form or BatchForm(initial={"week": week[0]}),
        "can_edit_templates": access.may_edit_templates(request.user, school),
    }
    template = "letters/letter_list.html"
    if _partial(request) and request.method == "GET":
        template += "#letters"
    return render(request, template, context)


@require_GET
def letter_list(request: HtmxHttpRequest) -> HttpResponse:
    return _list_page(request, access.require_letter_reader(request.user))


@require_POST
def batch_create(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_letter_reader(request.user)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = actions.create_batch(
                actor=request.user, school=school, week=rules.week_of(form.cleaned_data["week"])
            )
        except LetterError as error:
            form.add_error("week", str(error))
        else:
            return _redirect(request, reverse("letters:batch", args=[batch.pk]))
    return _list_page(request, school, batch_form=form)


@require_POST
def termly_create(request: HtmxHttpRequest) -> HttpResponse:
    """S001-29: the termly letter to every family, as a print batch."""
    school = access.require_letter_reader(request.user)
    try:
        batch = actions.generate_term_letters(
            actor=request.user, school=school, today=timezone.localdate()
        )
    except LetterError as error:
        messages.error(request, str(error))
        return _redirect(request, reverse("letters:list"))
    return _redirect(request, reverse("letters:batch", args=[batch.pk]))


@require_http_methods(["GET", "POST"])
def class_letter(request: HtmxHttpRequest) -> HttpResponse:
    """S002-71: a confidential letter to every family of a class, naming no child."""
    school = access.require_letter_reader(request.user)
    groups = school.registration_groups.order_by("name")
    if request.method == "POST":
        form = ClassLetterForm(request.POST, groups=groups)
        if form.is_valid():
            try:
                batch = actions.generate_class_letter(
                    actor=request.user,
                    school=school,
                    group=form.cleaned_data["group"],
                    key=form.cleaned_data["key"],
                    today=timezone.localdate(),
                )
            except LetterError as error:
                form.add_error(None, str(error))
            else:
                return _redirect(request, reverse("letters:batch", args=[batch.pk]))
    else:
        form = ClassLetterForm(groups=groups, initial=request.GET.dict())
    return render(request, "letters/class_letter.html", {"form": form})


@require_GET
def batch_detail(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    batch = access.get_batch_for_reader(request.user, batch_id)
    letters = batch.letters.select_related("pupil").order_by("family_id", "pupil__legal_surname")
    return render(request, "letters/batch_detail.html", {"batch": batch, "letters": letters})


def _batch_file(request, batch_id: int, field: str, filename: str, content_type: str):
    batch = access.get_batch_for_reader(request.user, batch_id)
    data = bytes(getattr(batch, field) or b"")
    if not data:
        return redirect("letters:batch", batch.pk)  # still being prepared
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="letters-{batch.week_start:%Y-%m-%d}-{filename}"'
    )
    return response


@require_GET
def batch_combined(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    return _batch_file(request, batch_id, "combined_pdf", "to-print.pdf", "application/pdf")


@require_GET
def batch_families(request: HtmxHttpRequest, batch_id: int) -> HttpResponse:
    return _batch_file(request, batch_id, "families_zip", "families.zip", "application/zip")


# --- One letter ---------------------------------------------------------------------------------


def _detail_page(request: HtmxHttpRequest, letter: Letter, bound: tuple[str, object] | None = None):
    can_decide = access.may_decide(request.user, letter)
    signers = (
        queries.signers(letter.school) if can_decide and letter.status == LetterStatus.DRAFT else []
    )
    context = {
        "letter": letter,
        "can_decide": can_decide,
        "send_form": SendForm(),
        "withdraw_form": WithdrawForm(),
        "signatory_form": SignatoryForm(
            signers=signers,
            initial={"signer": letter.signatory_id, "title": letter.signatory_title},
        ),
        "chart_rows": list(
            zip(letter.chart.get("labels", []), letter.chart.get("values", []), strict=True)
        ),
    }
    if bound is not None:
        context[bound[0]] = bound[1]
        context["error_form"] = bound[1]
    template = "letters/letter_detail.html"
    if _partial(request) and request.method == "POST":
        template += "#decide"
    return render(request, template, context)


@require_GET
def letter_detail(request: HtmxHttpRequest, letter_id: int) -> HttpResponse:
    return _detail_page(request, access.get_letter_for_reader(request.user, letter_id))


@require_GET
def letter_pdf(request: HtmxHttpRequest, letter_id: int) -> HttpResponse:
    letter = access.get_letter_for_reader(request.user, letter_id)
    if not letter.has_pdf:
        messages.info(request, "The PDF is being prepared: try again in a minute.")
        return redirect("letters:detail", letter.pk)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}.pdf"'
    return response


def _decide(request: HtmxHttpRequest, letter_id: int, form_class, name: str, act):
    letter = access.get_letter_for_decider(request.user, letter_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(letter, form.cleaned_data)
        except LetterError as error:
            form.add_error(None, str(error))
        else:
            return _redirect(request, reverse("letters:detail", args=[letter.pk]))
    return _detail_page(request, letter, bound=(name, form))


@require_POST
def letter_send(request: HtmxHttpRequest, letter_id: int) -> HttpResponse:
    return _decide(
        request,
        letter_id,
        SendForm,
        "send_form",
        lambda letter, data: actions.mark_sent(actor=request.user, letter=letter),
    )


@require_POST
def letter_signatory(request: HtmxHttpRequest, letter_id: int) -> HttpResponse:
    """S003-15: choose who signs this draft from the headship and senior leadership team."""
    letter = access.get_letter_for_decider(request.user, letter_id)
    form = SignatoryForm(request.POST, signers=queries.signers(letter.school))
    if form.is_valid():
        try:
            actions.change_signatory(
                actor=request.user,
                letter=letter,
                signer_id=form.cleaned_data["signer"],
                title=form.cleaned_data["title"],
            )
        except LetterError as error:
            form.add_error(None, str(error))
        else:
            return _redirect(request, reverse("letters:detail", args=[letter.pk]))
    return _detail_page(request, letter, bound=("signatory_form", form))


@require_POST
def letter_withdraw(request: HtmxHttpRequest, letter_id: int) -> HttpResponse:
    return _decide(
        request,
        letter_id,
        WithdrawForm,
        "withdraw_form",
        lambda letter, data: actions.withdraw(
            actor=request.user, letter=letter, reason=data["reason"]
        ),
    )


# --- Templates ----------------------------------------------------------------------------------


def _known_keys(school) -> dict[str, str]:
    """Template key -> the stage using it: the policy's letter keys, then the defaults."""
    policy, _ = active_policy(school)
    keys = queries.policy_letter_keys(policy)
    for key in [*STANDARD, *CLASS_LETTERS]:
        keys.setdefault(key, "")
    keys.setdefault(actions.GENERAL_KEY, "")
    return keys


@require_GET
def template_list(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_letter_reader(request.user)
    policy, _ = active_policy(school)
    used = queries.policy_letter_keys(policy)
    saved = queries.latest_templates(school)
    adaptations = ["", *policy.adjustments.adapted_letters_for]
    keys = list(used) + sorted({k for k, _ in saved} - set(used))
    keys += [k for k in (TERMLY_KEY, *CLASS_LETTERS) if k not in keys]
    rows = [
        {
            "key": key,
            "stage": used.get(key, ""),
            "adaptation": adaptation,
            "adaptation_label": Adaptation(adaptation).label,
            "template": saved.get((key, adaptation)),
            "subject": (saved.get((key, adaptation)) or default_text(key, adaptation)).subject,
        }
        for key in keys
        for adaptation in ([""] if key in (TERMLY_KEY, *CLASS_LETTERS) else adaptations)
    ]
    context = {"rows": rows, "can_edit": access.may_edit_templates(request.user, school)}
    return render(request, "letters/template_list.html", context)


@require_http_methods(["GET", "POST"])
def template_edit(request: HtmxHttpRequest, key: str) -> HttpResponse:
    school = access.require_template_editor(request.user)
    if key not in _known_keys(school) and not school.letter_templates.filter(key=key).exists():
        raise Http404("No such letter.")
    adaptation = (request.POST if request.method == "POST" else request.GET).get("adaptation", "")
    if adaptation not in Adaptation.values:
        raise Http404("No such adaptation.")
    current = queries.latest_templates(school).get((key, adaptation))
    text = current or default_text(key, adaptation)
    preview = None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "save" in request.POST:
                try:
                    saved = actions.save_template(
                        actor=request.user,
                        school=school,
                        key=key,
                        adaptation=adaptation,
                        subject=data["subject"],
                        body=data["body"],
                    )
                except LetterError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, f"Saved version {saved.version} of {key}.")
                    return _redirect(request, reverse("letters:templates"))
            else:
                preview = _preview(data["subject"], data["body"], school.name)
    else:
        form = TemplateForm(
            initial={"adaptation": adaptation, "subject": text.subject, "body": text.body}
        )
        preview = _preview(text.subject, text.body, school.name)
    context = {
        "key": key,
        "adaptation": adaptation,
        "adaptation_label": Adaptation(adaptation).label,
        "current": current,
        "form": form,
        "preview": preview,
        "placeholders": rules.PLACEHOLDERS,
    }
    template = "letters/template_edit.html"
    if _partial(request) and request.method == "POST":
        template += "#preview"  # the live preview: the form stays as the user typed it
    return render(request, template, context)


def _preview(subject: str, body: str, school_name: str) -> dict:
    values = {**rules.SAMPLE_FIGURES, "school_name": school_name}
    return {"subject": rules.merge_text(subject, values), "html": rules.merge_html(body, values)}
