"""Signing in by emailed link: single use, 20 minutes, stored hashed, rate limited, and the
same answer whether or not the address is known."""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.portal import rules, views
from rollbook.portal.actions import sync_account
from rollbook.portal.models import ParentAccount, SignInRequest, SignInToken
from rollbook.portal.tests.conftest import EARLY, MUM
from rollbook.pupils.models import Contact

SIGN_IN = reverse("portal:sign_in")


def ask(client, email):
    return client.post(SIGN_IN, {"email": email})


def link_from_email() -> str:
    return re.search(r"http://testserver(/parents/sign-in/[^/\s]+/)", mail.outbox[-1].body)[1]


def test_known_and_unknown_addresses_get_the_same_page_and_only_a_parent_gets_a_link(client, pw):
    known = ask(client, "MUM@example.org ")
    unknown = ask(client, "nobody@example.org")

    def main(response, email):  # the page without the per-request CSRF token and nonce
        text = response.content.decode().replace(email, "EMAIL")
        return text[text.index("<main") : text.index("</main>")]

    assert known.status_code == unknown.status_code == 200
    assert main(known, "MUM@example.org") == main(unknown, "nobody@example.org")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [MUM]
    assert SignInRequest.objects.count() == 2  # both count towards the limits
    assert not SignInRequest.objects.filter(email_hash__contains="@").exists()


def test_the_token_is_stored_hashed_and_a_get_does_not_spend_it(client, pw):
    ask(client, MUM)
    url = link_from_email()
    token = url.rstrip("/").rsplit("/", 1)[1]

    stored = SignInToken.objects.get()
    assert stored.token_hash == rules.hash_token(token) != token
    assert client.get(url).status_code == 200  # a mail scanner opening it
    assert SignInToken.objects.get().used_at is None


def test_a_link_signs_in_once(client, pw):
    ask(client, MUM)
    url = link_from_email()

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "Amy Brook" in client.get(reverse("portal:home")).content.decode()
    assert AuditEvent.objects.filter(kind="portal.signed_in").count() == 1
    client.logout()
    again = client.post(url)
    assert "expired or has already been used" in again.content.decode()
    assert client.get(reverse("portal:home")).status_code == 302  # not signed in


def test_a_link_expires_after_20_minutes(client, pw, monkeypatch):
    ask(client, MUM)
    url = link_from_email()

    monkeypatch.setattr(views, "now", lambda: EARLY + timedelta(minutes=20))
    response = client.post(url)

    assert "expired or has already been used" in response.content.decode()


def test_a_new_link_spends_the_older_ones_when_used(client, pw):
    ask(client, MUM)
    first = link_from_email()
    ask(client, MUM)
    second = link_from_email()

    client.post(second)
    client.logout()

    assert "expired" in client.post(first).content.decode()


def test_requests_are_rate_limited_per_address(client, pw):
    for _ in range(4):
        response = ask(client, MUM)

    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert len(mail.outbox) == rules.MAX_LINKS_PER_EMAIL


def test_an_invalid_address_is_an_error_on_the_form(client, pw):
    response = ask(client, "not an address")

    assert "Enter an email address in the correct format" in response.content.decode()
    assert not SignInRequest.objects.exists()


def test_a_contact_without_parental_responsibility_gets_no_account(client, pw):
    Contact.objects.filter(email="carl@example.org").update(email="carl@example.org")
    pw.cara.contact_links.update(parental_responsibility=False)

    ask(client, "carl@example.org")

    assert not mail.outbox
    assert not ParentAccount.objects.filter(email="carl@example.org").exists()


def test_a_changed_address_on_the_record_ends_the_link(pw):
    Contact.objects.filter(pk=pw.mum.pk).update(email="bella@example.org")

    account = sync_account(MUM, EARLY)

    link = account.links.get()
    assert link.ended_at == EARLY and "changed" in link.end_reason
    assert not account.links.filter(ended_at__isnull=True).exists()


def test_signing_out_goes_back_to_the_sign_in_page(client, pw):
    client.force_login(pw.account.user)

    response = client.post(reverse("portal:sign_out"))

    assert response["Location"] == SIGN_IN
    assert client.get(reverse("portal:home"))["Location"].startswith(SIGN_IN)
