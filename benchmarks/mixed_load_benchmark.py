"""Benchmark: readers and editors at once against the production setup, on loopback.

Runs the setup the README documents for production (gunicorn with ``--workers`` sync
workers, PostgreSQL, the page store and the rate limiter on Redis) over a synthetic
demo registry (``forecasts.demo``, fixed seed; default 1,000,000 predictions), then
drives it with a bounded load that stops by itself:

(a) the baseline: ``--readers`` threads alone for ``--baseline-seconds``, each asking
    for public pages one after another (the leaderboard most often, also its second
    page and another sort, ``/api/v1/leaderboard``, a pundit's, a question's and a
    source's page, each one of ``--distinct`` sampled, the home page);
(b) the mixed load: the same readers and ``--writers`` threads for ``--seconds``; each
    writer logs a prediction through the API (``POST /api/v1/predictions``) on a random
    open question by a random pundit and every ``--resolve-every``-th write resolves an
    open question instead (``POST /api/v1/questions/SLUG/resolve``).

Every request's latency and status is recorded; any answer other than 200 (201 for a
write), and any refused connection or timeout, is an error. At the end it prints, per
phase and kind (page read, API read, log, resolve), the count, errors, p50, p95, p99 and
maximum latency and requests per second; whether any write was lost (the predictions
and resolutions counted in the database before and after, against the writes answered
201, and every id the API returned looked up); and what ``forecasts scores verify``
says. It exits 1 on any error, lost write or disagreement, not on latency (timings on
a shared machine are noisy).

The server binds 127.0.0.1 only. The API's rate limits are raised for the run (the
limiter still counts in Redis); the editor's tokens are revoked at the end, gunicorn is
stopped on every way out (Ctrl-C too), and the database the script made is dropped
unless ``--keep`` (with its entries in Redis). ``--reuse`` names the database after the
sizes, generates it only when it does not hold the registry yet, and keeps it, so a
second run at a million predictions does not generate it again; it checks the kept
scores first (``kept.verify``) and rebuilds them if an earlier run left them wrong, so
the verdict at the end is this run's.

Usage: python benchmarks/mixed_load_benchmark.py [--predictions P] [--pundits N]
       [--questions M] [--readers R] [--writers W] [--workers K] [--seconds S]
       [--baseline-seconds B] [--distinct D] [--resolve-every E] [--pause SECONDS]
       [--database-url URL] [--redis-url URL] [--reuse] [--keep]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from forecasts import kept, migrate, services, tokens
from forecasts.db import make_engine, make_session_factory, resolve_database_url
from forecasts.demo import generate_demo, has_demo_data
from forecasts.models import Prediction, Pundit, Question, Resolution, Source, User

EDITOR = "mixed-load-editor"
TIMEOUT = 60  # seconds a request may take before it counts as an error
KINDS = ("page read", "API read", "log", "resolve")
# (weight, kind, page, how to make the path from the sampled rows)
READS = (
    (30, "page read", "leaderboard", lambda rows, rng: "/leaderboard"),
    (8, "page read", "leaderboard page 2", lambda rows, rng: "/leaderboard?page=2"),
    (
        7,
        "page read",
        "leaderboard by log score",
        lambda rows, rng: "/leaderboard?sort=log_score&order=desc",
    ),
    (15, "API read", "API leaderboard", lambda rows, rng: "/api/v1/leaderboard?per_page=50"),
    (10, "page read", "a pundit", lambda rows, rng: f"/pundits/{rng.choice(rows.pundit_pages)}"),
    (10, "page read", "a question", lambda rows, rng: f"/questions/{rng.choice(rows.questions)}"),
    (10, "page read", "a source", lambda rows, rng: f"/sources/{rng.choice(rows.sources)}"),
    (10, "page read", "home", lambda rows, rng: "/"),
)


# ------------------------------------------------------------------------ the database


def _postgres_server_url() -> str:
    url = os.environ.get("FORECASTS_TEST_POSTGRES_URL")
    if not url:
        sys.exit(
            "mixed_load_benchmark: give --database-url, or set FORECASTS_TEST_POSTGRES_URL "
            "to a PostgreSQL server (a role with CREATEDB) to make a database on"
        )
    return resolve_database_url(url)


class ScratchDatabase:
    """A database of the script's own on the server: made here, dropped here."""

    def __init__(self, server_url: str, name: str):
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.name = name
        self.url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def exists(self) -> bool:
        with self.admin.connect() as connection:
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            return connection.execute(query, {"name": self.name}).first() is not None

    def create(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        # FORCE may not end another role's server process (an autovacuum worker in the
        # database): wait for it and try again, as the tests do.
        for attempt in range(20):
            try:
                with self.admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 19:
                    raise
                time.sleep(0.25)


@dataclasses.dataclass
class Rows:
    """What the load picks from: sampled once, before the server starts."""

    pundits: list[int]  # who the writers log for: any pundit
    pundit_pages: list[str]  # the pages the readers visit: a sample of each kind
    questions: list[str]
    sources: list[int]
    open_questions: list[tuple[int, str]]  # binary, no condition, none on it, open
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def to_resolve(self) -> tuple[int, str] | None:
        with self.lock:
            return self.open_questions.pop() if len(self.open_questions) > 1 else None

    def to_forecast(self, rng: random.Random) -> tuple[int, str]:
        with self.lock:
            return rng.choice(self.open_questions)


def _sample_rows(session, seed: int, distinct: int) -> Rows:
    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).date()
    pundits = list(session.execute(select(Pundit.id, Pundit.slug)).tuples())
    questions = list(session.scalars(select(Question.slug)))
    sources = list(session.scalars(select(Source.id)))
    conditions = (
        select(Question.condition_question_id)
        .where(Question.condition_question_id.is_not(None))
        .subquery()
    )
    open_questions = list(
        session.execute(
            select(Question.id, Question.slug).where(
                Question.kind == "binary",
                Question.condition_question_id.is_(None),
                # Resolving a condition annuls the questions that hang on it: one write
                # would add several resolutions, and the counts could not be compared.
                Question.id.not_in(select(conditions.c.condition_question_id)),
                Question.resolve_by > today,
                Question.id.not_in(select(Resolution.question_id)),
            )
        ).tuples()
    )
    rng.shuffle(open_questions)
    return Rows(
        pundits=[pundit_id for pundit_id, _ in pundits],
        pundit_pages=[slug for _, slug in rng.sample(pundits, min(len(pundits), distinct))],
        questions=rng.sample(questions, min(len(questions), distinct)),
        sources=rng.sample(sources, min(len(sources), distinct)),
        open_questions=open_questions,
    )


def _counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Prediction)),
        session.scalar(select(func.count()).select_from(Resolution)),
    )


def _editor_tokens(session, writers: int) -> list[str]:
    """One API token per writer, for an editor made once per database (the tokens a run
    stopped short left active are revoked first: a user may hold 25 at most)."""
    _revoke_tokens(session)
    system = services.Actor.system("benchmark")
    editor = session.scalar(select(User).where(User.name == EDITOR))
    if editor is None:
        editor = services.create_user(
            session, system, name=EDITOR, role="editor", password=secrets.token_hex(16)
        )
    actor = services.Actor.of(editor)
    return [tokens.create_token(session, actor, name=f"writer {n}")[1] for n in range(writers)]


def _revoke_tokens(session) -> None:
    editor = session.scalar(select(User).where(User.name == EDITOR))
    if editor is None:
        return
    actor = services.Actor.of(editor)
    for token in tokens.tokens_of(session, editor.id):
        if token.revoked_at is None:
            tokens.revoke_token(session, actor, token.id)


def _missing_ids(session, model, ids: list[int]) -> int:
    found = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found += session.scalar(select(func.count()).where(model.id.in_(chunk)))
    return len(ids) - found


# -------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(
    database_url: str, redis_url: str, workers: int, folder: Path, threads: int = 1
):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FORECASTS_HOME": str(folder / "home"),
        "FORECASTS_SECRET_KEY": secrets.token_hex(32),
        "FORECASTS_CACHE_TYPE": "RedisCache",
        "FORECASTS_CACHE_REDIS_URL": redis_url,
        "FORECASTS_RATELIMIT_STORAGE": redis_url,
        # The load comes from one address and a few tokens, far above what a person
        # sends: the limiter still counts every request in Redis, but refuses none.
        "FORECASTS_API_READ_RATE_LIMIT": "1000000 per minute",
        "FORECASTS_API_WRITE_RATE_LIMIT": "1000000 per minute",
    }
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed by _stop_gunicorn
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.log = log
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            return server, base
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.25)
    _stop_gunicorn(server)
    raise RuntimeError("gunicorn did not start:\n" + _log_tail(folder))


def _stop_gunicorn(server) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server.log.close()


def _log_tail(folder: Path, lines: int = 20, trouble_only: bool = False) -> str:
    """The last lines of gunicorn's log (``trouble_only``: those of errors, timeouts and
    tracebacks)."""
    path = folder / "gunicorn.log"
    if not path.exists():
        return ""
    found = path.read_text(errors="replace").splitlines()
    if trouble_only:
        words = ("ERROR", "CRITICAL", "TIMEOUT", "Traceback", "Error", "killed", "exited")
        found = [line for line in found if any(word in line for word in words)]
    return "\n".join(found[-lines:])


# ---------------------------------------------------------------------------- the load


@dataclasses.dataclass
class Sample:
    kind: str
    started: float
    ms: float
    status: int  # 0: no answer (refused, reset, timed out)
    path: str
    page: str
    cache: str  # the X-Page-Cache header: hit, miss, or empty


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.logged_ids: list[int] = []
        self.resolution_ids: list[int] = []
        self.errors: collections.Counter[str] = collections.Counter()
        self.crashes: list[str] = []  # a reader or writer that stopped on an exception

    def guarded(self, target):
        def run(*args):
            try:
                target(*args)
            except Exception as error:
                with self.lock:
                    self.crashes.append(f"{target.__name__[1:]}: {error!r}")

        return run

    def add(self, sample: Sample, body: bytes, expected: int) -> dict | None:
        with self.lock:
            self.samples.append(sample)
            if sample.status != expected:
                # Told apart by what went wrong, not by which row: digits become N.
                detail = re.sub(r"\d+", "N", body[:240].decode(errors="replace"))
                self.errors[f"{sample.kind} {sample.status}: {' '.join(detail.split())}"] += 1
                return None
        return json.loads(body) if sample.kind in ("log", "resolve") else None


def _request(recorder, base, kind, page, path, data=None, headers=None):
    expected = 200 if data is None else 201
    request = urllib.request.Request(base + path, data=data, headers=headers or {})
    started, cache = time.perf_counter(), ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, body = response.status, response.read()
            cache = response.headers.get("X-Page-Cache", "")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        status, body = 0, str(error).encode()
    ms = (time.perf_counter() - started) * 1000
    return recorder.add(Sample(kind, started, ms, status, path, page, cache), body, expected)


def _reader(base: str, rows: Rows, recorder: Recorder, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    weights = [weight for weight, *_ in READS]
    while time.perf_counter() < deadline:
        _, kind, page, path = rng.choices(READS, weights)[0]
        _request(recorder, base, kind, page, path(rows, rng))


def _now() -> str:
    # A second back: the server refuses a made-at or known-at in the future.
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _writer(base, rows, recorder, deadline, seed, token, resolve_every, pause) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    writes = 0
    while time.perf_counter() < deadline:
        writes += 1
        question = rows.to_resolve() if writes % resolve_every == 0 else None
        if question is not None:
            body = {
                "outcome": rng.choice(["yes", "no"]),
                "known_at": _now(),
                "evidence_url": "https://example.org/mixed-load",
            }
            path, kind = f"/api/v1/questions/{question[1]}/resolve", "resolve"
        else:
            question_id, _ = rows.to_forecast(rng)
            body = {
                "question_id": question_id,
                "pundit_id": rng.choice(rows.pundits),
                "made_at": _now(),
                "probability": round(rng.uniform(0.01, 0.99), 2),
                "probability_origin": "estimated",
            }
            path, kind = "/api/v1/predictions", "log"
        data = json.dumps(body).encode()
        answer = _request(recorder, base, kind, kind, path, data, headers)
        if answer is not None:
            with recorder.lock:
                (recorder.logged_ids if kind == "log" else recorder.resolution_ids).append(
                    answer["id"]
                )
        if pause:
            time.sleep(pause)


def _run_phase(base, rows, args, seconds: float, tokens_: list[str]) -> tuple[Recorder, float]:
    recorder = Recorder()
    start = time.perf_counter()
    deadline = start + seconds
    threads = [
        threading.Thread(
            target=recorder.guarded(_reader),
            args=(base, rows, recorder, deadline, 100 + n),
            daemon=True,
        )
        for n in range(args.readers)
    ]
    threads += [
        threading.Thread(
            target=recorder.guarded(_writer),
            args=(base, rows, recorder, deadline, 200 + n, token, args.resolve_every, args.pause),
            daemon=True,
        )
        for n, token in enumerate(tokens_)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # a timed join, so Ctrl-C reaches the main thread
            thread.join(0.5)
    return recorder, time.perf_counter() - start


def _warm_up(base: str, rows: Rows) -> float:
    """Every kind of read once, not counted: the first board after the server starts."""
    recorder, rng, start = Recorder(), random.Random(0), time.perf_counter()
    for _, kind, page, path in READS:
        _request(recorder, base, kind, page, path(rows, rng))
    return time.perf_counter() - start


# ---------------------------------------------------------------------------- reporting


def _table(phase: str, recorder: Recorder, elapsed: float) -> list[str]:
    lines = []
    for kind in KINDS:
        samples = [s for s in recorder.samples if s.kind == kind]
        if not samples:
            continue
        ms = np.array([s.ms for s in samples])
        errors = sum(1 for s in samples if s.status != (201 if kind in ("log", "resolve") else 200))
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        lines.append(
            f"  {phase:9s} {kind:10s} {len(samples):7d} {errors:6d} {p50:8.1f} {p95:8.1f} "
            f"{p99:8.1f} {ms.max():8.1f} {len(samples) / elapsed:7.1f}"
        )
    reads = [s.ms for s in recorder.samples if s.kind in ("page read", "API read")]
    if reads:
        p50, p95, p99 = np.percentile(reads, [50, 95, 99])
        lines.append(
            f"  {phase:9s} {'all reads':10s} {len(reads):7d} {'':6s} {p50:8.1f} {p95:8.1f} "
            f"{p99:8.1f} {max(reads):8.1f} {len(reads) / elapsed:7.1f}"
        )
    return lines


def _by_page(phase: str, recorder: Recorder) -> list[str]:
    lines = []
    for _, _, page, _ in READS:
        samples = [s for s in recorder.samples if s.page == page]
        if not samples:
            continue
        ms = np.array([s.ms for s in samples])
        hits = sum(1 for s in samples if s.cache == "hit")
        stale = sum(1 for s in samples if s.cache == "stale")
        stored = sum(1 for s in samples if s.cache in ("hit", "miss", "stale"))
        share = f"{100 * hits / stored:5.0f}%" if stored else "     -"
        late = f"{100 * stale / stored:5.0f}%" if stored else "     -"
        p50, p99 = np.percentile(ms, [50, 99])
        lines.append(
            f"  {phase:9s} {page:25s} {len(samples):7d} {p50:8.1f} {p99:8.1f} {ms.max():8.1f} "
            f"{share} {late}"
        )
    return lines


def _computations(redis_url: str, database_url: str) -> int | None:
    try:
        import redis

        from web import pagecache

        key = pagecache.key_prefix(database_url) + "computed:leaderboard"
        return int(redis.Redis.from_url(redis_url).get(key) or 0)
    except Exception:  # only a figure for the report
        return None


def _clear_store(redis_url: str, database_url: str) -> None:
    import redis

    from web import pagecache

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(pagecache.key_prefix(database_url) + "*"):
        client.delete(key)


# ------------------------------------------------------------------------------- the run


def _prepare(url: str, args) -> tuple[Rows, list[str], tuple[int, int]]:
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            if has_demo_data(session):
                if not args.reuse:
                    sys.exit(
                        "mixed_load_benchmark: the database already holds a demo registry; "
                        "pass --reuse to run on it"
                    )
                print("reusing the demo registry already in the database", file=sys.stderr)
                # So that the verdict at the end is this run's: an earlier run may have
                # left kept scores that differ from the rows.
                earlier = kept.verify(session, limit=5)
                if earlier:
                    print(
                        "the kept scores differ from the rows before the load (an earlier "
                        "run?): " + "; ".join(earlier) + "; rebuilding them",
                        file=sys.stderr,
                    )
                    kept.rebuild(session)
            else:
                print("generating the demo registry ...", file=sys.stderr)
                start = time.perf_counter()
                counts = generate_demo(
                    session, args.pundits, args.questions, seed=1, predictions=args.predictions
                )
                elapsed = time.perf_counter() - start
                print(f"generated {counts} in {elapsed:.0f} s", file=sys.stderr)
        with sessions() as session:
            writer_tokens = _editor_tokens(session, args.writers)
        with sessions() as session:
            rows = _sample_rows(session, seed=3, distinct=args.distinct)
            before = _counts(session)
    finally:
        engine.dispose()
    return rows, writer_tokens, before


def _verify(url: str) -> tuple[int, str]:
    program = "import sys; from forecasts.cli import main; sys.argv[0] = 'forecasts'; main()"
    done = subprocess.run(
        [sys.executable, "-c", program, "--database-url", url, "scores", "verify"],
        capture_output=True,
        text=True,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def _load(url: str, args, folder: Path, rows: Rows, writer_tokens: list[str]):
    """The server up, the two phases, the server down: {phase: (recorder, seconds)},
    and the boards computed in each phase (None without the count)."""
    server, base = _start_gunicorn(url, args.redis_url, args.workers, folder, args.threads)
    try:
        print(
            f"gunicorn: {args.workers} workers of {args.threads} threads at {base}; warming up",
            file=sys.stderr,
        )
        print(f"warm-up (every kind of read once): {_warm_up(base, rows):.1f} s")
        computed = [_computations(args.redis_url, url)]
        print(f"baseline: {args.readers} readers alone for {args.baseline_seconds:g} s ...")
        baseline = _run_phase(base, rows, args, args.baseline_seconds, [])
        computed.append(_computations(args.redis_url, url))
        print(
            f"mixed: {args.readers} readers and {args.writers} writers for {args.seconds:g} s ..."
        )
        mixed = _run_phase(base, rows, args, args.seconds, writer_tokens)
        computed.append(_computations(args.redis_url, url))
    finally:
        _stop_gunicorn(server)
    boards = None if None in computed else (computed[1] - computed[0], computed[2] - computed[1])
    return {"baseline": baseline, "mixed": mixed}, boards


def _report_latency(args, before: tuple[int, int], phases: dict, boards) -> int:
    """The latency tables; returns how many kinds of problem it found (errors, stopped
    load threads)."""
    print(
        f"\nlatency in ms ({args.workers} gunicorn workers of {args.threads} threads, "
        "PostgreSQL and Redis, "
        f"{before[0]:,} predictions at the start)"
    )
    print(
        f"  {'phase':9s} {'kind':10s} {'count':>7s} {'errors':>6s} {'p50':>8s} {'p95':>8s} "
        f"{'p99':>8s} {'max':>8s} {'per s':>7s}"
    )
    for phase, (recorder, elapsed) in phases.items():
        for line in _table(phase, recorder, elapsed):
            print(line)
    print(
        f"\nreads by page, in ms\n  {'phase':9s} {'page':25s} {'count':>7s} {'p50':>8s} "
        f"{'p99':>8s} {'max':>8s} {'stored':>6s} {'as of':>6s}"
    )
    for phase, (recorder, _) in phases.items():
        for line in _by_page(phase, recorder):
            print(line)
    print(
        "  (stored: the share of answers from the page store, X-Page-Cache: hit; as of: the "
        "previous rendering, served while another worker rendered the page anew)\n"
    )
    for phase, (recorder, elapsed) in phases.items():
        total = len(recorder.samples)
        print(f"  {phase}: {total:,} requests in {elapsed:.1f} s, {total / elapsed:.1f} per second")
    if boards is not None:
        print(
            f"  leaderboards computed (all workers): {boards[0]} in the baseline, "
            f"{boards[1]} in the mixed phase"
        )
    problems = 0
    for phase, (recorder, _) in phases.items():
        failed = [s for s in recorder.samples if s.status not in (200, 201)]
        if failed:
            problems += 1
            print(f"{phase}: {len(failed)} errors, by kind:")
            for line, count in recorder.errors.most_common(10):
                print(f"  {count:5d} x {line}")
        if recorder.crashes:
            problems += 1
            print(f"{phase}: {len(recorder.crashes)} load threads stopped early:")
            for line in sorted(set(recorder.crashes)):
                print(f"  {line}")
    return problems


def _report_writes(url: str, before: tuple[int, int], recorder: Recorder) -> int:
    """Every write answered 201 is in the database, and nothing more; returns how many
    kinds of write were not accounted for. Revokes the writers' tokens."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        after = _counts(session)
        missing = (
            _missing_ids(session, Prediction, recorder.logged_ids),
            _missing_ids(session, Resolution, recorder.resolution_ids),
        )
        _revoke_tokens(session)
    engine.dispose()
    print("\nwrites lost:")
    problems = 0
    for (name, was, now), written, gone in zip(
        (("predictions", before[0], after[0]), ("resolutions", before[1], after[1])),
        (len(recorder.logged_ids), len(recorder.resolution_ids)),
        missing,
        strict=True,
    ):
        lost = was + written - now
        verdict = "none" if lost == 0 and gone == 0 else f"{lost} lost, {gone} ids not found"
        if lost or gone:
            problems += 1
        print(
            f"  {name:12s} before {was:,} + answered 201 {written:,} = {was + written:,}; "
            f"after {now:,}: {verdict}"
        )
    return problems


def run(url: str, args, folder: Path) -> int:
    rows, writer_tokens, before = _prepare(url, args)
    print(
        f"registry: {before[0]:,} predictions, {before[1]:,} resolutions, "
        f"{len(rows.pundits):,} pundits, {len(rows.open_questions):,} open questions"
    )
    phases, boards = _load(url, args, folder, rows, writer_tokens)
    problems = _report_latency(args, before, phases, boards)
    problems += _report_writes(url, before, phases["mixed"][0])
    print("\nforecasts scores verify:")
    status, output = _verify(url)
    print("  " + output.replace("\n", "\n  "))
    if status:
        problems += 1
    if problems:
        print("\nwhat gunicorn said of it:\n" + _log_tail(folder, 40, trouble_only=True))
    print("\nresult: " + ("FAILED (see above)" if problems else "no errors, no write lost"))
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a database to run on, left in place (default: a database of its own on the "
        "server named by FORECASTS_TEST_POSTGRES_URL, dropped at the end)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("FORECASTS_TEST_REDIS_URL", "redis://localhost:6379/0"),
        help="the page store and rate limiter (default: FORECASTS_TEST_REDIS_URL)",
    )
    parser.add_argument("--predictions", type=int, default=1_000_000)
    parser.add_argument("--pundits", type=int, help="default: predictions / 100")
    parser.add_argument("--questions", type=int, help="default: predictions / 10")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per worker, as the README runs them (1: gunicorn's sync workers)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="the mixed phase")
    parser.add_argument("--baseline-seconds", type=float, default=15, help="readers alone")
    parser.add_argument(
        "--distinct",
        type=int,
        default=100,
        help="how many pundits', questions' and sources' pages the readers visit (each is "
        "stored after its first visit; more is a longer tail of first visits)",
    )
    parser.add_argument("--resolve-every", type=int, default=5, help="every Nth write resolves")
    parser.add_argument("--pause", type=float, default=0, help="seconds between a writer's writes")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="a database named after the sizes, generated only once and kept",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database it made")
    args = parser.parse_args()
    args.pundits = args.pundits or max(1, args.predictions // 100)
    args.questions = args.questions or max(1, args.predictions // 10)
    if not 1 <= args.writers <= 20 or args.readers < 0 or args.resolve_every < 1:
        parser.error("--writers must be 1 to 20, --readers 0 or more, --resolve-every 1 or more")

    scratch = None
    if args.database_url:
        url = resolve_database_url(args.database_url)
    else:
        name = (
            f"forecasts_mixedload_{args.predictions}_{args.pundits}_{args.questions}"
            if args.reuse
            else f"forecasts_mixedload_{uuid.uuid4().hex[:8]}"
        )
        scratch = ScratchDatabase(_postgres_server_url(), name)
        if not scratch.exists():
            scratch.create()
        url = scratch.url
    status = 1
    try:
        with tempfile.TemporaryDirectory() as folder:
            try:
                status = run(url, args, Path(folder))
            except KeyboardInterrupt:
                print("\ninterrupted: stopping gunicorn and cleaning up", file=sys.stderr)
                status = 130
            except Exception:
                print(_log_tail(Path(folder)), file=sys.stderr)
                raise
    finally:
        if scratch is not None:
            _clear_store(args.redis_url, url)
            if args.keep or args.reuse:
                print(f"kept the database {scratch.name}", file=sys.stderr)
            else:
                scratch.drop()
            scratch.admin.dispose()
    sys.exit(status)


if __name__ == "__main__":
    main()
