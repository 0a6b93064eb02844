"""Telling parents something changed, by email to their portal address. The email says only
that there is news and where to read it: the details stay behind the sign-in."""

from __future__ import annotations

from django.core.mail import send_mail

from rollbook.portal.models import ParentAccount


def tell_parents(contact, *, subject: str, text: str, portal_url: str) -> int:
    """Email every portal account linked to this contact; the number of emails sent."""
    addresses = list(
        ParentAccount.objects.filter(
            links__contact=contact, links__ended_at__isnull=True
        ).values_list("email", flat=True)
    )
    for address in addresses:
        send_mail(subject, f"{text}\n\nSign in to read it: {portal_url}\n", None, [address])
    return len(addresses)
