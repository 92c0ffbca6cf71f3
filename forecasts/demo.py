"""A synthetic registry for demonstrations, screenshots and benchmarks.

``generate_demo`` fills a database with made-up pundits, sources, questions, predictions
and resolutions with the shapes a real registry has: pundits of varying skill and
calibration (sharp, over-confident, under-confident, noise), revisions, multiple-choice
questions with distributions, conditional questions (annulled automatically when the
condition fails), annulled questions, re-resolved (corrected) questions, open questions
with deadlines years ahead, questions past their deadline awaiting resolution, questions
with no deadline, a few predictions made after the outcome was known (look-ahead), hedge
phrases mapped to probabilities on the registry's default scale, tags and sources.

Everything it writes is marked as synthetic: every pundit's slug starts with ``demo-``
and its name ends with " (synthetic)", every question carries the tag ``synthetic`` and
its slug starts with ``demo-``, every source's outlet is "Synthetic demo data". One
audit event (action ``demo.generate``) records the parameters and the counts.

The data depend only on the sizes and the seed (the calendar is fixed: forecasts are
made from 2019 to mid-2026, open questions close in 2030-2034), so the same call gives
the same rows. Rows are inserted with SQLAlchemy Core ``executemany`` in chunks of
20,000 (tuples straight to the driver, values already in the stored form), within one
transaction, generated a block of questions at a time: 10,000 pundits, 100,000
questions and a million predictions take 30-60 seconds on SQLite on a small machine,
in under 300 MB. Resolutions are plain INSERTs (the append-only triggers only refuse
UPDATE and DELETE). The writes go through ``forecasts.bulk``, as the importer's do:
other writers are kept out while the demo writes (SQLite's write lock; PostgreSQL table
locks) and ids are reserved before the rows are written (PostgreSQL from the tables'
sequences, SQLite counting on from the largest id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from sqlalchemy import Connection, Engine, exists, func, insert, select
from sqlalchemy.orm import Session

from forecasts import bulk, kept, search
from forecasts.errors import ValidationError
from forecasts.models import (
    AuditEvent,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    ReferenceForecast,
    Resolution,
    Source,
    Tag,
    UnscorableClaim,
    question_tags,
)

DEMO_SLUG_PREFIX = "demo-"
DEMO_NAME_SUFFIX = " (synthetic)"
DEMO_OUTLET = "Synthetic demo data"
SYNTHETIC_TAG = "synthetic"
DEMO_ACTOR = "demo"
SCALE_NAME = "registry-default"
SCALE_VERSION = "1"

# The fixed calendar: forecasts are made between these days; resolved questions are
# known by the last one; open questions close in the window after it.
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)
OPEN_DEADLINES = (dt.date(2030, 1, 1), dt.date(2034, 12, 31))

MAX_PUNDITS = 1_000_000
MAX_QUESTIONS = 10_000_000
MAX_PREDICTIONS = 100_000_000

# Hedge phrases as a pundit says them, the registry-default@1 phrase each one is read
# as, and that phrase's probability on the scale (tests check these against the scale).
HEDGES: tuple[tuple[str, str, float], ...] = (
    ("almost no chance", "almost no chance", 0.03),
    ("a tiny possibility", "tiny possibility", 0.05),
    ("very unlikely", "very unlikely", 0.05),
    ("a small chance", "small chance", 0.10),
    ("unlikely", "unlikely", 0.20),
    ("probably not", "probably not", 0.25),
    ("a real possibility", "a real possibility", 0.50),
    ("an even chance", "even chance", 0.50),
    ("more likely than not", "more likely than not", 0.60),
    ("likely", "likely", 0.70),
    ("probably", "probably", 0.70),
    ("a good chance", "good chance", 0.70),
    ("very likely", "very likely", 0.90),
    ("almost certainly", "almost certain", 0.95),
)
_HEDGE_QUOTES = {
    "almost no chance": "There is almost no chance of it.",
    "a tiny possibility": "There is a tiny possibility of it, no more.",
    "very unlikely": "It is very unlikely.",
    "a small chance": "There is a small chance it happens.",
    "unlikely": "I think it is unlikely.",
    "probably not": "It will probably not happen.",
    "a real possibility": "It is a real possibility.",
    "an even chance": "I would call it an even chance.",
    "more likely than not": "It is more likely than not.",
    "likely": "It is likely to happen.",
    "probably": "It will probably happen.",
    "a good chance": "There is a good chance it happens.",
    "very likely": "It is very likely.",
    "almost certainly": "It will almost certainly happen.",
}

# Pundit kinds: share, calibration slope (1 = calibrated, > 1 over-confident, < 1
# under-confident), noise (logit scale), how fast news reaches them (exponent on the
# share of the question's time elapsed; < 1 is faster), and the words for the bio.
_KINDS = (
    ("sharp", 0.15, 1.0, 0.35, 0.5, "sharp and well calibrated"),
    (
        "over-confident",
        0.25,
        1.9,
        0.7,
        1.0,
        "over-confident: forecasts sit too close to 0% and 100%",
    ),
    ("under-confident", 0.20, 0.5, 0.7, 1.0, "under-confident: forecasts sit too close to 50%"),
    ("noise", 0.10, 0.25, 1.8, 1.0, "little skill: forecasts are mostly noise"),
    ("typical", 0.30, 1.0, 0.9, 1.0, "typical skill and calibration"),
)
_REVISER_SHARE = 0.3
_REVISER_RATE = 0.45  # chance that a reviser's forecast is followed by a revision
_OTHER_RATE = 0.03
_MAX_EXTRA_REVISIONS = 4

_FIRST_NAMES = (
    "Ada",
    "Bela",
    "Cyrus",
    "Dalia",
    "Emeka",
    "Farah",
    "Goran",
    "Hana",
    "Ivo",
    "Jun",
    "Kemal",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tamar",
    "Ugo",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zora",
    "Anouk",
    "Bram",
    "Chiara",
    "Dmitri",
    "Elif",
    "Fintan",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kaia",
    "Luca",
    "Mira",
    "Niko",
)
_LAST_NAMES = (
    "Abara",
    "Bergstrom",
    "Castellano",
    "Dimitrov",
    "Eriksen",
    "Fonseca",
    "Gallagher",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrova",
    "Quispe",
    "Rahman",
    "Silva",
    "Takahashi",
    "Ulloa",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Achebe",
    "Brennan",
    "Costa",
    "Duarte",
    "Engel",
    "Ferreira",
    "Grieg",
    "Horvat",
    "Iqbal",
    "Juarez",
    "Kaur",
    "Laine",
    "Mensah",
    "Novak",
)
_AFFILIATIONS = (
    "Synthetic Policy Institute",
    "The Demo Gazette",
    "Placeholder University",
    "Example Broadcasting",
    "Independent (synthetic)",
    "Sample Capital Research",
)
_COUNTRIES = (
    "Freedonia",
    "Sylvania",
    "Ruritania",
    "Genovia",
    "Latveria",
    "Elbonia",
    "Zamunda",
    "Borduria",
    "Syldavia",
    "Molvania",
    "Graustark",
    "Grand Fenwick",
    "Kasnia",
    "Vulgaria",
    "Santa Prisca",
    "Costaguana",
    "Orsinia",
    "Carpania",
    "Novistrana",
    "Markovia",
)
_TOPICS = (
    "politics",
    "economy",
    "markets",
    "geopolitics",
    "climate",
    "technology",
    "health",
    "science",
    "sports",
    "elections",
)
# (topic, statement with {a}, {b} countries and {by} deadline, slug words, options)
_TEMPLATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("politics", "Will {a} hold a snap general election {by}?", "snap-election", ()),
    (
        "politics",
        "Will the ruling coalition in {a} lose a confidence vote {by}?",
        "confidence-vote",
        (),
    ),
    ("economy", "Will the central bank of {a} cut its policy rate {by}?", "rate-cut", ()),
    (
        "economy",
        "Will annual inflation in {a} exceed 5% in any month {by}?",
        "inflation-above-5",
        (),
    ),
    (
        "markets",
        "Will the main stock index of {a} close at a record high {by}?",
        "stock-record",
        (),
    ),
    ("geopolitics", "Will {a} and {b} sign a trade agreement {by}?", "trade-deal", ()),
    ("geopolitics", "Will {a} impose new sanctions on {b} {by}?", "sanctions", ()),
    ("climate", "Will {a} pass a carbon-pricing law {by}?", "carbon-price", ()),
    (
        "technology",
        "Will {a} license driverless taxis in its capital {by}?",
        "driverless-taxis",
        (),
    ),
    ("health", "Will {a} declare a public-health emergency {by}?", "health-emergency", ()),
    ("science", "Will {a} launch a crewed space mission {by}?", "crewed-launch", ()),
    ("sports", "Will {a} reach the final of the Continental Cup {by}?", "cup-final", ()),
)
_CHOICE_TEMPLATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "elections",
        "Which party will win the most seats in the next election in {a} (held {by})?",
        "election-winner",
        ("Red Party", "Blue Party", "Green Party", "Another party"),
    ),
    (
        "economy",
        "What will GDP growth in {a} be in the year to the deadline ({by})?",
        "gdp-growth",
        ("Below 0%", "0% to 2%", "2% to 4%", "Above 4%"),
    ),
    (
        "sports",
        "Which club will win the league title in {a} (decided {by})?",
        "league-title",
        ("Harbour City", "Northfield", "Riverside", "Old Town", "Another club"),
    ),
    (
        "politics",
        "Who will lead the government of {a} at the deadline ({by})?",
        "head-of-government",
        ("The incumbent", "The opposition leader", "Someone else"),
    ),
)
_MAX_OPTIONS = max(len(t[3]) for t in _CHOICE_TEMPLATES)

# Question fates (before conditions are applied).
RESOLVED, ANNULLED, OPEN, DUE, NO_DEADLINE, CONDITION_ANNULLED = range(6)
_FATE_SHARES = ((OPEN, 0.10, 1), (DUE, 0.02, 1), (NO_DEADLINE, 0.01, 1), (ANNULLED, 0.03, 1))
_CHOICE_SHARE = 0.12
_CONDITIONAL_SHARE = 0.08
_CORRECTED_SHARE = 0.01
_LOOK_AHEAD_RATE = 0.002

# Claims too vague to score, as the demo's editors log them: (quote, hedge phrase,
# reason, note); {s} is a subject.
_VAGUE_CLAIMS = (
    ("Sooner or later {s} will come to a head.", "sooner or later", "no_deadline", ""),
    (
        "{s} could well turn out to matter more than people think.",
        "could well",
        "vague_wording",
        "'Matter more' has no measure.",
    ),
    (
        "{s} will get worse before it gets better, unless something changes.",
        "will",
        "escape_clause",
        "'Unless something changes' fits any outcome.",
    ),
    (
        "Expect a major shift on {s}.",
        "expect",
        "no_criteria",
        "No way to tell a major shift from a minor one.",
    ),
    ("The days of the old approach to {s} are numbered.", "", "no_deadline", ""),
)
_VAGUE_SUBJECTS = (
    "the trade dispute",
    "the housing market",
    "the coalition",
    "the border question",
    "inflation",
    "the league",
)

_CHUNK = 20_000  # rows per executemany
# The tables the demo writes, locked against other writers on PostgreSQL while it runs.
_TABLES = (
    "pundits",
    "sources",
    "tags",
    "questions",
    "question_options",
    "question_tags",
    "predictions",
    "prediction_options",
    "resolutions",
    "unscorable_claims",
    "audit_events",
)
_PREDICTION_BLOCK = 100_000  # predictions generated at a time

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as each stage advances."""


# ------------------------------------------------------------------------- checks


def has_demo_data(session: Session | Connection) -> bool:
    """Whether the registry holds synthetic demo rows (a pundit whose slug starts with
    ``demo-``). One cheap EXISTS query, for a site-wide banner."""
    query = select(exists().where(Pundit.slug.like(DEMO_SLUG_PREFIX + "%")))
    return bool(session.execute(query).scalar())


def default_predictions(pundits: int, questions: int) -> int:
    """Ten forecasts per question, but no more than three per pundit and question."""
    return min(10 * questions, 3 * pundits * questions)


def _check_sizes(pundits, questions, predictions, seed) -> None:
    for name, value, low, high in (
        ("pundits", pundits, 1, MAX_PUNDITS),
        ("questions", questions, 1, MAX_QUESTIONS),
        ("predictions", predictions, 0, MAX_PREDICTIONS),
        ("seed", seed, 0, 2**63 - 1),
    ):
        if value is None and name == "predictions":
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValidationError(name, f"must be a whole number (got {value!r})")
        if not low <= value <= high:
            raise ValidationError(name, f"must be between {low:,} and {high:,} (got {value})")


def _refuse_unless_empty(conn: Connection, allow_mixed: bool) -> None:
    demo = conn.scalar(
        select(func.count()).select_from(Pundit).where(Pundit.slug.like(DEMO_SLUG_PREFIX + "%"))
    )
    if demo:
        raise ValidationError(
            "database_url",
            f"the database already holds demo data ({demo:,} synthetic pundits); "
            "generate into a fresh database instead",
        )
    if allow_mixed:
        return
    real = {
        "pundits": conn.scalar(select(func.count()).select_from(Pundit)),
        "questions": conn.scalar(select(func.count()).select_from(Question)),
        "sources": conn.scalar(select(func.count()).select_from(Source)),
        "predictions": conn.scalar(select(func.count()).select_from(Prediction)),
    }
    if any(real.values()):
        held = ", ".join(f"{count:,} {kind}" for kind, count in real.items() if count)
        raise ValidationError(
            "allow_mixed",
            f"the database holds a real registry ({held}); put demo data in a separate "
            "database (--database-url), or allow synthetic rows beside real ones "
            "explicitly (--allow-mixed)",
        )


# ---------------------------------------------------------------------- the entry


def generate_demo(
    session_or_engine: Session | Engine | Connection,
    pundits: int,
    questions: int,
    seed: int,
    predictions: int | None = None,
    progress: Progress | None = None,
    *,
    allow_mixed: bool = False,
) -> dict[str, int]:
    """Fill the registry with a synthetic demo registry; return the counts of what was
    written (``pundits``, ``questions``, ``predictions``, ``revisions``, ``look_ahead``,
    ...). One transaction: on any error nothing is written.

    Refused (``ValidationError``, nothing written) when the sizes are out of range, when
    the database already holds demo data, and, unless ``allow_mixed``, when it holds any
    real pundit, question, source or prediction.
    """
    _check_sizes(pundits, questions, predictions, seed)
    if predictions is None:
        predictions = default_predictions(pundits, questions)
    report = progress or (lambda stage, done, total: None)
    args = (int(pundits), int(questions), int(seed), int(predictions), report, allow_mixed)
    if isinstance(session_or_engine, Session):
        session = session_or_engine
        try:
            counts = _Generator(session.connection(), *args).run()
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return counts
    if isinstance(session_or_engine, Connection):
        return _Generator(session_or_engine, *args).run()
    with session_or_engine.connect() as conn:
        try:
            counts = _Generator(conn, *args).run()
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return counts


# -------------------------------------------------------------------- the generator

_EPOCH = dt.date(1970, 1, 1)
_DAY = 86_400


def _day(date: dt.date) -> int:
    return (date - _EPOCH).days


def _logit(p):
    return np.log(p) - np.log1p(-p)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _quota(n: int, share: float, minimum: int) -> int:
    return max(minimum if n >= 20 else 0, int(round(n * share)))


class _Generator:
    def __init__(
        self,
        conn: Connection,
        pundits: int,
        questions: int,
        seed: int,
        predictions: int,
        progress: Progress,
        allow_mixed: bool,
    ):
        self.conn = conn
        self.n_pundits = pundits
        self.n_questions = questions
        self.n_predictions = predictions
        self.seed = seed
        self.progress = progress
        self.allow_mixed = allow_mixed
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.sqlite = conn.dialect.name == "sqlite"
        self.writer = bulk.Writer(conn)
        self.ids = bulk.Ids(conn)
        self.counts: dict[str, int] = {}

    # ---- plumbing

    def _lock(self) -> None:
        """Keep other writers out while the demo writes (readers still read)."""
        bulk.lock_for_writing(self.conn, _TABLES)

    def _insert(
        self,
        table,
        columns: dict[str, Sequence],
        stage: str | None = None,
        done: int = 0,
        total: int = 0,
    ) -> None:
        """INSERT the rows given column-wise, in chunks of _CHUNK rows. The values are
        already in the form the driver stores (strings for SQLite's dates and times,
        aware datetimes for PostgreSQL, JSON as text): a million rows in seconds."""
        written = (lambda n: self.progress(stage, done + n, total)) if stage else None
        self.writer.insert_columns(table, columns, _CHUNK, written)

    def _days(self, days: np.ndarray) -> list:
        """Day numbers (NaN or negative for none) as the driver's dates."""
        days = np.asarray(days)
        valid = days >= 0
        out = np.empty(len(days), dtype=object)
        dates = days[valid].astype("int64").astype("datetime64[D]")
        if self.sqlite:
            out[valid] = np.datetime_as_string(dates, unit="D").astype(object)
        else:
            out[valid] = dates.astype(object)
        out[~valid] = None
        return out.tolist()

    def _moments(self, seconds: np.ndarray) -> list:
        """Seconds since 1970 (UTC) as the driver's timestamps: SQLite stores the UTC wall
        time as SQLAlchemy writes it; PostgreSQL gets aware datetimes."""
        stamps = np.asarray(seconds, dtype="int64").astype("datetime64[s]")
        if self.sqlite:
            return [
                f"{s[:10]} {s[11:]}.000000"
                for s in np.datetime_as_string(stamps, unit="s").tolist()
            ]
        utc = dt.UTC
        return [moment.replace(tzinfo=utc) for moment in stamps.astype(object).tolist()]

    # ---- the run

    def run(self) -> dict[str, int]:
        # A larger page cache while the indexes grow: a third less time for a million
        # predictions on SQLite.
        with bulk.sqlite_page_cache(self.conn), search.bulk_indexing(self.conn):
            return self._run()

    def _run(self) -> dict[str, int]:
        self._lock()
        _refuse_unless_empty(self.conn, self.allow_mixed)
        self._tags()
        self._pundits()
        self._questions()
        self._sources()
        self._predictions()
        self._resolutions()
        self._references()
        self._unscorable_claims()
        self._audit()
        kept.fill(self.conn)  # the kept scores, in the same transaction
        return dict(self.counts)

    def _tags(self) -> None:
        wanted = [SYNTHETIC_TAG, *_TOPICS]
        table = Tag.__table__
        existing = dict(
            self.conn.execute(
                select(table.c.slug, table.c.id).where(table.c.slug.in_(wanted))
            ).all()
        )
        missing = [slug for slug in wanted if slug not in existing]
        if missing:
            first = self.ids.block(table, len(missing))
            self._insert(table, {"id": list(range(first, first + len(missing))), "slug": missing})
            existing.update({slug: first + i for i, slug in enumerate(missing)})
        self.tag_ids = existing

    # ---- pundits

    def _pundits(self) -> None:
        rng, n = self.rng, self.n_pundits
        shares = np.array([kind[1] for kind in _KINDS])
        kind = rng.choice(len(_KINDS), size=n, p=shares / shares.sum())
        if n >= len(_KINDS):  # every kind present in any demo of a useful size
            kind[: len(_KINDS)] = np.arange(len(_KINDS))
            kind = kind[rng.permutation(n)]
        self.p_kind = kind
        self.p_slope = np.array([k[2] for k in _KINDS])[kind]
        self.p_noise = np.array([k[3] for k in _KINDS])[kind] * rng.uniform(0.8, 1.2, n)
        self.p_speed = np.array([k[4] for k in _KINDS])[kind]
        self.p_bias = rng.normal(0.0, 0.2, n)
        reviser = rng.random(n) < _REVISER_SHARE
        if n >= 2:
            reviser[0], reviser[1] = True, False
        self.p_revise = np.where(reviser, _REVISER_RATE, _OTHER_RATE)
        self.p_phrases = rng.uniform(0.0, 0.9, n)  # share of forecasts given in words
        activity = rng.lognormal(0.0, 1.0, n)
        self.p_activity = activity / activity.sum()

        combos = len(_FIRST_NAMES) * 26 * len(_LAST_NAMES)
        picks = rng.choice(combos, size=n, replace=n > combos)
        first = picks // (26 * len(_LAST_NAMES))
        initial = (picks // len(_LAST_NAMES)) % 26
        last = picks % len(_LAST_NAMES)
        names, slugs, bios = [], [], []
        for i in range(n):
            letter = chr(ord("A") + int(initial[i]))
            person = f"{_FIRST_NAMES[first[i]]} {letter}. {_LAST_NAMES[last[i]]}"
            slug = (
                f"{DEMO_SLUG_PREFIX}{_FIRST_NAMES[first[i]]}-{letter}-{_LAST_NAMES[last[i]]}"
            ).lower()
            if n > combos:
                slug += f"-{i + 1}"
            names.append(person + DEMO_NAME_SUFFIX)
            slugs.append(slug)
            bio = f"Synthetic pundit: {_KINDS[kind[i]][5]}."
            if reviser[i]:
                bio += " Revises forecasts as news arrives."
            bios.append(bio + " Generated demo data, not a real person.")
        first_id = self.ids.block(Pundit.__table__, n)
        self.pundit_ids = np.arange(first_id, first_id + n)
        joined = _day(FIRST_DAY) - rng.integers(1, 365, n)
        self._insert(
            Pundit.__table__,
            {
                "id": self.pundit_ids.tolist(),
                "slug": slugs,
                "name": names,
                "bio": bios,
                "affiliation": [_AFFILIATIONS[i] for i in rng.integers(0, len(_AFFILIATIONS), n)],
                "links": ["[]"] * n,
                "created_at": self._moments(joined * _DAY + rng.integers(0, _DAY, n)),
                "version": [1] * n,
            },
            "pundits",
            0,
            n,
        )
        self.counts["pundits"] = n
        self.counts["revising_pundits"] = int(reviser.sum())
        for name, *_ in _KINDS:
            self.counts[f"pundits_{name.replace('-', '_')}"] = int(
                (np.array([k[0] for k in _KINDS])[kind] == name).sum()
            )

    # ---- questions

    def _questions(self) -> None:
        rng, n = self.rng, self.n_questions
        first, last = _day(FIRST_DAY), _day(LAST_DAY)

        fate = np.full(n, RESOLVED)
        order = rng.permutation(n)
        at = 0
        for value, share, minimum in _FATE_SHARES:
            count = _quota(n, share, minimum)
            fate[order[at : at + count]] = value
            at += count
        choice = np.zeros(n, dtype=bool)
        choice[rng.permutation(n)[: _quota(n, _CHOICE_SHARE, 1)]] = True

        # Conditions: a resolved question may depend on a binary question that is not
        # itself conditional; its fate then follows from the condition's.
        conditional = np.zeros(n, dtype=bool)
        condition = np.full(n, -1)
        resolved_pool = np.flatnonzero(fate == RESOLVED)
        n_conditional = min(_quota(n, _CONDITIONAL_SHARE, 3), len(resolved_pool) // 3)
        dependents = rng.permutation(resolved_pool)[:n_conditional]
        conditional[dependents] = True
        candidates = np.flatnonzero(
            ~choice & ~conditional & np.isin(fate, (RESOLVED, ANNULLED, OPEN))
        )
        good = candidates[fate[candidates] == RESOLVED]
        if len(dependents) and len(good):
            other = candidates[fate[candidates] != RESOLVED]
            good_pick = good[rng.integers(0, len(good), len(dependents))]
            other_pick = (
                other[rng.integers(0, len(other), len(dependents))] if len(other) else good_pick
            )
            from_good = rng.random(len(dependents)) < 0.9
            from_good[:2] = True  # the first two: one failed and one met condition
            condition[dependents] = np.where(from_good, good_pick, other_pick)
        else:
            conditional[:] = False
            dependents = dependents[:0]

        # Outcomes: a true chance per question, then what happened.
        truth = np.clip(rng.beta(0.8, 0.8, n), 0.03, 0.97)
        happened = (rng.random(n) < truth).astype(np.int64)
        template = np.where(
            choice, rng.integers(0, len(_CHOICE_TEMPLATES), n), rng.integers(0, len(_TEMPLATES), n)
        )
        n_options = np.where(
            choice,
            np.array([len(t[3]) for t in _CHOICE_TEMPLATES])[np.where(choice, template, 0)],
            0,
        )
        weights = rng.gamma(1.2, 1.0, (n, _MAX_OPTIONS))
        weights[np.arange(_MAX_OPTIONS)[None, :] >= n_options[:, None]] = 0.0
        spread = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        draws = rng.random(n)
        chosen = (np.cumsum(spread, axis=1) < draws[:, None]).sum(axis=1)
        happened = np.where(choice, np.minimum(chosen, np.maximum(n_options - 1, 0)), happened)

        # Dates (day numbers): start, deadline, known; window end for forecasts.
        length = rng.integers(90, 731, n)
        deadline = rng.integers(first + 90, last + 1, n)
        start = np.maximum(first, deadline - length)
        known = deadline - (rng.random(n) * (np.minimum(60, (deadline - start) // 3) + 1)).astype(
            np.int64
        )
        due = fate == DUE
        deadline[due] = rng.integers(last - 300, last - 6, due.sum())
        start[due] = np.maximum(first, deadline[due] - length[due])
        opened = fate == OPEN
        deadline[opened] = rng.integers(
            _day(OPEN_DEADLINES[0]), _day(OPEN_DEADLINES[1]) + 1, opened.sum()
        )
        start[opened] = rng.integers(last - 540, last - 29, opened.sum())
        undated = fate == NO_DEADLINE
        start[undated] = rng.integers(first, last - 29, undated.sum())
        deadline[undated] = -1
        known[opened | due | undated] = -1

        # Conditional questions: which outcome they need, and what that makes of them.
        needed = np.full(n, "", dtype=object)
        reason = np.full(n, "", dtype=object)
        for position, i in enumerate(dependents):
            j = condition[i]
            fails = rng.random() < 0.5
            if position < 2:
                fails = position == 0  # at least one failed and one met condition
            gap = (known[j] - start[j]) // 2 if known[j] >= 0 else 30
            start[i] = min(start[j] + min(30, max(1, gap)), last - 1)
            if fate[j] == RESOLVED:
                label = "yes" if happened[j] else "no"
                needed[i] = ("no" if label == "yes" else "yes") if fails else label
                deadline[i] = min(last, deadline[j] + int(rng.integers(0, 181)))
                if needed[i] != label:
                    fate[i] = CONDITION_ANNULLED
                    known[i] = known[j]
                    reason[i] = (
                        f"condition not met: {{slug!r}} resolved {label!r}, needed {needed[i]!r}"
                    )
                else:
                    low = max(known[j], deadline[i] - 60)
                    known[i] = int(rng.integers(low, deadline[i] + 1))
            elif fate[j] == ANNULLED:
                needed[i] = "yes" if rng.random() < 0.7 else "no"
                deadline[i] = min(last, deadline[j] + int(rng.integers(0, 181)))
                fate[i] = CONDITION_ANNULLED
                known[i] = known[j]
                reason[i] = "condition question {slug!r} was annulled"
            else:  # the condition is still open: so is the question
                needed[i] = "yes" if rng.random() < 0.7 else "no"
                fate[i] = OPEN
                deadline[i] = deadline[j] + int(rng.integers(0, 366))
                known[i] = -1
        window_end = np.where(known >= 0, known - 1, np.where(due, deadline, last))
        window_end = np.maximum(window_end, start)

        # Ids follow the order the questions were opened in (a condition comes first).
        order = np.lexsort((rng.random(n), start))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        first_id = self.ids.block(Question.__table__, n)
        qid = first_id + rank  # id of question i (original index)
        self.q_order = order

        # Everything per question, in id order.
        self.q_ids = qid[order]
        self.q_fate = fate[order]
        self.q_choice = choice[order]
        self.q_n_options = n_options[order]
        self.q_truth = truth[order]
        self.q_spread = spread[order]
        self.q_happened = happened[order]
        self.q_start = start[order]
        self.q_deadline = deadline[order]
        self.q_known = known[order]
        self.q_window_end = window_end[order]
        option_counts = self.q_n_options
        first_option = self.ids.block(QuestionOption.__table__, int(option_counts.sum()))
        self.q_option_base = first_option + np.concatenate(([0], np.cumsum(option_counts)[:-1]))
        self.q_condition = np.where(condition[order] >= 0, qid[condition[order]] if n else 0, -1)

        countries = rng.integers(0, len(_COUNTRIES), (n, 2))
        countries[:, 1] = (countries[:, 0] + 1 + rng.integers(0, len(_COUNTRIES) - 1, n)) % len(
            _COUNTRIES
        )
        topic_extra = rng.integers(0, len(_TOPICS), n)
        with_extra = rng.random(n) < 0.3

        statements, slugs, criteria, kinds, tags, options = [], [], [], [], [], []
        slug_of = {}
        for position, i in enumerate(order):
            number = position + 1
            a, b = _COUNTRIES[countries[i, 0]], _COUNTRIES[countries[i, 1]]
            topic, words, slug_words, labels = (_CHOICE_TEMPLATES if choice[i] else _TEMPLATES)[
                template[i]
            ]
            if deadline[i] < 0:
                by = "eventually"
            else:
                day = np.datetime64(int(deadline[i]), "D").item()
                by = f"by {day.day} {day:%B %Y}"
            statement = words.format(a=a, b=b, by=by)
            slug = f"{DEMO_SLUG_PREFIX}q{number}-{slug_words}-{a.lower().replace(' ', '-')}"
            slug_of[i] = slug
            if conditional[i]:
                j = condition[i]
                statement = (
                    f"If question #{rank[j] + 1} ({slug_of[j]}) resolves "
                    f"{needed[i]}: {statement[0].lower()}{statement[1:]}"
                )
            statements.append(f"{statement} [synthetic #{number}]")
            slugs.append(slug)
            criteria.append(
                f"Resolves {'to the option that happened' if choice[i] else 'yes if it happens'}"
                f" {'by the deadline' if deadline[i] >= 0 else 'at any time'}, as reported by "
                "two independent outlets. Synthetic demo question: the events are invented."
            )
            kinds.append("multiple_choice" if choice[i] else "binary")
            question_tags_ = {SYNTHETIC_TAG, topic}
            if with_extra[i]:
                question_tags_.add(_TOPICS[topic_extra[i]])
            tags.append(sorted(question_tags_))
            options.append(labels if choice[i] else ())
        self.q_slugs = slugs
        self.q_labels = options

        total = n
        created = self.q_start * _DAY + rng.integers(6 * 3600, 18 * 3600, n)
        self._insert(
            Question.__table__,
            {
                "id": self.q_ids.tolist(),
                "slug": slugs,
                "statement": statements,
                "resolution_criteria": criteria,
                "resolve_by": self._days(self.q_deadline),
                "kind": kinds,
                "condition_question_id": [int(c) if c >= 0 else None for c in self.q_condition],
                "condition_outcome": [needed[i] or None for i in order],
                "note": ["Synthetic demo question." for _ in range(n)],
                "created_at": self._moments(created),
                "created_by_id": [None] * n,
                "version": [1] * n,
            },
            "questions",
            0,
            total,
        )
        self.q_reason = [
            reason[i].format(slug=slug_of[condition[i]]) if reason[i] else "" for i in order
        ]

        option_rows = {"id": [], "question_id": [], "position": [], "label": []}
        for position in np.flatnonzero(self.q_choice):
            base = int(self.q_option_base[position])
            for k, label in enumerate(options[position]):
                option_rows["id"].append(base + k)
                option_rows["question_id"].append(int(self.q_ids[position]))
                option_rows["position"].append(k)
                option_rows["label"].append(label)
        self._insert(QuestionOption.__table__, option_rows)
        tag_rows = {"question_id": [], "tag_id": []}
        for position, slugs_ in enumerate(tags):
            for slug in slugs_:
                tag_rows["question_id"].append(int(self.q_ids[position]))
                tag_rows["tag_id"].append(self.tag_ids[slug])
        self._insert(question_tags, tag_rows)

        fates = self.q_fate
        self.counts.update(
            {
                "questions": n,
                "multiple_choice_questions": int(self.q_choice.sum()),
                "conditional_questions": int((self.q_condition >= 0).sum()),
                "question_options": len(option_rows["id"]),
                "question_tags": len(tag_rows["tag_id"]),
                "open_questions": int((fates == OPEN).sum()),
                "due_questions": int((fates == DUE).sum()),
                "no_deadline_questions": int((fates == NO_DEADLINE).sum()),
                "annulled_questions": int((fates == ANNULLED).sum()),
                "condition_annulled_questions": int((fates == CONDITION_ANNULLED).sum()),
            }
        )

    # ---- sources

    def _sources(self) -> None:
        rng = self.rng
        n = max(1, self.n_predictions // 25 + 1)
        first, last = _day(FIRST_DAY), _day(LAST_DAY)
        days = np.sort(rng.integers(first - 30, last + 1, n))
        self.s_days = days
        first_id = self.ids.block(Source.__table__, n)
        self.s_ids = np.arange(first_id, first_id + n)
        topics = rng.integers(0, len(_TOPICS), n)
        self._insert(
            Source.__table__,
            {
                "id": self.s_ids.tolist(),
                "title": [
                    f"Synthetic commentary #{k + 1}: a {_TOPICS[t]} column"
                    for k, t in enumerate(topics.tolist())
                ],
                "outlet": [DEMO_OUTLET] * n,
                "url": [
                    f"https://example.org/synthetic-demo/{self.seed}/source-{k + 1}"
                    for k in range(n)
                ],
                "published_on": self._days(days),
                "full_text": [""] * n,
                "note": ["Synthetic: generated demo data, not real commentary."] * n,
                "created_at": self._moments((days + 1) * _DAY + rng.integers(0, _DAY, n)),
                "version": [1] * n,
            },
        )
        self.counts["sources"] = n

    # ---- predictions

    def _blocks(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """Question ranges with about _PREDICTION_BLOCK predictions each."""
        rng = self.rng
        popularity = rng.lognormal(0.0, 0.8, self.n_questions)
        popularity[self.q_choice] *= 0.7
        popularity[self.q_fate == OPEN] *= 0.6
        per_question = rng.multinomial(self.n_predictions, popularity / popularity.sum())
        ends = np.cumsum(per_question)
        start = 0
        while start < self.n_questions:
            done = ends[start - 1] if start else 0
            stop = int(np.searchsorted(ends, done + _PREDICTION_BLOCK, side="right"))
            stop = min(self.n_questions, max(stop, start + 1))
            yield start, stop, per_question[start:stop]
            start = stop

    def _predictions(self) -> None:
        for key in (
            "predictions",
            "prediction_options",
            "revisions",
            "look_ahead",
            "mapped_predictions",
            "multiple_choice_predictions",
        ):
            self.counts[key] = 0
        for start, stop, per_question in self._blocks():
            self._prediction_block(start, stop, per_question)

    def _prediction_block(self, start: int, stop: int, per_question: np.ndarray) -> None:
        rng = self.rng
        total = int(per_question.sum())
        if total == 0:
            return
        # Picks: a pundit for a question, with the forecasts that pundit makes on it
        # (one, or more for a pundit who revises); exactly per_question in all.
        pick_q = np.repeat(np.arange(start, stop), per_question)
        pick_p = rng.choice(self.n_pundits, size=total, p=self.p_activity)
        extra = np.minimum(rng.geometric(1.0 - self.p_revise[pick_p]) - 1, _MAX_EXTRA_REVISIONS)
        size = 1 + extra
        ends = np.cumsum(size)
        group_first = np.concatenate(([0], np.cumsum(per_question)[:-1]))
        group_first = group_first[per_question > 0]
        offsets = np.repeat(
            np.concatenate(([0], ends[group_first[1:] - 1]))
            if len(group_first)
            else np.zeros(0, dtype=np.int64),
            per_question[per_question > 0],
        )
        before = ends - size - offsets
        wanted = per_question[pick_q - start]
        keep = before < wanted
        size = np.minimum(size, wanted - before)[keep]
        pick = np.flatnonzero(keep)
        slot_pick = np.repeat(pick, size)
        q = pick_q[slot_pick]  # question position (id order)
        p = pick_p[slot_pick]  # pundit index
        n = len(q)

        # When: uniform over the question's window; revisions later in the same pair.
        begin, end = self.q_start[q], self.q_window_end[q]
        seconds = begin * _DAY + (rng.random(n) * ((end - begin + 1) * _DAY - 1)).astype(np.int64)
        # A few forecasts made after the outcome was known (look-ahead).
        known = self.q_known[q]
        eligible = (self.q_fate[q] == RESOLVED) & (known >= 0)
        late = eligible & (rng.random(n) < _LOOK_AHEAD_RATE)
        if (
            not late.any() and self.counts["look_ahead"] == 0 and eligible.any() and n >= 20
        ):  # at least one in any demo of a useful size
            late[np.argmax(eligible)] = True
        if late.any():
            latest = np.minimum(self.q_deadline[q[late]], _day(LAST_DAY))
            days = known[late] + (rng.random(late.sum()) * (latest - known[late] + 1)).astype(
                np.int64
            )
            seconds[late] = days * _DAY + rng.integers(0, _DAY, late.sum())
        order = np.lexsort((seconds, slot_pick))
        q, p, seconds, late, slot_pick = (
            q[order],
            p[order],
            seconds[order],
            late[order],
            slot_pick[order],
        )
        made_day = seconds // _DAY
        begin, known = self.q_start[q], self.q_known[q]

        # What they said: the informed chance, bent by each pundit's calibration.
        deadline = self.q_deadline[q]
        horizon = np.where(known >= 0, known, np.where(deadline >= 0, deadline, made_day + 365))
        elapsed = (
            np.clip((made_day - begin) / np.maximum(horizon - begin, 1), 0.0, 1.0)
            ** self.p_speed[p]
        )
        informed = elapsed**2
        noise = rng.normal(0.0, 1.0, n) * self.p_noise[p]
        choice = self.q_choice[q]
        probability = np.full(n, np.nan)
        binary = ~choice
        if binary.any():
            qb = q[binary]
            sign = np.where(self.q_happened[qb] == 1, 3.0, -3.0)
            logit = (1 - informed[binary]) * _logit(self.q_truth[qb]) + informed[binary] * sign
            said = _sigmoid(
                self.p_slope[p[binary]] * logit + self.p_bias[p[binary]] + noise[binary]
            )
            probability[binary] = np.clip(said, 0.01, 0.99)

        origin = np.full(n, "stated", dtype=object)
        hedge = np.full(n, "", dtype=object)
        quote = np.full(n, "", dtype=object)
        draw = rng.random(n)
        mapped = binary & (draw < self.p_phrases[p])
        estimated = ~mapped & (draw < self.p_phrases[p] + 0.1)
        origin[mapped] = "mapped"
        origin[estimated] = "estimated"
        if mapped.any():
            phrase_p = np.array([h[2] for h in HEDGES])
            distance = np.abs(probability[mapped][:, None] - phrase_p[None, :])
            distance += rng.random(distance.shape) * 1e-9  # ties: a phrase at random
            which = np.argmin(distance, axis=1)
            probability[mapped] = phrase_p[which]
            hedge[mapped] = np.array([h[0] for h in HEDGES], dtype=object)[which]
            quote[mapped] = np.array([_HEDGE_QUOTES[h[0]] for h in HEDGES], dtype=object)[which]
        stated = binary & ~mapped & ~estimated
        fine = rng.random(n) < 0.4
        step = np.where(stated & fine, 100.0, 20.0)
        rounded = binary & ~mapped
        probability[rounded] = np.clip(
            np.round(probability[rounded] * step[rounded]) / step[rounded], 0.01, 0.99
        )
        says = stated & (rng.random(n) < 0.6)
        quote[says] = [f"I put it at {round(value * 100)}%." for value in probability[says]]
        estimated_words = estimated & (rng.random(n) < 0.5)
        quote[estimated_words] = "(The editors' estimate from the tone of the piece.)"

        # Distributions for multiple-choice questions.
        option_rows = None
        if choice.any():
            qc = q[choice]
            width = _MAX_OPTIONS
            valid = np.arange(width)[None, :] < self.q_n_options[qc][:, None]
            onehot = np.arange(width)[None, :] == self.q_happened[qc][:, None]
            target = np.where(onehot, 0.9, 0.1 / np.maximum(self.q_n_options[qc], 1)[:, None])
            mix = informed[choice][:, None]
            base = (1 - mix) * np.log(np.maximum(self.q_spread[qc], 1e-6)) + mix * np.log(target)
            logits = (
                self.p_slope[p[choice]][:, None] * base
                + rng.normal(0.0, 1.0, base.shape) * self.p_noise[p[choice]][:, None]
            )
            logits[~valid] = -np.inf
            logits -= logits.max(axis=1, keepdims=True)
            weights = np.exp(logits)
            dist = weights / weights.sum(axis=1, keepdims=True)
            dist = np.where(valid, np.maximum(np.round(dist * 100) / 100, 0.01), 0.0)
            top = np.argmax(dist, axis=1)
            rows = np.arange(len(qc))
            dist[rows, top] += 1.0 - dist.sum(axis=1)
            dist = np.round(dist, 10)
            option_rows = (qc, dist, valid)
            top_label = [
                self.q_labels[qq][t] for qq, t in zip(qc.tolist(), top.tolist(), strict=True)
            ]
            quote[choice] = [
                f"My money is on {label} ({round(value * 100)}%)."
                for label, value in zip(top_label, dist[rows, top], strict=True)
            ]

        # Sources: one published on or before the day the forecast was made.
        source_at = np.searchsorted(self.s_days, made_day, side="right") - 1
        source_at -= rng.integers(0, 3, n)
        no_source = (source_at < 0) | (rng.random(n) < 0.1)
        source = np.where(no_source, -1, self.s_ids[np.maximum(source_at, 0)])

        first_id = self.ids.block(Prediction.__table__, n)
        ids = np.arange(first_id, first_id + n)
        logged = seconds + rng.integers(3600, 20 * _DAY, n)
        origin_list = origin.tolist()
        done = self.counts["predictions"]
        self._insert(
            Prediction.__table__,
            {
                "id": ids.tolist(),
                "question_id": self.q_ids[q].tolist(),
                "pundit_id": self.pundit_ids[p].tolist(),
                "source_id": [int(s) if s >= 0 else None for s in source.tolist()],
                "probability": [None if v != v else v for v in probability.tolist()],
                "quote": quote.tolist(),
                "hedge_phrase": hedge.tolist(),
                "probability_origin": origin_list,
                "scale_name": [SCALE_NAME if o == "mapped" else None for o in origin_list],
                "scale_version": [SCALE_VERSION if o == "mapped" else None for o in origin_list],
                "made_at": self._moments(seconds),
                "made_at_precision": ["moment"] * n,
                "logged_at": self._moments(logged),
                "logged_by_id": [None] * n,
                "note": [""] * n,
                "version": [1] * n,
            },
            "predictions",
            done,
            self.n_predictions,
        )
        if option_rows is not None:
            qc, dist, valid = option_rows
            prediction = np.broadcast_to(ids[choice][:, None], dist.shape)[valid]
            option = (self.q_option_base[qc][:, None] + np.arange(dist.shape[1])[None, :])[valid]
            self._insert(
                PredictionOption.__table__,
                {
                    "prediction_id": prediction.tolist(),
                    "option_id": option.tolist(),
                    "probability": dist[valid].tolist(),
                },
            )
            self.counts["prediction_options"] += int(valid.sum())
        pairs = len(np.unique(q.astype(np.int64) * self.n_pundits + p))
        self.counts["predictions"] += n
        self.counts["revisions"] += n - pairs
        self.counts["look_ahead"] += int(late.sum())
        self.counts["mapped_predictions"] += int(mapped.sum())
        self.counts["multiple_choice_predictions"] += int(choice.sum())

    # ---- resolutions

    def _resolutions(self) -> None:
        rng = self.rng
        fate, known = self.q_fate, self.q_known
        rows: list[tuple] = []  # (resolved_at, question position, outcome, option, note, auto)
        corrected = 0
        for position in np.flatnonzero(np.isin(fate, (RESOLVED, ANNULLED))):
            at = (int(known[position]) + 1) * _DAY + int(rng.integers(8 * 3600, 20 * 3600))
            if fate[position] == ANNULLED:
                rows.append(
                    (
                        at,
                        position,
                        "annulled",
                        None,
                        "Annulled: the resolution criteria proved ambiguous (synthetic).",
                        False,
                    )
                )
                continue
            happened = int(self.q_happened[position])
            if self.q_choice[position]:
                option = int(self.q_option_base[position]) + happened
                outcome, wrong = "option", None
                if self.q_n_options[position] > 1:
                    wrong = int(self.q_option_base[position]) + (happened + 1) % int(
                        self.q_n_options[position]
                    )
            else:
                option, outcome = None, "yes" if happened else "no"
                wrong = "no" if happened else "yes"
            corrects = rng.random() < _CORRECTED_SHARE or (
                self.n_questions >= 20 and corrected == 0
            )  # one in any useful demo
            if wrong is not None and corrects:
                if self.q_choice[position]:
                    rows.append(
                        (
                            at,
                            position,
                            "option",
                            wrong,
                            "Synthetic resolution (later corrected).",
                            False,
                        )
                    )
                else:
                    rows.append(
                        (
                            at,
                            position,
                            wrong,
                            None,
                            "Synthetic resolution (later corrected).",
                            False,
                        )
                    )
                at += int(rng.integers(1, 30)) * _DAY
                note = "Corrected: the first resolution misread the evidence (synthetic)."
                corrected += 1
            else:
                note = "Synthetic resolution."
            rows.append((at, position, outcome, option, note, False))
        resolution_at = {}
        for at, position, *_ in rows:
            resolution_at[int(self.q_ids[position])] = at
        for position in np.flatnonzero(fate == CONDITION_ANNULLED):
            condition = int(self.q_condition[position])
            at = resolution_at[condition] + 1
            rows.append(
                (
                    at,
                    position,
                    "annulled",
                    None,
                    f"Annulled automatically: {self.q_reason[position]}.",
                    True,
                )
            )
        rows.sort(key=lambda row: (row[0], int(self.q_ids[row[1]])))
        n = len(rows)
        first_id = self.ids.block(Resolution.__table__, n)
        positions = np.array([row[1] for row in rows], dtype=np.int64)
        self._insert(
            Resolution.__table__,
            {
                "id": list(range(first_id, first_id + n)),
                "question_id": self.q_ids[positions].tolist() if n else [],
                "outcome": [row[2] for row in rows],
                "option_id": [row[3] for row in rows],
                # Days alone (stored as midnight UTC), as an editor's form gives them.
                "known_at": self._moments(known[positions].astype(np.int64) * 86_400) if n else [],
                "known_at_precision": ["day"] * n,
                "evidence_url": [
                    None
                    if row[5]
                    else f"https://example.org/synthetic-demo/{self.seed}/evidence/"
                    f"{self.q_slugs[row[1]]}"
                    for row in rows
                ],
                "note": [row[4] for row in rows],
                "automatic": [row[5] for row in rows],
                "resolved_at": self._moments([row[0] for row in rows]) if n else [],
                "resolved_by_id": [None] * n,
            },
        )
        self.counts["resolutions"] = n
        self.counts["resolved_questions"] = int((fate == RESOLVED).sum())
        self.counts["re_resolved_questions"] = corrected

    # ---- reference forecasts

    def _references(self) -> None:
        """A synthetic prediction market on about two binary questions in five: its price
        from the question's start until the outcome is known (or its deadline), a walk
        from near the question's true probability towards what happened. Drawn from a
        generator of its own, so the rest of the registry is what it was without them."""
        rng = np.random.default_rng([self.seed, 18])
        binary = np.flatnonzero(~self.q_choice.astype(bool))
        chosen = binary[rng.random(len(binary)) < 0.4]
        question_ids, moments, prices = [], [], []
        for position in chosen.tolist():
            first = int(self.q_start[position])
            last = int(min(self.q_known[position], self.q_deadline[position]))
            if last <= first:
                continue
            points = int(rng.integers(4, 13))
            days = np.unique(rng.integers(first, last, points))
            happened = self.q_fate[position] == RESOLVED and bool(self.q_happened[position])
            pull = np.linspace(0, 1, len(days)) ** 2 * (2.5 if happened else -2.5)
            if self.q_fate[position] != RESOLVED:
                pull = np.zeros(len(days))
            walk = np.cumsum(rng.normal(0, 0.25, len(days)))
            price = _sigmoid(_logit(float(self.q_truth[position])) + walk + pull)
            question_ids += [int(self.q_ids[position])] * len(days)
            moments += (days * _DAY + 15 * 3600).tolist()
            prices += np.clip(np.round(price, 3), 0.001, 0.999).tolist()
        n = len(question_ids)
        if n:
            first_id = self.ids.block(ReferenceForecast.__table__, n)
            self._insert(
                ReferenceForecast.__table__,
                {
                    "id": list(range(first_id, first_id + n)),
                    "question_id": question_ids,
                    "source": ["Synthetic market"] * n,
                    "at": self._moments(np.array(moments)),
                    "probability": prices,
                    "url": [None] * n,
                    "licence": ["synthetic demo data"] * n,
                    "added_at": self._moments(np.array(moments)),
                },
            )
        self.counts["reference_forecasts"] = n
        self.counts["questions_with_references"] = len(set(question_ids))

    # ---- unscorable claims

    def _unscorable_claims(self) -> None:
        """Claims too vague to score, as editors log them: each pundit has a vagueness of
        their own (most say something checkable nearly always, a few hedge often), and
        about that share of what they say is logged as unscorable, with a reason. Drawn
        from a generator of its own, so the rest of the registry is what it was."""
        rng = np.random.default_rng([self.seed, 19])
        n_pundits = self.n_pundits
        vagueness = rng.beta(1.2, 8.0, n_pundits)
        said = self.p_activity * self.n_predictions / 2.0
        per_pundit = rng.poisson(said * vagueness / (1.0 - vagueness))
        n = int(per_pundit.sum())
        self.counts["unscorable_claims"] = n
        if not n:
            return
        pundit_ids = np.repeat(self.pundit_ids, per_pundit)
        kinds = rng.integers(0, len(_VAGUE_CLAIMS), n)
        days = rng.integers(_day(FIRST_DAY), _day(LAST_DAY) + 1, n)
        moments = self._moments(days * _DAY + rng.integers(6 * 3600, 22 * 3600, n))
        subjects = rng.integers(0, len(_VAGUE_SUBJECTS), n)
        first_id = self.ids.block(UnscorableClaim.__table__, n)
        self._insert(
            UnscorableClaim.__table__,
            {
                "id": list(range(first_id, first_id + n)),
                "pundit_id": pundit_ids.tolist(),
                "source_id": [None] * n,
                "question_id": [None] * n,
                "quote": [
                    _VAGUE_CLAIMS[k][0].format(s=_VAGUE_SUBJECTS[j])
                    for k, j in zip(kinds.tolist(), subjects.tolist(), strict=True)
                ],
                "hedge_phrase": [_VAGUE_CLAIMS[k][1] for k in kinds.tolist()],
                "reason": [_VAGUE_CLAIMS[k][2] for k in kinds.tolist()],
                "note": [_VAGUE_CLAIMS[k][3] for k in kinds.tolist()],
                "made_at": moments,
                "logged_at": moments,
                "logged_by_id": [None] * n,
                "version": [1] * n,
            },
        )

    # ---- audit

    def _audit(self) -> None:
        now = dt.datetime.now(dt.UTC)
        table = AuditEvent.__table__
        self.conn.execute(
            insert(table).values(
                at=now,
                actor_id=None,
                actor_name=DEMO_ACTOR,
                action="demo.generate",
                entity_type="registry",
                entity_id=None,
                before=None,
                after={
                    "synthetic": True,
                    "seed": self.seed,
                    "pundits": self.n_pundits,
                    "questions": self.n_questions,
                    "predictions": self.n_predictions,
                    "calendar": [FIRST_DAY.isoformat(), LAST_DAY.isoformat()],
                    "counts": dict(self.counts),
                },
            )
        )
        self.counts["audit_events"] = 1
