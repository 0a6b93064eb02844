"""The audit log for the head and the administrator: filters, pages, and a CSV export that is
itself audited. Only the user's school's rows, newest first."""

from __future__ import annotations

import csv
import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.accounts import access, actions, queries, rules
from rollbook.accounts.forms import AuditFilterForm

PER_PAGE = 50
TEMPLATE = "accounts/audit.html"


def _filtered(request: HttpRequest, school):
    form = AuditFilterForm(
        request.GET or None, kinds=queries.event_kinds(school), actors=queries.staff_users(school)
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = queries.events(
            school,
            kind=data["kind"],
            actor=data["actor"],
            pupil=data["pupil"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    elif form.is_bound:
        rows = queries.events(school).none()  # fix the filters first
    else:
        rows = queries.events(school)
    return form, rows


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    school = access.require_audit_reader(request.user)
    form, rows = _filtered(request, school)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    names = queries.pupil_names(school, (e.pupil_id for e in page))
    events = [
        {
            "event": e,
            "who": e.actor.get_username() if e.actor else e.actor_label or "Rollbook",
            "pupil_name": names.get(e.pupil_id),
            "details": rules.describe(e.data),
        }
        for e in page
    ]
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    return render(
        request,
        f"{TEMPLATE}#events" if partial else TEMPLATE,
        {"form": form, "page": page, "events": events},
    )


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV; the export is recorded as an audit row of its own."""
    school = access.require_audit_reader(request.user)
    form, rows = _filtered(request, school)
    rows = list(rows)
    names = queries.pupil_names(school, (e.pupil_id for e in rows))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{school.urn}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["at", "event", "who", "pupil_id", "pupil", "object", "object_id", "reason", "data"]
    )
    for e in rows:
        who = e.actor.get_username() if e.actor else e.actor_label
        cells = [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.kind,
            who,
            e.pupil_id if e.pupil_id is not None else "",
            names.get(e.pupil_id, ""),
            e.object_type,
            e.object_id,
            e.reason,
            json.dumps(e.data, sort_keys=True, ensure_ascii=False),
        ]
        writer.writerow([rules.csv_safe(c) for c in cells])
    filters = form.summary() if form.is_bound and form.is_valid() else {}
    actions.record_audit_export(actor=request.user, school=school, filters=filters, rows=len(rows))
    return response
