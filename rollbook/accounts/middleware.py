"""Two-factor sign-in by role: send a user to enrol, or to give a code, before anything else.

After the password (LoginView, with django-axes), a user who has an authenticator app is
unverified until they give a code on /account/verify/; one whose role must use two-factor
(settings.TWO_FACTOR_REQUIRED_ROLES) and has no app is sent to set one up. Only the pages in
`rules.OPEN_WHILE_*` (and static files) open before that. Runs in process_view, so the URL
name is known and anonymous users have already been sent to sign in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from rollbook.accounts import rules, sessions


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        facts = sessions.facts(request)
        required = rules.must_use_two_factor(facts["roles"], settings.TWO_FACTOR_REQUIRED_ROLES)
        if not (required or facts["device"]):
            return None  # the common case: no query beyond the session already loaded
        verified = getattr(user, "is_verified", lambda: False)()
        gate = rules.gate(required=required, has_device=facts["device"], verified=verified)
        match = request.resolver_match
        if rules.may_open(gate, match.view_name if match else None) or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return None
        name = "accounts:verify" if gate is rules.Gate.VERIFY else "accounts:two_factor"
        htmx = getattr(request, "htmx", None)
        here = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
        target = f"{reverse(name)}?{urlencode({'next': here})}"
        return HttpResponseClientRedirect(target) if htmx else redirect(target)
