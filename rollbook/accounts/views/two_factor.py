"""Setting up, using and turning off two-factor sign-in, for the signed-in member of staff.

Enrolling keeps the new secret in the session (not the database) until the first code from
the app confirms it, so opening the page writes nothing. Recovery codes are shown once: they
stay in the session until the user says they have saved them (or signs out).
"""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from rollbook.accounts import actions, queries, rules, sessions
from rollbook.accounts.codes import stored_form
from rollbook.accounts.forms import CodeForm, PasswordForm
from rollbook.core.access import require_school, roles_at
from rollbook.core.models import Role


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: the ?next= page on this site, or home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next")
    return reverse(name) + (f"?{urlencode({'next': wanted})}" if wanted else "")


def _app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _verified(request: HttpRequest) -> bool:
    return getattr(request.user, "is_verified", lambda: False)()


def _required(request: HttpRequest) -> bool:
    facts = sessions.facts(request)
    return rules.must_use_two_factor(facts["roles"], settings.TWO_FACTOR_REQUIRED_ROLES)


def _qr_svg(device_url: str) -> str:
    # Inline SVG, no script or style: allowed by the CSP. White behind it so phones can scan
    # it in dark mode too.
    qr = segno.make(device_url, error="m")
    return qr.svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code to scan with your app"
    )


def _config_url(user, key: str) -> str:
    # django-otp builds the otpauth:// URL (issuer, label, secret) from an unsaved device.
    return TOTPDevice(user=user, key=key, name=actions.DEVICE_NAME).config_url


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Your account: set up two-factor sign-in, or see that it is on and manage it."""
    school = require_school(request.user)  # staff only: parents use the portal
    user = request.user
    app = _app(user)
    if app is not None:
        if not _verified(request):
            return redirect(_with_next("accounts:verify", request))
        return render(
            request,
            "accounts/two_factor.html",
            {
                "app": app,
                "codes_left": queries.codes_left(user),
                "required": _required(request),
                "is_admin": bool(school and Role.ADMIN in roles_at(user, school)),
            },
        )
    key = request.session.get(sessions.PENDING_KEY) or random_hex(20)
    request.session[sessions.PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = rules.normalise_code(form.cleaned_data["code"])[1]
        try:
            device, codes = actions.enrol(user=user, school=school, key=key, code=code)
        except actions.WrongCode as e:
            form.add_error("code", str(e))
        else:
            otp_login(request, device)
            request.session.cycle_key()  # a new session id for the now-verified session
            del request.session[sessions.PENDING_KEY]
            request.session[sessions.NEW_CODES] = codes
            sessions.remember(request)
            messages.success(request, "Two-factor sign-in is on.")
            return redirect(_with_next("accounts:recovery_codes", request))
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": _qr_svg(_config_url(user, key)),
            "secret": rules.secret_for_display(key),
            "required": _required(request),
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; POST: "I have saved them" (they leave the session)."""
    require_school(request.user)  # staff only: parents use the portal
    if request.method == "POST":
        request.session.pop(sessions.NEW_CODES, None)
        return redirect(_next(request) if request.POST.get("next") else "accounts:two_factor")
    codes = request.session.get(sessions.NEW_CODES)
    app = _app(request.user)
    if app is not None and not _verified(request):
        return redirect(_with_next("accounts:verify", request))
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "app": app,
            "codes_left": queries.codes_left(request.user),
            "next": request.GET.get("next", ""),
        },
    )


@require_http_methods(["GET"])
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    require_school(request.user)  # staff only: parents use the portal
    codes = request.session.get(sessions.NEW_CODES)
    if not codes:
        messages.info(request, "Those codes were only shown once. Make new ones if you need them.")
        return redirect("accounts:recovery_codes")
    lines = [
        f"Rollbook recovery codes for {request.user.get_username()}",
        f"Made {timezone.localtime():%d %B %Y %H:%M}. Each code works once.",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rollbook-recovery-codes.txt"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def make_recovery_codes(request: HttpRequest) -> HttpResponse:
    school = require_school(request.user)  # staff only: parents use the portal
    if _app(request.user) is None:
        return redirect("accounts:two_factor")
    if not _verified(request):
        return redirect("accounts:verify")
    codes = actions.make_recovery_codes(user=request.user, school=school)
    request.session[sessions.NEW_CODES] = codes
    messages.success(request, "You have new recovery codes. The old ones no longer work.")
    return redirect("accounts:recovery_codes")


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest) -> HttpResponse:
    """Turn off two-factor sign-in (to move to a new phone): needs the password again."""
    school = require_school(request.user)  # staff only: parents use the portal
    user = request.user
    if _app(user) is None:
        return redirect("accounts:two_factor")
    if not _verified(request):
        return redirect(_with_next("accounts:verify", request))
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # authenticate(), not check_password(): django-axes counts wrong passwords here too.
        again = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if again is None or again.pk != user.pk:
            form.add_error("password", "That password is not right")
        else:
            actions.remove(user=user, school=school)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            sessions.remember(request)
            messages.success(request, "Two-factor sign-in is off. Your recovery codes are gone.")
            return redirect("accounts:two_factor")
    return render(request, "accounts/remove.html", {"form": form, "required": _required(request)})


def _wait_message(info: dict | None) -> str:
    until = (info or {}).get("locked_until")
    when = f" after {timezone.localtime(until):%H:%M:%S}" if until else " in a moment"
    return f"Too many wrong codes. Try again{when}."


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code (once each)."""
    school = require_school(request.user)  # staff only: parents use the portal
    user = request.user
    if _verified(request):
        return redirect(_next(request))
    app = _app(user)
    if app is None:  # reset by an administrator since this session began
        sessions.remember(request)
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        method, code = rules.normalise_code(form.cleaned_data["code"])
        device = app if method == "totp" else StaticDevice.objects.filter(user=user).first()
        allowed, info = device.verify_is_allowed() if device else (True, None)
        if not allowed:
            form.add_error("code", _wait_message(info))
        elif device is not None and verify_token(
            user, device.persistent_id, code if method == "totp" else stored_form(code)
        ):
            otp_login(request, device)
            request.session.cycle_key()
            left = queries.codes_left(user) if method == "recovery" else 0
            actions.record_code(user=user, school=school, method=method, accepted=True, left=left)
            if method == "recovery":
                messages.info(request, f"Recovery code used. You have {left} left.")
            return redirect(_next(request))
        else:
            actions.record_code(user=user, school=school, method=method, accepted=False)
            form.add_error("code", "That code is not right")
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or ""},
    )
