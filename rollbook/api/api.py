"""The REST API: `/api/v1/...`, bearer tokens scoped to a school and a role.

Every error has one shape: {"error": {"code", "message", "fields": [{"field", "message"}]}}.
The OpenAPI document is served at /api/v1/openapi.json; the Swagger page is off (it would
load its scripts from a CDN or need ninja's static files).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.throttling import AuthRateThrottle

from rollbook.api.auth import TokenAuth
from rollbook.api.routers import absences, alerts, marks, pupils, school, statistics

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    422: "invalid",
    429: "throttled",
}
RATE = "600/m"  # per token

api = NinjaAPI(
    title="Rollbook API",
    version="1",
    description="Attendance registers for a school: pupils, contacts, classes, marks, absences reported by parents, alerts, statistics.",
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url=None,
    docs_decorator=require_GET,
    auth=TokenAuth(),
    throttle=[AuthRateThrottle(RATE)],
)


def error(request, status: int, message: str, fields: list[dict] | None = None):
    body = {"code": CODES.get(status, "error"), "message": message, "fields": fields or []}
    return api.create_response(request, {"error": body}, status=status)


def field_name(loc) -> str:
    """ninja's loc, e.g. ("body", "payload", 3, "code") -> "3.code"; ("query", "page") -> "page"."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        source = parts.pop(0)
        if source == "body" and parts and isinstance(parts[0], str) and parts[0] == "payload":
            parts.pop(0)
    return ".".join(str(p) for p in parts)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields = [
        {"field": field_name(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors
    ]
    return error(request, 422, "The request is not valid.", fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error(request, 401, "A valid API token is needed: 'Authorization: Bearer <token>'.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error(request, exc.status_code, exc.message)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, str(exc) or "This token may not do this.")


def urls():
    """api.urls, each view exempt from LoginRequiredMiddleware: the API has its own auth."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # what @login_not_required sets
    return patterns, app_name, namespace


api.add_router("/v1/", school.router)
api.add_router("/v1/pupils", pupils.router)
api.add_router("/v1/marks", marks.router)
api.add_router("/v1/statistics", statistics.router)
api.add_router("/v1/alerts", alerts.router)
api.add_router("/v1/absence-reports", absences.router)
