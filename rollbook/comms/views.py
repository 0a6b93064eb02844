"""The office's Outbox (/outbox/): messages, cancelling, campaigns, templates; and the
GOV.UK Notify delivery-receipt callback.

Objects are named in form data or the query string (never another school's: `_message` and
`_campaign` answer 404 for those). Every form works without JavaScript; the campaign's
progress is also polled by htmx while its messages are going out.
"""

from __future__ import annotations

import hmac
import json
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.comms import actions, campaigns, public, rules
from rollbook.comms.models import (
    CAMPAIGN_KINDS,
    CANCELLABLE,
    BlockKey,
    Campaign,
    CampaignStatus,
    Channel,
    Kind,
    Message,
    ParentRequest,
    RequestChannel,
    RequestKind,
    Status,
)
from rollbook.core.access import require_office

PAGE_SIZE = 200
PREVIEW_SIZE = 50


def _now():
    return timezone.now()


def _message(school, message_id) -> Message:
    message = Message.objects.filter(school=school, pk=message_id).first()
    if message is None:
        raise Http404("No such message.")
    return message


def _campaign(school, campaign_id) -> Campaign:
    campaign = Campaign.objects.filter(school=school, pk=campaign_id).select_related("school")
    found = campaign.first()
    if found is None:
        raise Http404("No such campaign.")
    return found


class CancelForm(forms.Form):
    message = forms.IntegerField(
        error_messages={"required": "Choose a message to cancel", "invalid": "Choose a message"}
    )
    reason = forms.CharField(
        max_length=500,
        strip=True,
        error_messages={"required": "Say why the message is cancelled"},
    )


# --- the outbox ------------------------------------------------------------------------------


@require_GET
def outbox(request):
    school = require_office(request.user)
    return _outbox(request, school)


def _outbox(request, school, form: CancelForm | None = None):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    status = status if status in Status.values else ""
    kind = kind if kind in Kind.values else ""
    rows = Message.objects.filter(school=school).select_related("contact")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    counts = dict(
        Message.objects.filter(school=school).values_list("status").annotate(n=Count("id"))
    )
    context = {
        "messages_list": rows.prefetch_related("pupils")[:PAGE_SIZE],
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "kinds": Kind.choices,
        "status": status,
        "kind": kind,
        "cancellable": CANCELLABLE,
        "form": form,
    }
    return render(request, "comms/outbox.html", context)


@require_POST
def cancel(request):
    """Cancel one queued or held message, with a reason (audited)."""
    school = require_office(request.user)
    form = CancelForm(request.POST)
    if not form.is_valid():
        if "message" in form.errors:  # each row's form names its message: not from our page
            return HttpResponseBadRequest("Choose a message to cancel.")
        return _outbox(request, school, form)
    message = _message(school, form.cleaned_data["message"])
    try:
        actions.cancel_message(
            actor=request.user, message=message, reason=form.cleaned_data["reason"], now=_now()
        )
    except actions.CommsError as e:
        form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        return _outbox(request, school, form)
    flash.success(request, f"Message to {message.contact} cancelled")
    return redirect(reverse("comms:outbox"))


# --- delivery receipts -----------------------------------------------------------------------


@login_not_required
@csrf_exempt
@require_POST
def notify_receipt(request):
    """GOV.UK Notify's delivery-receipt callback: `Authorization: Bearer <token>`, where the
    token is `settings.NOTIFY_CALLBACK_TOKEN` (set in Notify's API integration page). No
    token configured: every call is refused. Always 2xx once authenticated, so Notify does
    not retry receipts we cannot use."""
    expected = getattr(settings, "NOTIFY_CALLBACK_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return JsonResponse({"error": "a bearer token is required"}, status=401)
    try:
        body = json.loads(request.body)
        provider_id, status = str(body.get("id", "")), str(body["status"])
        reference = str(body.get("reference") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "expected JSON with id, reference and status"}, status=400)
    outcome = actions.record_receipt(
        provider_id=provider_id, reference=reference, provider_status=status, now=_now()
    )
    return JsonResponse({"outcome": outcome})


# --- campaigns -------------------------------------------------------------------------------


class DecideForm(forms.Form):
    campaign = forms.IntegerField(error_messages={"required": "Choose a campaign"})
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("cancel", "Cancel")],
        error_messages={"required": "Choose approve or cancel"},
    )
    reason = forms.CharField(max_length=500, required=False, strip=True)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "cancel" and not data.get("reason"):
            self.add_error("reason", "Say why the campaign is cancelled")
        return data


@require_GET
def campaign_list(request):
    """Every campaign, newest first; `?campaign=<id>` shows one with its audience, a preview
    of each family's message and (once approved) progress. htmx asks for the progress alone."""
    school = require_office(request.user)
    chosen = request.GET.get("campaign", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404("No such campaign.")
        campaign = _campaign(school, int(chosen))
        if request.htmx:
            return render(request, "comms/campaign.html#progress", _progress(campaign))
        return _campaign_page(request, campaign)
    rows = Campaign.objects.filter(school=school).annotate(n=Count("messages"))
    return render(
        request, "comms/campaigns.html", {"campaigns": rows, "configured": _configured(school)}
    )


def _configured(school):
    return [
        (Kind(c.kind).label, c)
        for c in actions.comms_policy(school).campaigns
        if c.kind in CAMPAIGN_KINDS
    ]


def _progress(campaign: Campaign) -> dict:
    counts = campaigns.progress(campaign)
    labels = dict(Status.choices)
    going = counts.get(Status.QUEUED, 0) + counts.get(Status.SENDING, 0)
    going += counts.get(Status.FAILED_TRANSIENT, 0)
    return {
        "campaign": campaign,
        "counts": [(labels[s], n) for s, n in sorted(counts.items())],
        "total": sum(counts.values()),
        "going": going,
    }


def _campaign_page(request, campaign: Campaign, form: DecideForm | None = None):
    preview = campaigns.preview(campaign) if campaign.status != CampaignStatus.CANCELLED else None
    context = {
        "campaign": campaign,
        "preview": preview,
        "drafts": preview.sendable[:PREVIEW_SIZE] if preview else (),
        "form": form,
        "waiting": campaign.status == CampaignStatus.AWAITING_APPROVAL,
        **_progress(campaign),
    }
    return render(request, "comms/campaign.html", context)


@require_POST
def campaign_decide(request):
    """Approve (queue the previewed messages) or cancel (with a reason) one campaign."""
    school = require_office(request.user)
    form = DecideForm(request.POST)
    if not form.is_valid():
        if "campaign" in form.errors:  # the page's forms always name the campaign
            return HttpResponseBadRequest("Choose a campaign.")
        return _campaign_page(request, _campaign(school, form.cleaned_data["campaign"]), form)
    campaign = _campaign(school, form.cleaned_data["campaign"])
    try:
        if form.cleaned_data["decision"] == "approve":
            queued = actions.approve_campaign(campaign=campaign, now=_now(), actor=request.user)
            flash.success(request, f"Approved: {len(queued)} messages queued")
        else:
            stopped = actions.cancel_campaign(
                campaign=campaign,
                reason=form.cleaned_data["reason"],
                now=_now(),
                actor=request.user,
            )
            flash.success(request, f"Campaign cancelled: {stopped} messages stopped")
    except actions.CommsError as e:
        form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        return _campaign_page(request, campaign, form)
    return redirect(f"{reverse('comms:campaigns')}?campaign={campaign.pk}")


# --- templates -------------------------------------------------------------------------------


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in CAMPAIGN_KINDS])
    language = forms.ChoiceField(choices=list(rules.TEMPLATE_LANGUAGES.items()))
    body = forms.CharField(
        widget=forms.Textarea, strip=True, error_messages={"required": "Enter the message text"}
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("body"):
            for problem in rules.template_problems(data["kind"], data["body"]):
                self.add_error("body", problem[:1].upper() + problem[1:])
        return data


@require_http_methods(["GET", "POST"])
def templates(request):
    """Each campaign kind's wording in English and Polish (the school's latest version, or
    Rollbook's); saving checks the placeholders and keeps every earlier version."""
    school = require_office(request.user)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_template(
                school=school,
                kind=data["kind"],
                language=data["language"],
                body=data["body"],
                now=_now(),
                actor=request.user,
            )
        except actions.CommsError as e:  # pragma: no cover - the form checks the same rules
            form.add_error("body", str(e))
        else:
            flash.success(
                request,
                f"Saved version {saved.version} of {Kind(saved.kind).label} "
                f"({rules.TEMPLATE_LANGUAGES[saved.language]})",
            )
            return redirect(reverse("comms:templates"))
    rows = [
        (
            kind,
            [
                (code, name, campaigns.template_for(school, kind.value, code))
                for code, name in rules.TEMPLATE_LANGUAGES.items()
            ],
            rules.TEMPLATE_FIELDS[kind.value],
        )
        for kind in CAMPAIGN_KINDS
    ]
    context = {
        "rows": rows,
        "form": form if request.method == "POST" else None,
        "blocks": rules.BLOCK_FIELDS,
    }
    return render(request, "comms/templates.html", context)


# --- texts for the newsletter and social media (nothing is posted) ---------------------------


@require_GET
def public_texts(request):
    """Whole-school figures for the newsletter and draft posts (class figures, award counts)
    to copy: no names, small numbers suppressed; Rollbook never posts them."""
    from rollbook.comms import snippets
    from rollbook.policy.monitoring import active_policy

    school = require_office(request.user)
    target = active_policy(school)[0].school_target_pct
    texts = snippets.public_texts(school, timezone.localdate(_now()), target)
    context = {
        "texts": texts,
        "min_pupils": public.MIN_GROUP_PUPILS,
        "small": public.SMALL_NUMBER,
    }
    return render(request, "comms/public_texts.html", context)


# --- reusable text blocks --------------------------------------------------------------------


class BlockForm(forms.Form):
    key = forms.ChoiceField(
        choices=BlockKey.choices, error_messages={"required": "Choose which text to save"}
    )
    body = forms.CharField(
        widget=forms.Textarea, strip=True, error_messages={"required": "Enter the text"}
    )

    def clean(self):
        data = super().clean()
        if data.get("key") and data.get("body"):
            for problem in rules.block_problems(data["key"], data["body"]):
                self.add_error("body", problem[:1].upper() + problem[1:])
        return data


@require_http_methods(["GET", "POST"])
def text_blocks(request):
    """Reusable text (the attendance statement, the policy's link), stored once and filled
    into every template that names it; saving keeps every earlier version."""
    school = require_office(request.user)
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_text_block(
                school=school, key=data["key"], body=data["body"], now=_now(), actor=request.user
            )
        except actions.CommsError as e:  # pragma: no cover - the form checks the same rules
            form.add_error("body", str(e))
        else:
            flash.success(request, f"Saved version {saved.version} of {saved.get_key_display()}")
            return redirect(reverse("comms:text_blocks"))
    blocks = campaigns.blocks_for(school)
    rows = [(key, label, blocks.get(key, "")) for key, label in BlockKey.choices]
    context = {"rows": rows, "form": form if request.method == "POST" else None}
    return render(request, "comms/text_blocks.html", context)


# --- recognising improvement -----------------------------------------------------------------


class ImproversForm(forms.Form):
    points = forms.DecimalField(
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        decimal_places=1,
        initial=Decimal(5),
        error_messages={"invalid": "Enter the points as a number, like 5"},
    )
    weeks = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10,
        error_messages={"invalid": "Enter the weeks as a whole number, like 2"},
    )


CERTIFICATE = "certificate"  # printed and handed over: nothing goes through the outbox


class RecognitionForm(ImproversForm):
    channel = forms.ChoiceField(
        choices=[
            (Channel.SMS.value, "Text message"),
            (Channel.EMAIL.value, "Email"),
            (CERTIFICATE, "Certificate to print"),
        ],
        error_messages={"required": "Choose text message, email or certificate"},
    )
    pupils = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": "Choose at least one pupil"}
    )


def _improvers(school, data):
    from rollbook.comms import recognition

    return recognition.improvers(
        school, timezone.localdate(_now()), points=data["points"], weeks=data.get("weeks")
    )


@require_http_methods(["GET", "POST"])
def recognition_page(request):
    """Pupils whose attendance has improved (this half-term so far against the last, or the
    last N weeks against the N before), and a recognition to their families by text or
    email, queued through the outbox once per family per comparison."""
    school = require_office(request.user)
    source = request.POST if request.method == "POST" else (request.GET or None)
    form = ImproversForm(source or {"points": "5"})
    found = _improvers(school, form.cleaned_data) if form.is_valid() else None
    queue_form = None
    if request.method == "POST":
        queue_form = RecognitionForm(request.POST)
        choices = [(i.pupil.pk, i.pupil.pk) for i in found.pupils] if found else []
        queue_form.fields["pupils"].choices = choices
        if found is not None and queue_form.is_valid():
            ids = set(queue_form.cleaned_data["pupils"])
            if queue_form.cleaned_data["channel"] == CERTIFICATE:
                chosen = [i for i in found.pupils if i.pupil.pk in ids]
                actions.record_certificates(
                    school=school,
                    pupils=[i.pupil for i in chosen],
                    windows=found.windows,
                    actor=request.user,
                )
                context = {"school": school, "chosen": chosen, "windows": found.windows}
                return render(request, "comms/certificates.html", context)
            try:
                result = actions.queue_recognition(
                    school=school,
                    pupils=[i.pupil for i in found.pupils if i.pupil.pk in ids],
                    windows=found.windows,
                    channel=queue_form.cleaned_data["channel"],
                    now=_now(),
                    actor=request.user,
                )
            except actions.CommsError as e:  # pragma: no cover - the form checks the same
                queue_form.add_error(None, str(e)[:1].upper() + str(e)[1:])
            else:
                flash.success(
                    request,
                    f"{len(result.queued)} recognition messages queued"
                    + (f"; {result.already_queued} already sent" if result.already_queued else "")
                    + (
                        f"; no contact for {len(result.no_contact)} pupils"
                        if result.no_contact
                        else ""
                    ),
                )
                query = f"?points={form.cleaned_data['points']}"
                if form.cleaned_data.get("weeks"):
                    query += f"&weeks={form.cleaned_data['weeks']}"
                return redirect(reverse("comms:recognition") + query)
    context = {"form": form, "found": found, "queue_form": queue_form}
    return render(request, "comms/recognition.html", context)


# --- parents' requests for help and concerns -------------------------------------------------

REQUESTS_SHOWN = 50


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=RequestKind.choices,
        error_messages={"required": "Choose whether the parent asked for help or raised a concern"},
    )
    channel = forms.ChoiceField(
        choices=RequestChannel.choices,
        error_messages={"required": "Choose how the parent got in touch"},
    )
    text = forms.CharField(
        max_length=4000,
        strip=True,
        widget=forms.Textarea,
        error_messages={"required": "Say what the parent asked or told us"},
    )


class ReplyForm(forms.Form):
    request = forms.IntegerField(error_messages={"required": "Choose a request"})
    reply = forms.CharField(
        max_length=4000,
        strip=True,
        widget=forms.Textarea,
        error_messages={"required": "Say how the school replied"},
    )


def _pupil(school, value):
    if not str(value or "").isdigit():
        raise Http404("No such pupil.")
    pupil = school.pupils.filter(pk=int(value)).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil


@require_GET
def requests_inbox(request):
    """Parents' requests for help and concerns: the open ones first (the team's inbox), then
    the latest replied; log a new one for a pupil."""
    school = require_office(request.user)
    return _requests_page(request, school)


def _requests_page(request, school, form: ReplyForm | None = None):
    rows = ParentRequest.objects.filter(school=school).select_related(
        "pupil", "logged_by", "replied_by"
    )
    context = {
        "open": list(rows.filter(replied_at__isnull=True).order_by("received_at", "id")),
        "replied": list(rows.filter(replied_at__isnull=False)[:REQUESTS_SHOWN]),
        "pupils": school.pupils.on_roll(timezone.localdate(_now())).order_by(
            "legal_surname", "legal_forename"
        ),
        "form": form,
    }
    return render(request, "comms/requests.html", context)


@require_http_methods(["GET", "POST"])
def request_new(request):
    """Log what a parent asked or told us, for one pupil (`pupil` in the query or the form)."""
    school = require_office(request.user)
    pupil = _pupil(school, request.POST.get("pupil") or request.GET.get("pupil"))
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.log_request(
            school=school,
            pupil=pupil,
            kind=data["kind"],
            channel=data["channel"],
            text=data["text"],
            received_at=_now(),
            actor=request.user,
        )
        flash.success(request, f"Logged for {pupil.display_name}: waiting for a reply")
        return redirect(reverse("comms:requests"))
    context = {"pupil": pupil, "form": form if request.method == "POST" else None}
    return render(request, "comms/request_new.html", context)


@require_POST
def request_reply(request):
    """Record the school's reply to one open request."""
    school = require_office(request.user)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        if "request" in form.errors:  # each row's form names its request
            return HttpResponseBadRequest("Choose a request.")
        _parent_request(school, form.cleaned_data["request"])
        return _requests_page(request, school, form)
    found = _parent_request(school, form.cleaned_data["request"])
    try:
        actions.reply_to_request(
            request=found, reply=form.cleaned_data["reply"], now=_now(), actor=request.user
        )
    except actions.CommsError as e:
        form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        return _requests_page(request, school, form)
    flash.success(request, f"Reply recorded for {found.pupil.display_name}")
    return redirect(reverse("comms:requests"))


def _parent_request(school, request_id) -> ParentRequest:
    found = ParentRequest.objects.filter(school=school, pk=request_id).select_related("pupil")
    row = found.first()
    if row is None:
        raise Http404("No such request.")
    return row
