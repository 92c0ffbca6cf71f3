"""The registry's nouns as SQLAlchemy 2.0 typed models.

Rules the database can hold live here (CHECK, UNIQUE, foreign keys); rules that need
several rows or a clock live in ``forecasts.services``. Every time is stored in UTC.
Alembic revisions in ``migrations/`` are the only way this schema reaches a database;
a test checks that they agree.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from forecasts import moments

#: The largest id a row can have (the databases' INTEGER, PostgreSQL's 32 bits): a
#: larger number typed as an id names no row, rather than overflowing the driver.
MAX_ROW_ID = 2**31 - 1

# Named constraints let Alembic's batch mode rebuild SQLite tables and drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_session_token() -> str:
    """A user's session token: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC; naive input is refused, output is aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone (times are stored in UTC)")
        value = value.astimezone(dt.UTC)
        # SQLite has no time zones: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(StrEnum):
    """A user's role; the members are declared from least to most rights."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role | str) -> bool:
        """Whether this role may do what ``needed`` may (an admin may do an editor's work)."""
        return self.rank >= Role(needed).rank


class QuestionKind(StrEnum):
    BINARY = "binary"
    MULTIPLE_CHOICE = "multiple_choice"


class ProbabilityOrigin(StrEnum):
    STATED = "stated"  # the pundit gave the number
    MAPPED = "mapped"  # mapped from the hedge phrase with a named scale version
    ESTIMATED = "estimated"  # the editor's estimate


class UnscorableReason(StrEnum):
    """Why a logged claim cannot be scored as it stands (``UnscorableClaim.reason``)."""

    NO_DEADLINE = "no_deadline"  # no date by which it would be known
    NO_CRITERIA = "no_criteria"  # no way to tell whether it came true
    ESCAPE_CLAUSE = "escape_clause"  # "unless...", "in some form": any outcome fits
    VAGUE_WORDING = "vague_wording"  # words two careful readers would resolve apart
    OTHER = "other"  # the note says why

    @property
    def label(self) -> str:
        return UNSCORABLE_REASON_LABELS[self]


UNSCORABLE_REASON_LABELS = {
    UnscorableReason.NO_DEADLINE: "no deadline",
    UnscorableReason.NO_CRITERIA: "no resolution criteria",
    UnscorableReason.ESCAPE_CLAUSE: "an escape clause",
    UnscorableReason.VAGUE_WORDING: "vague wording",
    UnscorableReason.OTHER: "another reason (see the note)",
}


class Outcome(StrEnum):
    YES = "yes"
    NO = "no"
    OPTION = "option"  # one of a multiple-choice question's options
    ANNULLED = "annulled"


def _in(column: str, enum: type[StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"


def _probability_check(column: str) -> str:
    return f"{column} IS NULL OR ({column} >= 0 AND {column} <= 1)"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Every signed-in session and remember-me cookie of the user carries this token;
    # a new one (sign-out, password change, deactivation) ends them all. A secret:
    # never serialized, audited or exported.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # The SHA-256 of the secret in the user's reminder-feed links (``forecasts.reminders``);
    # None when they have none. The secret itself is shown once and never kept.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


#: The forecasting platforms whose exports ``forecasts import --from`` reads.
PLATFORM_NAMES = {
    "predictionbook": "PredictionBook",
    "fatebook": "Fatebook",
    "metaculus": "Metaculus",
    "manifold": "Manifold",
}
PLATFORMS = tuple(PLATFORM_NAMES)


class Pundit(Base):
    __tablename__ = "pundits"
    __table_args__ = (
        # A platform's user is one pundit: re-importing a newer dump finds them again.
        Index("uq_pundits_platform_handle", "platform", "platform_handle", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    bio: Mapped[str] = mapped_column(Text, default="")
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Provenance of a pundit imported from a forecasting platform: the platform's name
    # (one of PLATFORMS) and the user's handle (username, or id where it has none).
    platform: Mapped[str | None] = mapped_column(String(40))
    platform_handle: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    predictions: Mapped[list[Prediction]] = relationship(back_populates="pundit")

    __mapper_args__ = {"version_id_col": version}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    outlet: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    published_on: Mapped[dt.date] = mapped_column(Date)
    full_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Who wrote it, when a pundit did (an op-ed, a column): the review queue proposes
    # them as the pundit of the forecasts found in its text.
    author_pundit_id: Mapped[int | None] = mapped_column(
        ForeignKey("pundits.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    author: Mapped[Pundit | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


question_tags = Table(
    "question_tags",
    Base.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    # Indexed apart from the key: a tag's page and board find its questions by tag.
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(_in("kind", QuestionKind), name="kind"),
        CheckConstraint(
            "(condition_question_id IS NULL) = (condition_outcome IS NULL)",
            name="condition_complete",
        ),
        CheckConstraint(
            "condition_question_id IS NULL OR condition_question_id <> id",
            name="condition_not_self",
        ),
        # A platform's question is one question, found again by its id on re-import.
        Index("uq_questions_platform_id", "platform", "platform_id", unique=True),
        # Statements are unique among questions entered here; imported history may repeat
        # a statement (two platform questions worded alike are still two questions).
        Index(
            "uq_questions_statement_entered",
            "statement",
            unique=True,
            sqlite_where=text("platform IS NULL"),
            postgresql_where=text("platform IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # 500 characters in the forms; a platform's title may be longer (Metaculus: 2,000).
    statement: Mapped[str] = mapped_column(String(2000))
    # Empty only for imported history that recorded none ("criteria not recorded").
    resolution_criteria: Mapped[str] = mapped_column(Text)
    # No deadline means the question can never be scored; it is kept and flagged.
    resolve_by: Mapped[dt.date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default=QuestionKind.BINARY.value)
    condition_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    # "yes" / "no" for a binary condition, an option label for a multiple-choice one.
    condition_outcome: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    # Provenance of a question imported from a forecasting platform: its name (one of
    # PLATFORMS), the question's id there and its link.
    platform: Mapped[str | None] = mapped_column(String(40))
    platform_id: Mapped[str | None] = mapped_column(String(200))
    platform_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)

    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question",
        order_by="QuestionOption.position",
        cascade="all, delete-orphan",
    )
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by=Tag.slug)
    condition_question: Mapped[Question | None] = relationship(remote_side=[id])
    predictions: Mapped[list[Prediction]] = relationship(back_populates="question")
    resolutions: Mapped[list[Resolution]] = relationship(
        back_populates="question", order_by="Resolution.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def standing_resolution(self) -> Resolution | None:
        """The latest resolution: re-resolution appends, and the latest stands."""
        return self.resolutions[-1] if self.resolutions else None

    def option_labels(self) -> list[str]:
        return [option.label for option in self.options]


class QuestionOption(Base):
    __tablename__ = "question_options"
    __table_args__ = (
        UniqueConstraint("question_id", "label", name="uq_question_options_label"),
        UniqueConstraint("question_id", "position", name="uq_question_options_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__ = (
        CheckConstraint(_probability_check("probability"), name="probability_range"),
        CheckConstraint(_in("probability_origin", ProbabilityOrigin), name="probability_origin"),
        CheckConstraint(
            "probability_origin <> 'mapped' "
            "OR (scale_name IS NOT NULL AND scale_version IS NOT NULL)",
            name="mapped_names_scale",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    pundit_id: Mapped[int] = mapped_column(
        ForeignKey("pundits.id", ondelete="RESTRICT"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )
    # P(yes) for a binary question; NULL for a multiple-choice one (see distribution).
    probability: Mapped[float | None] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text, default="")
    hedge_phrase: Mapped[str] = mapped_column(String(200), default="")
    probability_origin: Mapped[str] = mapped_column(String(16))
    scale_name: Mapped[str | None] = mapped_column(String(80))
    scale_version: Mapped[str | None] = mapped_column(String(40))
    # When it was made: a moment, or (made_at_precision 'day') only its day, stored as
    # midnight UTC. ``made`` is the value as given (forecasts.moments).
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    made_at_precision: Mapped[str] = mapped_column(
        String(6),
        CheckConstraint("made_at_precision IN ('moment', 'day')", name="made_at_precision"),
        server_default="moment",
    )
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    # When an editor last corrected the record of what was said (the audit log keeps
    # every before and after); None if never.
    corrected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A retracted prediction stays on the record, struck through and never scored: it
    # was logged in error (not said, or not by this pundit). The reason is required.
    retracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retraction_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)

    question: Mapped[Question] = relationship(back_populates="predictions")
    pundit: Mapped[Pundit] = relationship(back_populates="predictions")
    source: Mapped[Source | None] = relationship()
    logged_by: Mapped[User | None] = relationship()
    distribution: Mapped[list[PredictionOption]] = relationship(
        back_populates="prediction", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def made(self) -> dt.date | dt.datetime:
        """When it was made as the source gave it: a moment (UTC) or a day."""
        return moments.when_of(self.made_at, self.made_at_precision)


class UnscorableClaim(Base):
    """A pundit's claim logged as said but not scorable as it stands: no deadline, no
    criteria, an escape clause, vague wording. Kept, counted and listed (each pundit's
    share of scorable claims), never scored. ``question_id`` names the question it was
    about, when there is one."""

    __tablename__ = "unscorable_claims"
    __table_args__ = (
        CheckConstraint(_in("reason", UnscorableReason), name="reason"),
        CheckConstraint("reason <> 'other' OR note <> ''", name="other_has_note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pundit_id: Mapped[int] = mapped_column(
        ForeignKey("pundits.id", ondelete="RESTRICT"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    quote: Mapped[str] = mapped_column(Text)
    hedge_phrase: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    logged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)

    pundit: Mapped[Pundit] = relationship()
    source: Mapped[Source | None] = relationship()
    question: Mapped[Question | None] = relationship()
    logged_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def reason_label(self) -> str:
        return UnscorableReason(self.reason).label


class PredictionOption(Base):
    """One option's probability in a multiple-choice prediction."""

    __tablename__ = "prediction_options"
    __table_args__ = (CheckConstraint(_probability_check("probability"), name="probability_range"),)

    prediction_id: Mapped[int] = mapped_column(
        ForeignKey("predictions.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("question_options.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    probability: Mapped[float] = mapped_column(Float)

    prediction: Mapped[Prediction] = relationship(back_populates="distribution")
    option: Mapped[QuestionOption] = relationship()


class Resolution(Base):
    """What happened. Append-only: a re-resolution is a new row and the latest stands."""

    __tablename__ = "resolutions"
    __table_args__ = (
        CheckConstraint(_in("outcome", Outcome), name="outcome"),
        CheckConstraint("(outcome = 'option') = (option_id IS NOT NULL)", name="option_outcome"),
        CheckConstraint("known_at_precision IN ('moment', 'day')", name="known_at_precision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(16))
    option_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_options.id", ondelete="RESTRICT")
    )
    # When it became known: a moment, or (known_at_precision 'day') only its day, stored
    # as midnight UTC. ``known`` is the value as given (forecasts.moments).
    known_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # (The server defaults say what the rows written before revision 0010 were.)
    known_at_precision: Mapped[str] = mapped_column(String(6), server_default="day")
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    # True when the registry annulled it because the question's condition failed.
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    question: Mapped[Question] = relationship(back_populates="resolutions")
    option: Mapped[QuestionOption | None] = relationship()
    resolved_by: Mapped[User | None] = relationship()

    @property
    def known(self) -> dt.date | dt.datetime:
        """When it became known as given: a moment (UTC) or a day."""
        return moments.when_of(self.known_at, self.known_at_precision)

    @property
    def outcome_label(self) -> str:
        """'yes', 'no', 'annulled', or the option's label."""
        return self.option.label if self.option is not None else self.outcome


#: The columns of ``ix_prediction_scores_pundit_totals`` (migration 0015), in order.
PUNDIT_TOTALS_COLUMNS = (
    "pundit_id",
    "final",
    "prediction_id",
    "question_id",
    "kind",
    "probability",
    "outcome",
    "brier",
    "log_score",
    "peer_brier",
    "peer_log",
    "time_averaged",
    "pair_brier",
    "vs_reference_brier",
)


class PredictionScore(Base):
    """A prediction's status and scores as kept (``forecasts.kept``): written in the
    transaction of every write that changes them, read by the boards. Derived data: the
    registry's own rows are the truth, and ``forecasts scores verify`` checks this copy
    against them. No foreign keys: rebuilt whole or by question, never edited alone."""

    __tablename__ = "prediction_scores"
    __table_args__ = (
        # A pundit's final rows with every number their totals are made from, in one
        # index: recomputing a pundit's totals reads the index alone, in order, instead
        # of one table page per forecast.
        Index("ix_prediction_scores_pundit_totals", *PUNDIT_TOTALS_COLUMNS),
    )

    prediction_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pundit_id: Mapped[int] = mapped_column(Integer, index=True)
    question_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Times as microseconds since 1970 UTC: a board reads a million of them at once, and
    # integers need no parsing. ``known_at_us`` is midnight UTC of a day known by date.
    made_at_us: Mapped[int] = mapped_column(BigInteger)
    # P(what happened) for a scored multiple-choice forecast, as the frame gives it.
    probability: Mapped[float | None] = mapped_column(Float)
    known_at_us: Mapped[int | None] = mapped_column(BigInteger)
    known_at_day: Mapped[bool | None] = mapped_column(Boolean)  # known by date only
    reference: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[float | None] = mapped_column(Float)
    brier: Mapped[float | None] = mapped_column(Float)
    log_score: Mapped[float | None] = mapped_column(Float)
    final: Mapped[bool] = mapped_column(Boolean)
    # What a final forecast brings to its pundit's board row (``scores.ROW_STATISTICS``):
    # each depends on its own question's forecasts only. Null on the other rows.
    peer_brier: Mapped[float | None] = mapped_column(Float)
    peer_log: Mapped[float | None] = mapped_column(Float)
    time_averaged: Mapped[float | None] = mapped_column(Float)
    pair_brier: Mapped[float | None] = mapped_column(Float)
    vs_reference_brier: Mapped[float | None] = mapped_column(Float)


class PunditScore(Base):
    """A pundit's totals as the board reads them (``scores.STATISTICS_COLUMNS``, and the
    counts of their claims that can and cannot be scored), kept with the kept prediction
    scores (``forecasts.kept``): recomputed, in the transaction of a write, for the
    pundits whose forecasts it touched. One row per pundit with a scored final forecast.
    Derived data, like ``prediction_scores``: no foreign keys."""

    __tablename__ = "pundit_scores"

    pundit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
    brier: Mapped[float] = mapped_column(Float)
    brier_ci_low: Mapped[float | None] = mapped_column(Float)
    brier_ci_high: Mapped[float | None] = mapped_column(Float)
    brier_ss: Mapped[float] = mapped_column(Float)
    log_score: Mapped[float] = mapped_column(Float)
    n_peer: Mapped[int] = mapped_column(Integer)
    peer_brier: Mapped[float | None] = mapped_column(Float)
    peer_log: Mapped[float | None] = mapped_column(Float)
    time_averaged_brier: Mapped[float | None] = mapped_column(Float)
    n_reference: Mapped[int] = mapped_column(Integer)
    vs_reference_brier: Mapped[float | None] = mapped_column(Float)
    vs_reference_ci_low: Mapped[float | None] = mapped_column(Float)
    vs_reference_ci_high: Mapped[float | None] = mapped_column(Float)
    weighted_brier: Mapped[float | None] = mapped_column(Float)
    claims_scorable: Mapped[int] = mapped_column(Integer)
    claims_unscorable: Mapped[int] = mapped_column(Integer)
    # The calibration glyph's bins, JSON ([n, mean forecast, observed frequency] by bin).
    calibration: Mapped[str] = mapped_column(Text)


class BoardState(Base):
    """The one board number that reads every pundit at once, kept apart from the
    per-pundit totals: the difficulty-adjusted Brier of each pundit (JSON, pundit id to
    value), the registry stamp it was fitted at (``scores.registry_stamp``) and when.
    A board read after a later write shows it "as of" that moment until it is refitted
    (``forecasts.kept.refit``). One row, id 1."""

    __tablename__ = "board_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    adjusted: Mapped[str] = mapped_column(Text)
    stamp: Mapped[str] = mapped_column(String(80))
    fitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Redirect(Base):
    """The old address of a pundit, question or source merged into another: its page
    (and its API resource) answers with a permanent redirect to the row it went into.
    ``old_key`` is the slug (a source's id, as text); ``target_id`` the surviving row's
    id, kept current when that row is merged in turn."""

    __tablename__ = "redirects"
    __table_args__ = (
        UniqueConstraint("kind", "old_key", name="uq_redirects_address"),
        CheckConstraint("kind IN ('pundit', 'question', 'source')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    old_key: Mapped[str] = mapped_column(String(80))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class ReferenceForecast(Base):
    """One point of a probability series from outside the registry for a question: a
    prediction market's price, a forecasting platform's community forecast, a panel's
    median. A pundit's forecast is compared with the value standing when it was made."""

    __tablename__ = "reference_forecasts"
    __table_args__ = (
        UniqueConstraint("question_id", "source", "at", name="uq_reference_forecasts_point"),
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(120))  # "Polymarket", "Metaculus community"
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    probability: Mapped[float] = mapped_column(Float)
    url: Mapped[str | None] = mapped_column(String(2000))
    licence: Mapped[str] = mapped_column(String(300), default="")  # terms the data came under
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateReview(Base):
    """An editor's decision on a forecast candidate extracted from a source's text.

    The candidate is named by its sentence's offsets in ``Source.full_text``, so the
    decision is remembered however often the text is extracted again.
    """

    __tablename__ = "candidate_reviews"
    __table_args__ = (
        UniqueConstraint("source_id", "start", "end", name="uq_candidate_reviews_span"),
        CheckConstraint(_in("decision", Decision), name="decision"),
        CheckConstraint('start >= 0 AND "end" > start', name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    hedge_phrase: Mapped[str] = mapped_column(String(200), default="")
    decision: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)

    decided_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class AuditEvent(Base):
    """Append-only record of every change (the migrations add triggers refusing edits)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept even if the user is later removed; "cli" or "seed" when no user acted.
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class ApiToken(Base):
    """A user's bearer credential for the API: only its hash and a short prefix are kept
    (``forecasts.tokens`` issues, checks and revokes them)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
