"""Sign-in lockout (django-axes), security headers and the Content-Security-Policy, and the
production settings (`check --deploy`)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests import matrix
from rollbook.core.tests.factories import aware, make_school

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "correct-horse-battery-staple"
START = aware(2026, 11, 23, 9, 0)


# --- Sign-in lockout ----------------------------------------------------------------------


@pytest.fixture
def staff(db):
    school = make_school(name="Lockout Primary")
    return {
        name: create_staff_user(
            actor_label="test", school=school, username=name, password=PASSWORD, roles=[Role.OFFICE]
        )
        for name in ("alice", "bob")
    }


def sign_in(client, username, password, ip="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_that_username_from_that_address(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            response = sign_in(client, "alice", "wrong password")
            assert response.status_code == 200  # the form again, with its error
        response = sign_in(client, "alice", "wrong password")
        assert response.status_code == 429

        # Locked out: even the right password is refused, with the lockout page.
        response = sign_in(client, "alice", PASSWORD)
        assert response.status_code == 429
        assert not signed_in(client)
        text = response.content.decode()
        assert "Too many attempts to sign in" in text
        assert "try again in 15 minutes" in text
        assert "core/locked_out.html" in [t.name for t in response.templates]


def test_the_lockout_is_per_username_and_address(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            sign_in(client, "alice", "wrong password")
        assert sign_in(client, "alice", PASSWORD).status_code == 429

        # Another member of staff at the same address (one school network) signs in.
        response = sign_in(client, "bob", PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)
        client.logout()

        # The same username from another address is not locked either.
        assert sign_in(client, "alice", PASSWORD, ip="10.1.2.3").status_code == 302


def test_signing_in_works_again_after_the_cool_off(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            sign_in(client, "alice", "wrong password")
        clock.shift(timedelta(minutes=14))
        assert sign_in(client, "alice", PASSWORD).status_code == 429
        # That attempt started the cool-off again.
        clock.shift(timedelta(minutes=15, seconds=1))
        response = sign_in(client, "alice", PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)


def test_failures_are_recorded(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            sign_in(client, "alice", "wrong password")
    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.failures_since_start == 3
    assert attempt.ip_address == "127.0.0.1"
    assert "wrong password" not in attempt.post_data  # axes never stores the password


def test_a_successful_sign_in_clears_earlier_failures(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            sign_in(client, "alice", "wrong password")
        assert sign_in(client, "alice", PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            sign_in(client, "alice", "wrong password")
        assert sign_in(client, "alice", PASSWORD).status_code == 302


# --- Headers and the Content-Security-Policy ----------------------------------------------

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")


def assert_secure_page(response, *, full_page: bool = True, name: str = "") -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    if not full_page:
        return
    text = response.content.decode()
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag]
    if "govuk-template__body" in text:  # a base.html page
        assert len(inline) == 2, (name, inline)  # js-enabled and the govuk-frontend module
    if inline:
        found = NONCE.search(csp)
        assert found, (name, csp)
        assert all(f'nonce="{found.group(1)}"' in tag for tag in inline), (name, inline)
    # style-src 'self' blocks inline styles: pages must have none.
    assert not re.search(r"<style\b|\sstyle=", text)


@pytest.fixture
def world(db):
    from rollbook.core.tests.test_authorisation_matrix import NOW, build_world

    with time_machine.travel(NOW, tick=False):
        yield build_world()


def test_every_own_school_page_has_the_csp_nonce_on_its_inline_scripts(client, world):
    """The matrix's own-school GETs, as the administrator (who may open all of them)."""
    client.force_login(world.users[matrix.ADMIN])
    checked = []
    for name, entry in matrix.TABLE.items():
        if "GET" not in entry.methods:
            continue
        variant = "school" if "school" in entry.expect else "own"
        if entry.expected(variant, "GET", matrix.ADMIN) != matrix.ALLOW:
            continue
        side = world.side(variant)
        url = reverse(name, kwargs=entry.kwargs(side))
        response = client.get(url, entry.query(side))
        if response.status_code == 302:  # the sign-in page sends signed-in users on
            assert_secure_page(response, full_page=False)
            continue
        assert response.status_code == 200, name
        if "attachment" in response.get("Content-Disposition", ""):
            # A download, not a page: never sniffed into HTML; uploads get a sandbox CSP.
            assert response.headers["X-Content-Type-Options"] == "nosniff", name
            continue
        assert_secure_page(response, name=name)
        checked.append(name)
    assert len(checked) >= 8, checked
    # Each response has its own nonce.
    first, second = (client.get(reverse("home")) for _ in range(2))
    assert NONCE.search(first["Content-Security-Policy"]).group(1) != NONCE.search(
        second["Content-Security-Policy"]
    ).group(1)


def test_the_sign_in_and_lockout_pages_are_covered_too(client, staff):
    assert_secure_page(client.get(reverse("login")))
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            response = sign_in(client, "alice", "wrong password")
    assert response.status_code == 429
    assert_secure_page(response)


def test_no_template_has_inline_styles_or_unnonced_scripts():
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        if "WeasyPrint" in text:
            continue  # a PDF source: WeasyPrint renders it, no browser enforces the CSP on it
        assert not re.search(r"<style\b|\sstyle=", text), path
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'nonce="{{ csp_nonce }}"' in tag, (path, tag)


# --- Settings from the environment --------------------------------------------------------


def run_django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run code with config.settings (not the test settings) and only the given environment."""
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{BASE_DIR / 'var' / 'deploy-check.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('DEBUG', 'SECURE_HSTS_SECONDS', "
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SECRET_KEY')}))",
]


def production_env(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        **extra,
    }


def test_production_defaults_are_the_safe_ones():
    done = run_django(SHOW, **production_env())
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["SECURE_HSTS_SECONDS"] == 31536000
    assert got["SECURE_SSL_REDIRECT"] is True
    assert got["SESSION_COOKIE_SECURE"] is True and got["CSRF_COOKIE_SECURE"] is True
    assert got["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert got["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_debug_and_the_environment_relax_them():
    got = json.loads(run_django(SHOW, DEBUG="true").stdout)
    assert got["SECURE_HSTS_SECONDS"] == 0
    assert got["SECURE_SSL_REDIRECT"] is False
    assert got["SECRET_KEY"]  # the development key exists only with DEBUG on

    got = json.loads(
        run_django(
            SHOW, **production_env(SECURE_HSTS_SECONDS="3600", SECURE_SSL_REDIRECT="false")
        ).stdout
    )
    assert got["SECURE_HSTS_SECONDS"] == 3600
    assert got["SECURE_SSL_REDIRECT"] is False
    assert got["SECRET_KEY"] != "dev-only-insecure-key"


def test_check_deploy_is_clean_with_production_settings():
    done = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env()
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
