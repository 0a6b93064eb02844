"""What every register and office view shares: the request type, the clock, responses."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def now() -> datetime:
    """The current time. Views read the clock only here (the browser tests pin it here)."""
    return timezone.now()


def page(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or for htmx the named `{% partialdef %}` of the same template."""
    return render(request, f"{template}#{partial}" if request.htmx else template, context)


def saved(request: HtmxHttpRequest, url: str, message: str) -> HttpResponse:
    """After a successful write: a confirmation on the next page, reached by a redirect.

    `url` has no #fragment: htmx's HX-Redirect to the same page with only a new fragment
    would scroll instead of reloading, and the confirmation would never show.
    """
    messages.success(request, message)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
