"""API tokens: a school, a role and a name; only a SHA-256 of the token is stored."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from rollbook.core.models import Role, School


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="api_tokens")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=100, help_text="e.g. 'MIS sync'")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school", "name", "id"]

    def __str__(self) -> str:
        # Throttling keys on str(request.auth): the hash is unique per token and not the secret.
        return f"api-token:{self.token_hash}"

    @property
    def label(self) -> str:
        return f"API token {self.name} ({self.pk})"
