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
import time
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


def keep(kind: str, stamp: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave while ``stamp`` (a value that changes whenever the
    result can, such as ``forecasts.pagestamps``) was as it is now; kept in ``pages``
    (many entries), for every user."""
    if not current_app.config["BOARD_CACHE"]:
        return compute()
    key = f"{kind}:{stamp!r}"
    found = pages.get(key)
    if found is None:
        found = compute()
        pages.set(key, found)
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
    with _first_to_take(f"{current_app.config['CACHE_KEY_PREFIX']}task:{name}") as mine:
        yield mine


@contextlib.contextmanager
def _first_to_take(name: str):
    """Yields whether this worker took the store's lock ``name`` (without waiting for
    it), and frees it afterwards; always True without a shared store."""
    client = _redis()
    if client is None:
        yield True
        return
    lock = client.lock(name, timeout=SHARED_LOCK_SECONDS)
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


AS_OF_HEADER = "X-As-Of"  # when a stale answer shows the registry as of
AS_OF_MARK = "<!--page-as-of-->"  # where base.html lets a stored page say how old it is
RENDER_WAIT_SECONDS = 30  # how long a reader waits for another worker's rendering


def reader_page(view: Callable | None = None, *, stamp: Callable[..., Any] | None = None):
    """Serve the view's page to anonymous readers from ``pages`` while what it shows is
    unchanged; answers carry ``X-Page-Cache: hit``, ``miss`` or ``stale``.

    Without ``stamp`` a page is keyed by the registry's stamp (any write renders it
    anew). With one, ``stamp(**view_kwargs)`` is a value that changes whenever the
    page's content can (``forecasts.pagestamps``; None: key by the registry's stamp),
    and a write elsewhere leaves the page stored.

    A page is rendered once across all workers: the first reader to miss renders it
    under a lock in the store, and readers arriving meanwhile are served the previous
    rendering of the same address, marked with the time it shows the registry as of
    (``stale``), or, when there is none, wait for the new one."""
    if view is None:
        return functools.partial(reader_page, stamp=stamp)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _for_reader():
            return view(*args, **kwargs)
        own = stamp(**kwargs) if stamp is not None else None
        version = registry_key() if own is None else f"{own!r}@{_today()}"
        key = f"page:{version}:{request.full_path}"
        found = pages.get(key)
        if found is not None:
            return _stored(found, "hit")
        with _rendering(request.full_path) as mine:
            if not mine:
                previous = pages.get(_latest_key())
                if previous is not None:
                    return _stored(previous, "stale", as_of=True)
                mine = _wait_for_rendering(request.full_path)
            found = pages.get(key)
            if found is not None:
                return _stored(found, "hit")
            return _render_and_keep(view, args, kwargs, key)

    return wrapper


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _latest_key() -> str:
    return f"latest:{request.full_path}"


def _stored(found: tuple, how: str, as_of: bool = False):
    body, content_type, rendered_at = (*found, None)[:3]  # (stored before "as of": 2)
    if as_of and rendered_at:
        note = (
            '<p class="note as-of" role="status">This page shows the registry as of '
            f"{rendered_at} UTC; a newer one is being prepared: reload in a moment.</p>"
        )
        body = body.replace(AS_OF_MARK.encode(), note.encode(), 1)
    response = current_app.response_class(body, content_type=content_type)
    response.headers[HEADER] = how
    if as_of and rendered_at:  # for answers without a page to carry the note (JSON)
        response.headers[AS_OF_HEADER] = f"{rendered_at} UTC"
    return response


def _render_and_keep(view: Callable, args: tuple, kwargs: dict, key: str):
    response = current_app.make_response(view(*args, **kwargs))
    token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if response.status_code == 200 and token not in g:
        rendered_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        kept = (response.get_data(), response.content_type, rendered_at)
        pages.set(key, kept)
        pages.set(_latest_key(), kept)
    response.headers[HEADER] = "miss"
    return response


@contextlib.contextmanager
def _rendering(address: str):
    """Yields whether this reader renders ``address`` now (no one else is rendering it,
    in this process or, with a shared store, in any worker)."""
    with _computing_guard:
        lock = _computing.setdefault(f"render:{address}", threading.Lock())
    if not lock.acquire(blocking=False):
        yield False
        return
    try:
        with _first_to_take(_render_lock_name(address)) as mine:
            yield mine
    finally:
        lock.release()
        with _computing_guard:
            _computing.pop(f"render:{address}", None)


def _render_lock_name(address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{current_app.config['CACHE_KEY_PREFIX']}render:{digest}"


def _wait_for_rendering(address: str) -> bool:
    """Wait (a bounded time) until no one renders ``address``; then this reader renders
    it if it is still missing. Returns True."""
    client = _redis()
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        if client is not None:  # the renderer holds the lock in the store
            busy = bool(client.exists(_render_lock_name(address)))
        else:  # the renderer is a thread of this process
            with _computing_guard:
                local = _computing.get(f"render:{address}")
            busy = local is not None and local.locked()
        if not busy:
            break
        time.sleep(0.01)
    return True
