"""The office's Outbox: every message to families, newest first, filtered by status and kind."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rollbook.comms.models import Kind, Message, Status
from rollbook.core.access import require_office

PAGE_SIZE = 200


@require_GET
def outbox(request):
    school = require_office(request.user)
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
    }
    return render(request, "comms/outbox.html", context)
