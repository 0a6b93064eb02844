"""One router per resource; each declares the error responses it may give."""

from rollbook.api.schemas import ErrorOut

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
