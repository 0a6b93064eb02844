"""Bearer-token authentication: the token's school and role become the request's scope.

Session sign-ins are not accepted on the API, so CSRF does not apply (no ambient credentials).
"""

from __future__ import annotations

from ninja.security import HttpBearer

from rollbook.api.actions import note_token_used
from rollbook.api.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> ApiToken | None:
        if not token:
            return None
        found = (
            ApiToken.objects.select_related("school")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        note_token_used(found)
        request.school, request.role = found.school, found.role
        return found
