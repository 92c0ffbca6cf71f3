"""Every API error is JSON of one shape: ``{"errors": [{"field", "rule"}], "message"}``.

400 the request cannot be read (malformed JSON, a value of the wrong type, an unknown
field or query parameter value); 401 no usable token; 403 the token's user may not;
404 no such row; 409 a stale view (``current`` holds the current values); 422 the
service refused the input (its ``ValidationError``: field and rule); 429 rate limit.
"""

from __future__ import annotations

import math
import sys
import time

from flask import Response, jsonify
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException, default_exceptions

from forecasts.errors import ConflictError, FieldError, RegistryError, ValidationError
from web.errors import status_of
from web.extensions import limiter

# Where webargs found the bad value, as the field name of an error on the whole of it.
_LOCATION_FIELDS = {
    "json": "body",
    "query": "query",
    "querystring": "query",
    "view_args": "path",
    "path": "path",
}
# marshmallow's messages in the registry's own words ("field: rule").
_RULES = {
    "Not a valid number.": "must be a number",
    "Not a valid integer.": "must be a whole number",
    "Not a valid string.": "must be a string",
    "Not a valid boolean.": "must be true or false",
    "Not a valid list.": "must be a list",
    "Not a valid mapping type.": "must be an object",
    "Field may not be null.": "must not be null",
    "Unknown field.": "is not a field of this request",
    "Invalid input type.": "must be a JSON object",
    "Invalid JSON body.": "is not valid JSON",
    "Special numeric values (nan or infinity) are not permitted.": "must be a finite number",
}


def error_response(status: int, message: str, errors=(), headers=None, **extra) -> Response:
    body = {
        "errors": [{"field": e.field, "rule": e.rule} for e in errors],
        "message": message,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten(messages, field: str = "") -> list[FieldError]:
    """marshmallow's nested messages as (field, rule) pairs: ``distribution.Red``,
    ``tags[0]``; a message on a whole location names the location (``body``)."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            if key in _LOCATION_FIELDS and not field:
                name = _LOCATION_FIELDS[key]
                found += flatten(value, "") if isinstance(value, dict) else flatten(value, name)
            elif key == "_schema":
                found += flatten(value, field or "body")
            elif key == "value" and field:  # a mapping's value: name the entry
                found += flatten(value, field)
            elif isinstance(key, int):
                found += flatten(value, f"{field}[{key}]")
            else:
                found += flatten(value, f"{field}.{key}" if field else str(key))
        return found
    if isinstance(messages, list | tuple):
        found = []
        for item in messages:
            found += (
                flatten(item, field)
                if isinstance(item, dict | list)
                else [FieldError(field or "body", _RULES.get(str(item), str(item)))]
            )
        return found
    return [FieldError(field or "body", _RULES.get(str(messages), str(messages)))]


class ArgumentsParser(FlaskParser):
    """webargs' parser with the API's statuses: an unreadable request is a 400 (422 is
    kept for the services' rules), and a body that is not JSON is refused, not ignored."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        if not req.is_json and req.get_data(cache=True):
            raise _NotJson()
        try:
            data = super()._raw_load_json(req)
        except RecursionError:
            raise _BadJson("must not nest arrays or objects this deeply") from None
        except ValueError as error:  # a number too long to read, among others
            if "digits" in str(error):
                raise _BadJson(f"has a number longer than {MAX_DIGITS} digits") from None
            raise
        if _has_lone_surrogate(data):
            raise _BadJson("must be text a computer can store: no lone surrogate (\\ud800...)")
        return data


MAX_DIGITS = sys.get_int_max_str_digits()


def _has_lone_surrogate(value) -> bool:
    """Whether any string in the parsed body holds half of a UTF-16 pair: it cannot be
    stored (PostgreSQL and SQLite both refuse it). Iterative, so any depth is safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _NotJson(Exception):
    pass


class _BadJson(Exception):
    def __init__(self, rule: str):
        super().__init__(rule)
        self.rule = rule


def _http_error(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = flatten(data["messages"]) if "messages" in data else []
    headers = dict(data.get("headers") or {})
    message = error.description or error.name
    if status >= 500:
        message = "The server failed to answer; the error is logged."
    if errors:
        message = "The request could not be read: " + "; ".join(map(str, errors))
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="forecasts"')
    elif status == 429:
        message = f"Rate limit exceeded ({error.description}); wait and try again."
        current = limiter.current_limit
        if current is not None:
            headers["Retry-After"] = str(max(1, math.ceil(current.reset_at - time.time())))
    return error_response(status, message, errors, headers)


def _bad_json(error: _BadJson):
    return error_response(
        400, f"The request could not be read: body: {error.rule}", [FieldError("body", error.rule)]
    )


def _not_json(_error: _NotJson):
    return error_response(
        400,
        "The request could not be read.",
        [FieldError("body", "must be JSON, sent with Content-Type: application/json")],
    )


def _registry_error(error: RegistryError):
    """The registry's own errors, each with its status: a refused input (422, each field
    and rule), no such row (404), a stale view (409, with the current values), a role
    that may not act (403)."""
    if isinstance(error, ValidationError):
        return error_response(422, "Nothing was changed: " + str(error), error.errors)
    if isinstance(error, ConflictError):
        return error_response(409, str(error), current=error.current)
    return error_response(status_of(error), str(error))


def register(blueprint) -> None:
    """JSON for every error raised in the blueprint's requests (the web pages keep theirs).
    By status code too: Flask prefers an app's handler for a code to a blueprint's
    handler for a class."""
    blueprint.register_error_handler(HTTPException, _http_error)
    for code in default_exceptions:
        blueprint.register_error_handler(code, _http_error)
    blueprint.register_error_handler(_NotJson, _not_json)
    blueprint.register_error_handler(_BadJson, _bad_json)
    blueprint.register_error_handler(RegistryError, _registry_error)
