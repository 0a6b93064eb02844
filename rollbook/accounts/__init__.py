"""Staff accounts: two-factor sign-in (django-otp) and the audit log.

Sign-in is two steps for anyone with an authenticator app: the password (Django's LoginView,
throttled by django-axes), then a code on /account/verify/ (django-otp's TOTP device, or one
of ten single-use recovery codes from its static device; both devices slow down after wrong
codes: 1, 2, 4, 8 ... seconds). `middleware.TwoFactorMiddleware` sends an unverified session
there, and sends staff whose role is in settings.TWO_FACTOR_REQUIRED_ROLES (those who can
open special-category pupil data) to set up an app first.

Tests: config/test_settings.py requires no role to use two-factor, because `force_login`
cannot pass the code step and every other app's tests sign in that way; anyone who has
enrolled is still asked for a code. rollbook/accounts/tests switch enforcement on with the
`settings` fixture.

The audit log (/account/audit/) is for the head and the administrator, one school at a time;
its CSV export writes an `audit.exported` row. Audit rows are append-only in the ORM
(rollbook.core.models.AuditEvent).
"""
