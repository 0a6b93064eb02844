"""The production sign-in settings: two-factor by role, cookies, sessions and passwords."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from rollbook.core.tests.test_security import production_env, run_django

SHOW = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('TWO_FACTOR_REQUIRED_ROLES', "
    "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_HTTPONLY', "
    "'CSRF_COOKIE_SAMESITE', 'MIDDLEWARE')}))",
]


def test_production_requires_two_factor_of_the_roles_with_sensitive_data():
    done = run_django(SHOW, **production_env())
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])

    assert sorted(got["TWO_FACTOR_REQUIRED_ROLES"]) == [
        "admin",
        "attendance_lead",
        "dsl",
        "head",
        "office",
        "senco",
    ]
    assert got["SESSION_COOKIE_HTTPONLY"] and got["CSRF_COOKIE_HTTPONLY"]
    assert got["SESSION_COOKIE_SAMESITE"] == got["CSRF_COOKIE_SAMESITE"] == "Lax"
    order = got["MIDDLEWARE"]
    # The OTP middleware needs request.user; ours needs is_verified() and runs after the
    # sign-in redirect for anonymous users.
    assert (
        order.index("django.contrib.auth.middleware.AuthenticationMiddleware")
        < order.index("django_otp.middleware.OTPMiddleware")
        < order.index("django.contrib.auth.middleware.LoginRequiredMiddleware")
        < order.index("rollbook.accounts.middleware.TwoFactorMiddleware")
    )


def test_passwords_need_twelve_characters_and_not_a_common_one():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")  # 11
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    validate_password("correct-horse-battery-staple")
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_development_requires_no_one_unless_told():
    show = [
        "-c",
        "import django; django.setup(); from django.conf import settings as s; "
        "print(','.join(s.TWO_FACTOR_REQUIRED_ROLES))",
    ]
    assert run_django(show, DEBUG="true").stdout.strip().splitlines()[-1:] in ([], [""])
    done = run_django(show, DEBUG="true", TWO_FACTOR_REQUIRED_ROLES="head,dsl")
    assert done.stdout.strip().splitlines()[-1] == "head,dsl"
