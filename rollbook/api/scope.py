"""What a token's role may reach, and paging. Another school's objects are simply not found (404)."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from rollbook.core.access import AGGREGATE_ROLES, OFFICE_ROLES, PUPIL_READ_ROLES

MAX_PAGE_SIZE = 500
# Page numbers are bounded so that the OFFSET stays a valid 64-bit integer (schemathesis found
# that page=2**62 made SQLite fail with 'datatype mismatch': a 500 instead of a 422).
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 100


def require(request, roles: frozenset[str], what: str) -> None:
    if request.auth.role not in roles:
        raise PermissionDenied(f"A token with the {request.auth.role} role cannot {what}.")


def require_pupil_level(request) -> None:
    require(request, PUPIL_READ_ROLES, "read pupil-level data")


def require_mark_writer(request) -> None:
    require(request, OFFICE_ROLES, "write marks")


def require_aggregates(request) -> None:
    require(request, AGGREGATE_ROLES, "read attendance figures")


def paginate(queryset: QuerySet, page: int, page_size: int, item) -> dict:
    count = queryset.count()
    start = (page - 1) * page_size
    return {
        "items": [item(row) for row in queryset[start : start + page_size]],
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / page_size)),
    }
