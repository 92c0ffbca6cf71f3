"""Read-only queries shared by the command line, the web app and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from forecasts.models import (
    MAX_ROW_ID,
    Outcome,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    Redirect,
    ReferenceForecast,
    Resolution,
    Source,
    Tag,
    User,
    question_tags,
    utcnow,
)


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` rows ``total`` rows fill (at least one, even empty)."""
    return max(1, -(-total // size))


@dataclass(frozen=True)
class Page:
    """One page of a long list: its rows, how many rows the list has in all, which page
    this is (from 1) and how many rows a page holds. The pages and the API show it."""

    items: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    def numbers(self) -> dict:
        """What a list's count and its pager show: ``total``, ``page``, ``pages``."""
        return {"total": self.total, "page": self.number, "pages": self.pages}


def page_of(session: Session, statement: Select, number: int, size: int) -> Page:
    """Page ``number`` of an ordered select, as a ``Page``."""
    items, total = paged(session, statement, number, size)
    return Page(items, total, number, size)


def paged(session: Session, statement: Select, page: int, size: int) -> tuple[list, int]:
    """Page ``page`` (from 1) of ``size`` rows of an ordered select, and how many rows
    the select has in all."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    offset = (page - 1) * size
    if offset >= total:  # past the end (an absurd page number too): no rows, no query
        return [], total
    rows = session.execute(statement.offset(offset).limit(size))
    single = len(statement.column_descriptions) == 1
    return [row[0] if single else tuple(row) for row in rows], total


def pundit_by_name_or_slug(session: Session, text: str) -> Pundit | None:
    """The pundit with this slug, else the only pundit with this name (None if several)."""
    pundit = session.scalar(select(Pundit).where(Pundit.slug == text))
    if pundit is not None:
        return pundit
    named = session.scalars(select(Pundit).where(Pundit.name == text).limit(2)).all()
    return named[0] if len(named) == 1 else None


def reference_series(session: Session, question_id: int) -> dict[str, list]:
    """A question's reference forecasts, by source (in name order), each in time order."""
    series: dict[str, list] = {}
    for point in session.scalars(
        select(ReferenceForecast)
        .where(ReferenceForecast.question_id == question_id)
        .order_by(ReferenceForecast.source, ReferenceForecast.at)
    ):
        series.setdefault(point.source, []).append(point)
    return series


def list_pundits(session: Session) -> list[Pundit]:
    return list(session.scalars(select(Pundit).order_by(Pundit.slug)))


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.published_on, Source.id)))


def question_loads():
    """What showing a question needs besides its predictions: options, tags, the
    resolution history and the condition."""
    return (
        selectinload(Question.options),
        selectinload(Question.tags),
        selectinload(Question.resolutions).selectinload(Resolution.option),
        selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
        selectinload(Question.condition_question),
    )


def _question_page_options():
    return (
        *question_loads(),
        selectinload(Question.predictions).selectinload(Prediction.pundit),
        selectinload(Question.predictions)
        .selectinload(Prediction.distribution)
        .selectinload(PredictionOption.option),
    )


def list_questions(session: Session) -> list[Question]:
    """Every question with its options, tags, resolutions and predictions loaded."""
    return list(
        session.scalars(select(Question).options(*_question_page_options()).order_by(Question.id))
    )


def question_page(session: Session, page: int, size: int) -> tuple[list[Question], int]:
    """One page of questions (by id) with what the list shows loaded, and the total."""
    return paged(
        session,
        select(Question).options(*_question_page_options()).order_by(Question.id),
        page,
        size,
    )


QUESTION_STATUSES = ("open", "due", "resolved", "annulled")
# How a list of questions can be ordered: the name in the URL, and the ORDER BY.
QUESTION_SORTS = {
    "added": "oldest first",
    "newest": "newest first",
    "deadline": "resolve-by date, soonest first",
    "forecasts": "most forecasts first",
}


def _standing_outcomes():
    """Each resolved question's standing (latest) outcome."""
    latest = (
        select(Resolution.question_id, func.max(Resolution.id).label("resolution_id"))
        .group_by(Resolution.question_id)
        .subquery()
    )
    return (
        select(Resolution.question_id, Resolution.outcome)
        .join(latest, latest.c.resolution_id == Resolution.id)
        .subquery()
    )


def filtered_questions(
    tag: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    sort: str = "added",
    today: dt.date | None = None,
) -> Select:
    """Questions with a tag (its slug), of a kind, in a status, in the order ``sort``
    names (``QUESTION_SORTS``; then by id). ``status`` is open (unresolved, deadline
    not passed or none), due (unresolved, past its resolve-by date), resolved, or
    annulled (by the standing resolution). The caller checks the values."""
    query = select(Question).options(*question_loads())
    if tag:
        query = query.where(
            Question.id.in_(
                select(question_tags.c.question_id)
                .join(Tag, Tag.id == question_tags.c.tag_id)
                .where(Tag.slug == tag)
            )
        )
    if kind:
        query = query.where(Question.kind == kind)
    if status:
        standing = _standing_outcomes()
        query = query.outerjoin(standing, standing.c.question_id == Question.id)
        today = today or utcnow().date()
        if status == "resolved":
            query = query.where(
                standing.c.outcome.is_not(None), standing.c.outcome != Outcome.ANNULLED.value
            )
        elif status == "annulled":
            query = query.where(standing.c.outcome == Outcome.ANNULLED.value)
        elif status == "due":
            query = query.where(standing.c.outcome.is_(None), Question.resolve_by < today)
        else:
            query = query.where(
                standing.c.outcome.is_(None),
                Question.resolve_by.is_(None) | (Question.resolve_by >= today),
            )
    if sort == "newest":
        return query.order_by(Question.id.desc())
    if sort == "deadline":
        return query.order_by(Question.resolve_by.is_(None), Question.resolve_by, Question.id)
    if sort == "forecasts":
        counts = (
            select(func.count(Prediction.id))
            .where(Prediction.question_id == Question.id)
            .correlate(Question)
            .scalar_subquery()
        )
        return query.order_by(counts.desc(), Question.id)
    return query.order_by(Question.id)


def filtered_question_page(
    session: Session, page: int, size: int, **filters
) -> tuple[list[Question], int]:
    """One page of ``filtered_questions(**filters)`` with what the list shows of each
    question loaded (its tags and condition; its forecasts come from
    :func:`forecast_summaries`), and the total."""
    statement = filtered_questions(**filters).options(
        selectinload(Question.tags), selectinload(Question.condition_question)
    )
    return paged(session, statement, page, size)


LATEST_ON_LIST = 10  # forecasts a question list shows of each question; its page has all


@dataclass(frozen=True)
class ForecastSummary:
    """What a list of questions says of one question's forecasts: how many, by how many
    pundits, and the ``latest`` few (oldest first; the last is the newest). A busy
    question's hundreds of forecasts stay on its own page."""

    count: int
    pundits: int
    latest: list[Prediction]

    @property
    def newest(self) -> Prediction | None:
        return self.latest[-1] if self.latest else None

    @property
    def earlier(self) -> int:
        """How many forecasts the list leaves out."""
        return self.count - len(self.latest)


def forecast_summaries(
    session: Session, question_ids: list[int], latest: int = LATEST_ON_LIST
) -> dict[int, ForecastSummary]:
    """Each question's :class:`ForecastSummary` (questions without forecasts left out):
    two queries for the whole page, whatever the number of forecasts."""
    if not question_ids:
        return {}
    counts = session.execute(
        select(
            Prediction.question_id,
            func.count(Prediction.id),
            func.count(Prediction.pundit_id.distinct()),
        )
        .where(Prediction.question_id.in_(question_ids))
        .group_by(Prediction.question_id)
    ).all()
    ranked = (
        select(
            Prediction.id,
            func.row_number()
            .over(
                partition_by=Prediction.question_id,
                order_by=(Prediction.made_at.desc(), Prediction.id.desc()),
            )
            .label("place"),
        )
        .where(Prediction.question_id.in_(question_ids))
        .subquery()
    )
    newest = session.scalars(
        select(Prediction)
        .join(ranked, ranked.c.id == Prediction.id)
        .where(ranked.c.place <= latest)
        .order_by(Prediction.question_id, Prediction.made_at, Prediction.id)
        .options(
            selectinload(Prediction.pundit),
            selectinload(Prediction.distribution).selectinload(PredictionOption.option),
        )
    ).all()
    by_question: dict[int, list[Prediction]] = {}
    for prediction in newest:
        by_question.setdefault(prediction.question_id, []).append(prediction)
    return {
        question_id: ForecastSummary(count, pundits, by_question.get(question_id, []))
        for question_id, count, pundits in counts
    }


def tag_by_slug(session: Session, slug: str) -> Tag | None:
    return session.scalar(select(Tag).where(Tag.slug == slug))


def question_choices(session: Session) -> list[tuple[int, str]]:
    """(id, statement) of every question, for a form's choice of condition."""
    return [
        tuple(row)
        for row in session.execute(select(Question.id, Question.statement).order_by(Question.id))
    ]


def pundit_page(session: Session, page: int, size: int) -> tuple[list[tuple[Pundit, int]], int]:
    """One page of pundits by slug, each with how many predictions they have."""
    counts = (
        select(Prediction.pundit_id, func.count(Prediction.id).label("n"))
        .group_by(Prediction.pundit_id)
        .subquery()
    )
    return paged(
        session,
        select(Pundit, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.pundit_id == Pundit.id)
        .order_by(Pundit.slug),
        page,
        size,
    )


def source_page(session: Session, page: int, size: int) -> tuple[list[Source], int]:
    """One page of sources, oldest first."""
    return paged(session, select(Source).order_by(Source.published_on, Source.id), page, size)


def list_predictions(session: Session) -> list[Prediction]:
    return list(
        session.scalars(
            select(Prediction)
            .options(
                selectinload(Prediction.question).selectinload(Question.resolutions),
                selectinload(Prediction.pundit),
                selectinload(Prediction.logged_by),
                selectinload(Prediction.distribution),
            )
            .order_by(Prediction.made_at, Prediction.id)
        )
    )


def question_by_slug(
    session: Session, slug: str, *, with_predictions: bool = True
) -> Question | None:
    """The question with this slug, with what showing it needs; its predictions too
    unless ``with_predictions`` is false (the API pages them separately)."""
    if not with_predictions:
        return session.scalar(
            select(Question).where(Question.slug == slug).options(*question_loads())
        )
    return session.scalar(
        select(Question)
        .where(Question.slug == slug)
        .options(
            *question_loads(),
            selectinload(Question.predictions).selectinload(Prediction.pundit),
            selectinload(Question.predictions).selectinload(Prediction.source),
            selectinload(Question.predictions).selectinload(Prediction.logged_by),
            selectinload(Question.predictions).selectinload(Prediction.distribution),
        )
    )


def pundit_by_slug(session: Session, slug: str) -> Pundit | None:
    """The pundit alone: their predictions are read a page at a time."""
    return session.scalar(select(Pundit).where(Pundit.slug == slug))


def pundit_predictions(
    session: Session, pundit_id: int, page: int, size: int
) -> tuple[list[Prediction], int]:
    """One page of a pundit's predictions (oldest first) with what a prediction's line
    shows loaded, and how many there are."""
    return paged(
        session,
        select(Prediction)
        .where(Prediction.pundit_id == pundit_id)
        .options(
            selectinload(Prediction.question).selectinload(Question.resolutions),
            selectinload(Prediction.source),
            selectinload(Prediction.distribution).selectinload(PredictionOption.option),
        )
        .order_by(Prediction.made_at, Prediction.id),
        page,
        size,
    )


def source_predictions(session: Session, source_id: int) -> list[Prediction]:
    return list(
        session.scalars(
            select(Prediction)
            .where(Prediction.source_id == source_id)
            .options(
                selectinload(Prediction.pundit),
                selectinload(Prediction.question).selectinload(Question.resolutions),
            )
            .order_by(Prediction.made_at, Prediction.id)
        )
    )


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


# ------------------------------------------------------------------ the due queue


def _reopened_questions():
    """Ids of the questions annulled automatically because their condition failed, whose
    condition has since been re-resolved so that it holds: their outcome is wanted again
    (resolutions are only appended, so they stay annulled until an editor resolves them).
    Only conditional questions are looked at, each through the resolutions index."""

    def latest(question_id):
        return (
            select(func.max(Resolution.id))
            .where(Resolution.question_id == question_id)
            .correlate(Question)
            .scalar_subquery()
        )

    standing = aliased(Resolution)
    condition = aliased(Resolution)
    option = aliased(QuestionOption)
    return (
        select(Question.id)
        .join(standing, standing.id == latest(Question.id))
        .join(condition, condition.id == latest(Question.condition_question_id))
        .outerjoin(option, option.id == condition.option_id)
        .where(
            Question.condition_question_id.is_not(None),
            standing.automatic.is_(True),
            standing.outcome == Outcome.ANNULLED.value,
            condition.outcome != Outcome.ANNULLED.value,
            func.coalesce(option.label, condition.outcome) == Question.condition_outcome,
        )
    )


def awaiting_resolution():
    """The condition on ``Question`` of having no standing resolution: never resolved,
    or annulled automatically and wanted again (``_reopened_questions``)."""
    return Question.id.not_in(select(Resolution.question_id)) | Question.id.in_(
        _reopened_questions()
    )


def _due_condition(today: dt.date | None):
    return (Question.resolve_by < (today or utcnow().date()), awaiting_resolution())


def due_questions(session: Session, today: dt.date | None = None) -> list[Question]:
    """Questions past their resolve-by date with no standing resolution, oldest first;
    also those annulled automatically when their condition failed, once a correction
    of the condition makes it hold."""
    return list(
        session.scalars(
            select(Question)
            .where(*_due_condition(today))
            .order_by(Question.resolve_by, Question.id)
        )
    )


@dataclass(frozen=True)
class DueItem:
    """One row of the due queue: the question, how many days past its resolve-by date it
    is, and how many logged forecasts wait on its outcome to be scored."""

    question: Question
    days_overdue: int
    forecasts: int


def due_queue(session: Session, today: dt.date | None = None) -> list[DueItem]:
    """The due questions (oldest first, as ``due_questions``) with their days overdue and
    the number of forecasts on each, counted in the same query."""
    today = today or utcnow().date()
    forecasts = (
        select(func.count(Prediction.id))
        .where(Prediction.question_id == Question.id)
        .correlate(Question)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Question, forecasts)
        .where(*_due_condition(today))
        .order_by(Question.resolve_by, Question.id)
    ).all()
    return [DueItem(question, (today - question.resolve_by).days, n) for question, n in rows]


def next_due_question(
    session: Session, after: Question, today: dt.date | None = None
) -> Question | None:
    """The question an editor resolves next: the oldest one due other than ``after``, so
    the walk through the queue never comes back to the question just resolved."""
    return session.scalars(
        select(Question)
        .where(*_due_condition(today), Question.id != after.id)
        .order_by(Question.resolve_by, Question.id)
        .limit(1)
    ).first()


def count_due_questions(session: Session, today: dt.date | None = None) -> int:
    return session.scalar(select(func.count(Question.id)).where(*_due_condition(today)))


def prediction_count(session: Session, kind: str, row_id: int) -> int:
    """How many predictions a pundit made, a question has, or a source is cited by."""
    column = {
        "pundit": Prediction.pundit_id,
        "question": Prediction.question_id,
        "source": Prediction.source_id,
    }[kind]
    return session.scalar(select(func.count()).where(column == row_id))


def row_by_address(session: Session, kind: str, key: str):
    """The pundit or question whose slug is ``key``, or the source whose id it is (its
    address), or None; an id no row can have names none."""
    if kind == "source":
        return session.get(Source, int(key)) if key.isdigit() and int(key) <= MAX_ROW_ID else None
    if kind == "pundit":
        return pundit_by_slug(session, key)
    return question_by_slug(session, key, with_predictions=False)


def redirected(session: Session, kind: str, old_key: str):
    """The row a merged pundit's, question's or source's old address leads to, or None."""
    target = session.scalar(
        select(Redirect.target_id).where(Redirect.kind == kind, Redirect.old_key == old_key)
    )
    model = {"pundit": Pundit, "question": Question, "source": Source}[kind]
    return session.get(model, target) if target is not None else None
