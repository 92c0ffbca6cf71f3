"""The documented production setup, run for real: gunicorn with several workers on
PostgreSQL, the page store and the rate limiter on Redis. One board is computed once
for all the workers; a write through one worker shows through every other at once;
failed sign-ins are counted across workers, not per worker."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from forecasts import services, tokens
from forecasts.db import make_engine, make_session_factory
from forecasts.seeding import load_seeds
from support import PASSWORD, csrf_token
from web import pagecache

WORKERS = 3
THREADS = 2  # gthread workers, as the README runs them


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(database_url, redis_url, tmp_path):
    """Gunicorn serving the seed registry with WORKERS workers; yields (base URL, an
    editor's API token, the Redis client, the app's key prefix)."""
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        load_seeds(session)
        editor = services.create_user(
            session, services.Actor.system(), name="ed", role="editor", password=PASSWORD
        )
        _, token = tokens.create_token(session, services.Actor.of(editor), name="workers")
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FORECASTS_HOME": str(tmp_path / "home"),
        "FORECASTS_SECRET_KEY": "workers-test",
        "FORECASTS_CACHE_TYPE": "RedisCache",
        "FORECASTS_CACHE_REDIS_URL": redis_url,
        "FORECASTS_RATELIMIT_STORAGE": redis_url,
        "FORECASTS_LOGIN_RATE_LIMIT": "4 per minute",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web:create_app()",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stdout.read().decode()) from None
                time.sleep(0.25)
        else:
            raise AssertionError("gunicorn did not start")
        prefix = pagecache.key_prefix(database_url)
        client = redis.Redis.from_url(redis_url)
        yield base, token, client, prefix
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post(url: str, data: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _computed(client, prefix: str) -> int:
    return int(client.get(prefix + "computed:leaderboard") or 0)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_several_workers_share_one_truth(served):
    base, token, client, prefix = served
    with ThreadPoolExecutor(12) as pool:  # at once: every worker is asked
        answers = list(pool.map(lambda _: _get(base + "/leaderboard"), range(12)))
    assert {status for status, _ in answers} == {200}
    assert _computed(client, prefix) == 1  # one board for all the workers

    question = {
        "statement": "Will the workers agree by 2030?",
        "resolution_criteria": "Every worker shows this question.",
    }
    added = _post(
        base + "/api/v1/questions",
        json.dumps(question).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert added == 201
    with ThreadPoolExecutor(12) as pool:  # every worker sees the write at once
        pages = list(pool.map(lambda _: _get(base + "/questions"), range(12)))
    assert all(status == 200 and question["statement"] in body for status, body in pages)
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda _: _get(base + "/leaderboard"), range(12)))
    assert _computed(client, prefix) == 2  # the write made one new board, once

    def wrong_sign_in(_):
        """A browser of its own: the form's CSRF token, then a wrong password."""
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = opener.open(base + "/login", timeout=30).read().decode()
        csrf = csrf_token(form)
        data = urllib.parse.urlencode({"name": "ed", "password": "wrong", "csrf_token": csrf})
        try:
            with opener.open(base + "/login", data=data.encode(), timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # One after another (each counted before the next is checked), on fresh connections
    # that any of the workers may take.
    statuses = [wrong_sign_in(attempt) for attempt in range(2 * WORKERS + 2)]
    # 4 a minute for the address, counted across the workers (each alone would allow 4)
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}, statuses
