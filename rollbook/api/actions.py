"""Writes to API tokens: create (the token is returned once) and revoke, each audited."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from rollbook.api.models import ApiToken, hash_token
from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.models import Role, School

TOKEN_PREFIX = "rb_"


class TokenError(ValueError):
    pass


@transaction.atomic(durable=True)
def create_api_token(
    *, actor=None, actor_label: str = "", school: School, role: str, name: str
) -> tuple[ApiToken, str]:
    """A new token for `school` acting as `role`: (the row, the token to show once)."""
    if role not in Role.values:
        raise TokenError(f"role {role!r} is not one of {', '.join(Role.values)}")
    if not name.strip():
        raise TokenError("a token needs a name, e.g. 'MIS sync'")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        school=school,
        role=role,
        name=name.strip(),
        token_hash=hash_token(token),
        created_by=user_or_none(actor),
        created_by_label=actor_label,
        created_at=timezone.now(),
    )
    audit.record(
        "api_token.created",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=row,
        role=role,
        name=row.name,
    )
    return row, token


@transaction.atomic(durable=True)
def revoke_api_token(*, actor=None, actor_label: str = "", token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise TokenError(f"token {token.pk} was already revoked on {token.revoked_at:%Y-%m-%d}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        "api_token.revoked",
        actor=actor,
        actor_label=actor_label,
        school=token.school,
        obj=token,
        name=token.name,
    )
    return token


def note_token_used(token: ApiToken) -> None:
    """Stamp last_used_at (a usage stamp, not a business event: no audit row)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
