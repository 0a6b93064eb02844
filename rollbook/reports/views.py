from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from rollbook.core.access import school_for
from rollbook.reports.queries import school_today


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    school = school_for(request.user)
    if school is None:
        return render(request, "reports/home.html", {"school": None})
    today = timezone.localdate()
    return render(
        request, "reports/home.html", {"school": school, "summary": school_today(school, today)}
    )
