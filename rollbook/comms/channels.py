"""Channel adapters in the healthchecks `Transport` shape: one class per provider, one `send`.

`send` returns the provider's id for the message or raises `PermanentFailure` (do not retry:
a bad number, a rejected key) or `TransientFailure` (retry later: rate limit, outage,
network). `get_channel()` picks the adapter from `settings.COMMS_CHANNEL`.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


class ChannelError(Exception):
    permanent = False


class PermanentFailure(ChannelError):
    permanent = True


class TransientFailure(ChannelError):
    permanent = False


@dataclass(frozen=True)
class Outgoing:
    """What an adapter needs: never a model instance, so adapters stay ORM-free."""

    channel: str  # "sms" | "email" | "letter"
    recipient: str
    body: str
    subject: str = ""
    reference: str = ""  # our message id: lets a person find it at the provider


@dataclass(frozen=True)
class Lookup:
    """What the provider says about our reference: found (with its id), not found, or it
    cannot say (`found` None: no lookup, or the lookup failed)."""

    found: bool | None
    provider_id: str = ""


CANNOT_TELL = Lookup(None)


class Transport:
    name = "base"

    def send(self, out: Outgoing) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, reference: str) -> Lookup:
        """Did the provider get a message with this reference? Used only to recover a send
        that was claimed and never finished; a channel that cannot tell says so."""
        return CANNOT_TELL


class ConsoleChannel(Transport):
    """For `make run`: the message goes to the log, nothing leaves the machine."""

    name = "console"

    def send(self, out: Outgoing) -> str:
        logger.info(
            "[%s to %s] %s%s",
            out.channel,
            out.recipient,
            f"{out.subject}: " if out.subject else "",
            out.body,
        )
        return f"console-{out.reference or uuid.uuid4().hex}"


@dataclass
class FakeChannel(Transport):
    """For tests: records every call; `fail_next` makes the next calls fail; `crash_next`
    accepts the next message and then raises as a dying worker would; `lookup` answers from
    what was accepted (or cannot tell, with `can_look_up = False`); `receipt` makes the
    callback payload Notify would post for an accepted message."""

    name = "fake"
    sent: list[Outgoing] = field(default_factory=list)
    calls: int = 0
    can_look_up: bool = True
    on_send: object = None  # a callable run inside `send` (a second worker, in tests)
    _failures: list[ChannelError] = field(default_factory=list)
    _crashes: int = 0
    _ids: dict[str, str] = field(default_factory=dict)  # reference -> provider id

    def fail_next(self, *, permanent: bool, times: int = 1, message: str = "simulated") -> None:
        error = PermanentFailure if permanent else TransientFailure
        self._failures.extend(error(message) for _ in range(times))

    def crash_next(self) -> None:
        self._crashes += 1

    def reset(self) -> None:
        self.sent.clear()
        self._failures.clear()
        self._ids.clear()
        self.calls = 0
        self._crashes = 0
        self.can_look_up = True
        self.on_send = None

    def send(self, out: Outgoing) -> str:
        self.calls += 1
        if self.on_send is not None:
            hook, self.on_send = self.on_send, None
            hook()
        if self._failures:
            raise self._failures.pop(0)
        self.sent.append(out)
        provider_id = f"fake-{len(self.sent)}"
        if out.reference:
            self._ids[out.reference] = provider_id
        if self._crashes:
            self._crashes -= 1
            raise SimulatedCrash(f"worker died after the provider accepted {provider_id}")
        return provider_id

    def lookup(self, reference: str) -> Lookup:
        if not self.can_look_up:
            return CANNOT_TELL
        provider_id = self._ids.get(reference, "")
        return Lookup(bool(provider_id), provider_id)

    def receipt(self, reference: str, status: str = "delivered") -> dict:
        """The JSON body Notify posts to the callback URL for one of our messages."""
        return {"id": self._ids[reference], "reference": reference, "status": status}


class SimulatedCrash(Exception):
    """Not a ChannelError: nothing in the sender catches it, as with a killed process."""


FAKE = FakeChannel()


def classify_http_status(status: int) -> type[ChannelError]:
    """Notify's documented errors: 400 bad request, 403 auth → permanent; 429, 5xx → transient."""
    if status == 429 or status >= 500:
        return TransientFailure
    return PermanentFailure


class NotifyChannel(Transport):
    """GOV.UK Notify. Each Notify template holds only placeholders (`((subject))`,
    `((body))`): the text is rendered here, so the outbox holds exactly what was sent."""

    name = "notify"

    def __init__(self, client=None, *, sms_template_id: str = "", email_template_id: str = ""):
        self._client = client
        self.sms_template_id = sms_template_id or getattr(settings, "NOTIFY_SMS_TEMPLATE_ID", "")
        self.email_template_id = email_template_id or getattr(
            settings, "NOTIFY_EMAIL_TEMPLATE_ID", ""
        )

    @property
    def client(self):
        if self._client is None:  # pragma: no cover - needs a real key; never built in tests
            from notifications_python_client.notifications import NotificationsAPIClient

            self._client = NotificationsAPIClient(settings.NOTIFY_API_KEY)
        return self._client

    def send(self, out: Outgoing) -> str:
        from notifications_python_client.errors import APIError, TokenError
        from requests import RequestException

        try:
            if out.channel == "sms":
                response = self.client.send_sms_notification(
                    phone_number=out.recipient,
                    template_id=self.sms_template_id,
                    personalisation={"body": out.body},
                    reference=out.reference or None,
                )
            elif out.channel == "email":
                response = self.client.send_email_notification(
                    email_address=out.recipient,
                    template_id=self.email_template_id,
                    personalisation={"subject": out.subject, "body": out.body},
                    reference=out.reference or None,
                )
            else:
                raise PermanentFailure(f"Notify letters are not set up (channel {out.channel!r})")
        except APIError as e:
            raise classify_http_status(e.status_code)(f"Notify {e.status_code}: {e.message}") from e
        except TokenError as e:
            raise PermanentFailure(f"Notify key rejected: {e.message}") from e
        except (RequestException, OSError) as e:
            raise TransientFailure(f"network: {e}") from e
        return str(response["id"])

    def lookup(self, reference: str) -> Lookup:
        """Notify keeps each notification's `reference` (our message id) and can list by it."""
        from notifications_python_client.errors import APIError, TokenError
        from requests import RequestException

        try:
            found = self.client.get_all_notifications(reference=reference)
        except (APIError, TokenError, RequestException, OSError):
            return CANNOT_TELL
        notifications = found.get("notifications", [])
        if not notifications:
            return Lookup(False)
        return Lookup(True, str(notifications[0]["id"]))


class DjangoEmailChannel(Transport):
    """Email through Django's mail settings (SMTP in production). Texts need another channel."""

    name = "smtp"

    def send(self, out: Outgoing) -> str:
        if out.channel != "email":
            raise PermanentFailure(f"SMTP cannot send {out.channel!r} messages")
        try:
            send_mail(out.subject, out.body, None, [out.recipient])
        except smtplib.SMTPRecipientsRefused as e:
            raise PermanentFailure(f"recipient refused: {e}") from e
        except (smtplib.SMTPException, OSError) as e:
            raise TransientFailure(f"SMTP: {e}") from e
        return f"smtp-{out.reference or uuid.uuid4().hex}"


def get_channel() -> Transport:
    name = getattr(settings, "COMMS_CHANNEL", "console")
    if name == "fake":
        return FAKE
    if name == "notify":
        return NotifyChannel()
    if name == "smtp":
        return DjangoEmailChannel()
    if name == "console":
        return ConsoleChannel()
    raise ValueError(f"unknown COMMS_CHANNEL {name!r}: use console, notify, smtp or fake")
