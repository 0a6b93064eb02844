"""Test settings: only what tests need to differ."""

from config.settings import *  # noqa: F403
from config.settings import TASKS

SECRET_KEY = "test-only-key"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False  # the test client and the e2e live server speak plain HTTP
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {**TASKS, "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor sign-in is not enforced by role in tests: force_login() cannot pass the code
# step, so every persona would be sent to enrol. rollbook/accounts/tests switch it on with
# override_settings; anyone who HAS enrolled is still asked for a code here.
TWO_FACTOR_REQUIRED_ROLES: list[str] = []
COMMS_CHANNEL = "fake"  # rollbook.comms.channels.FAKE: records sends, never the network
