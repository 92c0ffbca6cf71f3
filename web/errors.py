"""What a reader sees when a page cannot be shown: one page of one shape for every error.

The HTTP errors (404, 405, 429...) and the registry's own errors that reach a page
(a ``NotFoundError`` or ``PermissionDenied`` from a service, a ``ValidationError`` a form
did not catch, a ``ConflictError``) all render ``error.html`` with a plain sentence and
the right status. Under ``/api/`` the API's own handlers answer in JSON; an unknown API
address still gets JSON here.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from forecasts.errors import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    RegistryError,
    ValidationError,
)

MESSAGES = {
    400: "The request could not be understood.",
    403: "Your account may not do this.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    409: "Someone else changed this while you were looking at it. Reload and try again.",
    413: "The request is larger than this server accepts.",
    429: "Too many attempts. Wait a few minutes and try again.",
}

# The registry's errors by the status a page answers them with (most specific first).
STATUS_OF = (
    (NotFoundError, 404),
    (PermissionDenied, 403),
    (ConflictError, 409),
    (ValidationError, 400),
)


def status_of(error: RegistryError) -> int:
    return next((status for kind, status in STATUS_OF if isinstance(error, kind)), 400)


def _page(code: int, message: str | None):
    if request.path.startswith("/api/"):  # machines get JSON, even for unknown URLs
        return {"errors": [], "message": MESSAGES.get(code, "Error.")}, code
    return render_template("error.html", code=code, message=message), code


def _http_error(error):
    code = getattr(error, "code", 500) or 500
    # A description given with abort() is specific: show it; else a plain sentence.
    specific = getattr(error, "description", None) != getattr(type(error), "description", None)
    return _page(code, error.description if specific else MESSAGES.get(code))


def _registry_error(error: RegistryError):
    code = status_of(error)
    return _page(code, str(error) or MESSAGES.get(code))


def register_pages(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _http_error)
    app.register_error_handler(RegistryError, _registry_error)
