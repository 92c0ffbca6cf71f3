"""Public pages and computed boards, remembered until the registry changes.

A public page seen by an anonymous reader depends only on its URL, on the registry and
on the day (what is due or overdue). ``forecasts.scores.registry_stamp`` is a cheap
value that changes with every change made through the registry (services, imports,
the demo generator), so a page stored under (stamp, day, URL) is never stale after
such a change: the next request reads a new stamp and renders afresh. Entries also
expire after ``CACHE_DEFAULT_TIMEOUT`` seconds (300 by default), a backstop for a
change made behind the registry's back (SQL typed by hand), and for the one race the
stamp can miss: on PostgreSQL, ids come from sequences, so of two writing transactions
the one with the lower ids may commit last, after a reader has seen the other's stamp;
that reader's page is then stale until it expires. (SQLite has one writer at a time.)

Two stores, both Flask-Caching (``CACHE_TYPE``, default ``SimpleCache``: in the
process; ``FileSystemCache`` with ``CACHE_DIR``, or ``RedisCache``, share one store
between gunicorn workers; see the README):

- ``pages``: the rendered HTML of public pages for anonymous readers. Signed-in users
  always get a fresh page (their navigation shows the due queue and a sign-out form),
  and so does a reader with a message waiting to be shown (a flash). A page whose
  rendering made a CSRF token is never stored (it would be someone else's token).
- ``boards``: computed results (a leaderboard with its calibration inputs) for every
  user, so that sorting or paging a board, or an editor's visit, does not recompute
  every score. Few entries (``BOARD_CACHE_THRESHOLD``, default 16): each can be large.

``PAGE_CACHE = False`` in the app's config turns both off; ``BOARD_CACHE`` (default:
the same as ``PAGE_CACHE``) turns ``boards`` on or off alone (``forecasts publish``
renders every page afresh but computes the board its pages share once).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_caching import Cache
from flask_login import current_user

from forecasts import scores

pages = Cache(with_jinja2_ext=False)
boards = Cache(with_jinja2_ext=False)

HEADER = "X-Page-Cache"

_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


def init_app(app: Flask) -> None:
    config = app.config
    config.setdefault("PAGE_CACHE", True)
    config.setdefault("BOARD_CACHE", config["PAGE_CACHE"])
    config.setdefault("CACHE_TYPE", os.environ.get("FORECASTS_CACHE_TYPE", "SimpleCache"))
    if os.environ.get("FORECASTS_CACHE_DIR"):
        config.setdefault("CACHE_DIR", os.environ["FORECASTS_CACHE_DIR"])
    if os.environ.get("FORECASTS_CACHE_REDIS_URL"):
        config.setdefault("CACHE_REDIS_URL", os.environ["FORECASTS_CACHE_REDIS_URL"])
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 300)
    config.setdefault("CACHE_THRESHOLD", 500)
    config.setdefault("BOARD_CACHE_THRESHOLD", 16)
    config.setdefault("CACHE_KEY_PREFIX", key_prefix(config["DATABASE_URL"]))
    pages.init_app(app)
    boards.init_app(app, {"CACHE_THRESHOLD": config["BOARD_CACHE_THRESHOLD"]})


def key_prefix(database_url: str) -> str:
    """The prefix of one registry's entries in a shared store, apart from another's."""
    return f"forecasts:{hashlib.sha256(str(database_url).encode()).hexdigest()[:12]}:"


def registry_key() -> str:
    """The registry's stamp and today's date (UTC), read once per request."""
    if "registry_key" not in g:
        # On a connection of its own, before the page's session reads anything: the
        # page is then at least as new as the stamp it is stored under.
        # A bare DB-API cursor: this runs on every request for a stored page.
        connection = current_app.extensions["forecasts.engine"].raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(scores.REGISTRY_STAMP_SQL)
            stamp = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()
        g.registry_key = f"{'.'.join(map(str, stamp))}@{dt.datetime.now(dt.UTC).date()}"
    return g.registry_key


def remember(kind: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave for the same ``parts`` while the registry was as
    it is now."""
    if not current_app.config["BOARD_CACHE"]:
        return compute()
    key = f"{kind}:{registry_key()}:{parts!r}"
    found = boards.get(key)
    if found is not None:
        return found
    # Readers arriving while a board is computed wait for it instead of computing it
    # again: within this process by a thread lock, and, when the store is shared
    # (Redis), across every worker by a lock in the store.
    with _computing_guard:
        lock = _computing.setdefault(key, threading.Lock())
    try:
        with lock, _shared_lock(key):
            found = boards.get(key)
            if found is None:
                found = compute()
                boards.set(key, found)
                _count_computation(kind)
    finally:
        with _computing_guard:
            _computing.pop(key, None)
    return found


SHARED_LOCK_SECONDS = 300  # a worker that dies holding the lock frees it after this


def _redis():
    """The Redis client behind ``boards`` when it is a ``RedisCache``, else None."""
    backend = boards.cache
    client = getattr(backend, "_write_client", None)
    return client if client is not None and hasattr(client, "lock") else None


def _shared_lock(key: str):
    client = _redis()
    if client is None:
        return contextlib.nullcontext()
    prefix = current_app.config["CACHE_KEY_PREFIX"]
    return client.lock(
        f"{prefix}lock:{hashlib.sha256(key.encode()).hexdigest()}",
        timeout=SHARED_LOCK_SECONDS,
        blocking_timeout=SHARED_LOCK_SECONDS,
    )


@contextlib.contextmanager
def exclusive(name: str):
    """Yields whether this worker may do the named background task now: always without
    a shared store; with one, only the worker that takes its lock (the others skip it)."""
    client = _redis()
    if client is None:
        yield True
        return
    lock = client.lock(
        f"{current_app.config['CACHE_KEY_PREFIX']}task:{name}", timeout=SHARED_LOCK_SECONDS
    )
    mine = lock.acquire(blocking=False)
    try:
        yield mine
    finally:
        if mine:
            with contextlib.suppress(Exception):  # expired meanwhile: nothing to free
                lock.release()


def _count_computation(kind: str) -> None:
    """In a shared store, how many times each kind of board was computed (all workers
    together): ``forecasts:<registry>:computed:<kind>``, for operators and the tests."""
    client = _redis()
    if client is not None:
        client.incr(f"{current_app.config['CACHE_KEY_PREFIX']}computed:{kind}")


def _for_reader() -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def reader_page(view: Callable) -> Callable:
    """Serve the view's page to anonymous readers from ``pages`` while the registry is
    unchanged; answers carry ``X-Page-Cache: hit`` or ``miss``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _for_reader():
            return view(*args, **kwargs)
        key = f"page:{registry_key()}:{request.full_path}"
        found = pages.get(key)
        if found is not None:
            body, content_type = found
            response = current_app.response_class(body, content_type=content_type)
            response.headers[HEADER] = "hit"
            return response
        response = current_app.make_response(view(*args, **kwargs))
        token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if response.status_code == 200 and token not in g:
            pages.set(key, (response.get_data(), response.content_type))
        response.headers[HEADER] = "miss"
        return response

    return wrapper
