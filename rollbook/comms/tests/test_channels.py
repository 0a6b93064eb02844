"""Channel adapters: Notify's errors mapped with a stub client (never the real API)."""

import logging
from types import SimpleNamespace

import pytest
import requests
from django.core import mail
from django.test import override_settings
from notifications_python_client.errors import HTTPError

from rollbook.comms import channels
from rollbook.comms.channels import (
    FAKE,
    ConsoleChannel,
    DjangoEmailChannel,
    NotifyChannel,
    Outgoing,
    PermanentFailure,
    TransientFailure,
)

SMS = Outgoing(channel="sms", recipient="07700900123", body="Hello", reference="42")
EMAIL = Outgoing(channel="email", recipient="mum@example.org", subject="Hi", body="Hello")


class StubNotify:
    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def _reply(self, name, kwargs):
        self.calls.append((name, kwargs))
        if self.error is not None:
            raise self.error
        return {"id": "notify-uuid-1"}

    def send_sms_notification(self, **kwargs):
        return self._reply("sms", kwargs)

    def send_email_notification(self, **kwargs):
        return self._reply("email", kwargs)


def http_error(status: int) -> HTTPError:
    response = SimpleNamespace(
        status_code=status, json=lambda: {"errors": [{"error": "X", "message": "stub"}]}
    )
    return HTTPError(response)


def test_notify_sends_the_rendered_text_as_personalisation():
    client = StubNotify()
    channel = NotifyChannel(client, sms_template_id="sms-t", email_template_id="email-t")

    assert channel.send(SMS) == "notify-uuid-1"
    channel.send(EMAIL)

    assert client.calls == [
        (
            "sms",
            {
                "phone_number": "07700900123",
                "template_id": "sms-t",
                "personalisation": {"body": "Hello"},
                "reference": "42",
            },
        ),
        (
            "email",
            {
                "email_address": "mum@example.org",
                "template_id": "email-t",
                "personalisation": {"subject": "Hi", "body": "Hello"},
                "reference": None,
            },
        ),
    ]


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (400, PermanentFailure),
        (403, PermanentFailure),
        (404, PermanentFailure),
        (429, TransientFailure),
        (500, TransientFailure),
        (503, TransientFailure),
    ],
)
def test_notify_http_errors_map_to_permanent_or_transient(status, failure):
    channel = NotifyChannel(StubNotify(http_error(status)), sms_template_id="t")

    with pytest.raises(failure, match=f"Notify {status}"):
        channel.send(SMS)


def test_a_network_error_reaching_notify_is_transient():
    channel = NotifyChannel(StubNotify(requests.ConnectionError("refused")), sms_template_id="t")

    with pytest.raises(TransientFailure, match="network"):
        channel.send(SMS)


def test_notify_refuses_a_letter_permanently():
    with pytest.raises(PermanentFailure):
        NotifyChannel(StubNotify(), sms_template_id="t").send(
            Outgoing(channel="letter", recipient="1 High St", body="x")
        )


def test_django_email_channel_sends_email_and_refuses_texts():
    channel = DjangoEmailChannel()

    channel.send(EMAIL)

    assert [(m.subject, m.to) for m in mail.outbox] == [("Hi", ["mum@example.org"])]
    with pytest.raises(PermanentFailure):
        channel.send(SMS)


def test_console_channel_logs_the_message(caplog):
    with caplog.at_level(logging.INFO, logger="rollbook.comms.channels"):
        provider_id = ConsoleChannel().send(SMS)

    assert provider_id == "console-42"
    assert "[sms to 07700900123] Hello" in caplog.text


def test_fake_channel_records_sends_and_fails_when_told():
    FAKE.fail_next(permanent=False)

    with pytest.raises(TransientFailure):
        FAKE.send(SMS)
    assert FAKE.send(SMS) == "fake-1"
    assert FAKE.sent == [SMS]
    assert FAKE.calls == 2


def test_the_channel_comes_from_settings():
    assert channels.get_channel() is FAKE
    with override_settings(COMMS_CHANNEL="console"):
        assert isinstance(channels.get_channel(), ConsoleChannel)
    with override_settings(COMMS_CHANNEL="smtp"):
        assert isinstance(channels.get_channel(), DjangoEmailChannel)
    with override_settings(COMMS_CHANNEL="carrier-pigeon"), pytest.raises(ValueError):
        channels.get_channel()
