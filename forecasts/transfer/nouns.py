"""What an import knows of each pundit, source and question: the registry's (loaded once,
by natural key) and the file's new ones, with the checked values waiting to be written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forecasts import moments
from forecasts.models import (
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    Resolution,
    Source,
    Tag,
)


class Standing:
    """A question's standing resolution, as far as matching and conditions need it."""

    __slots__ = ("outcome", "label", "known_at")

    def __init__(self, outcome: str, label: str, known_at: dt.date | dt.datetime):
        self.outcome, self.label, self.known_at = outcome, label, known_at


class Noun:
    """A pundit, source or question as the import refers to it: ``ref`` is its key in the
    import's maps (its id, or a negative number for a new one), ``id`` its row id once it
    has one; ``bad`` marks a new one whose defining row failed its checks."""

    __slots__ = ("ref", "id", "new", "line", "bad", "cells")

    def __init__(self, ref: int, row_id: int | None, new: bool, line: int = 0):
        self.ref = ref  # the id for an existing row; a negative number for a new one
        self.id = row_id
        self.new = new
        self.line = line  # the line that defined a new one
        self.bad = False
        self.cells: tuple = ()  # a new one's cells as the defining row gave them


class PunditNoun(Noun):
    __slots__ = ("slug", "name", "clean")


class SourceNoun(Noun):
    __slots__ = ("published_on", "clean")


class QuestionNoun(Noun):
    __slots__ = (
        "slug",
        "platform_key",
        "statement",
        "kind",
        "resolve_by",
        "labels",
        "option_ids",
        "clean",
        "tags",
        "condition",
        "condition_id",
        "condition_text",
        "condition_outcome",
        "standing",
        "resolution",
        "resolution_line",
        "resolution_cells",
        "resolution_problems",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_ids: dict[str, int] = {}
        self.platform_key: tuple[str, str] | None = None  # (platform, its id there)
        self.labels: tuple[str, ...] = ()
        self.tags: list[str] = []
        self.clean: dict = {}
        self.condition: QuestionNoun | None = None
        self.condition_id: int | None = None
        self.condition_text = ""
        self.condition_outcome: str | None = None
        self.standing: Standing | None = None
        self.resolution: dict | None = None  # the file's resolution, checked
        self.resolution_line: int | None = None
        self.resolution_cells: tuple = ()
        self.resolution_problems: list = []


# ------------------------------------------------------------------------------- cells


class Checked(NamedTuple):
    """A prediction row that passed every check, waiting in the buffer to be written."""

    key: int  # the hash of its natural key: pundit, question, made-at, forecast, quote
    pundit: PunditNoun
    source: SourceNoun | None
    question: QuestionNoun
    made_at: dt.date | dt.datetime  # a moment or a day (forecasts.moments)
    forecast: dict  # as ``rules.check_prediction_forecast`` cleans it
    quote: str
    note: str
    retracted_at: dt.datetime | None = None  # retracted in the registry it came from
    retraction_reason: str = ""


_ID_BATCH = 500  # ids per IN (...) query


class Registry:
    """The registry's nouns in maps by their natural keys, loaded once (one query per
    table); the import adds the file's new nouns to the same maps as it defines them.
    The natural keys of existing predictions are loaded per question, when a row needs them."""

    def __init__(self, session: Session):
        self.session = session
        s = session
        self.pundit_by_slug: dict[str, PunditNoun] = {}
        # Pundits entered here, by name; a platform's users are found by platform and handle.
        self.pundits_by_name: dict[str, list[PunditNoun]] = defaultdict(list)
        self.pundit_by_platform: dict[tuple[str, str], PunditNoun] = {}
        for pundit_id, slug, name, platform, handle in s.execute(
            select(Pundit.id, Pundit.slug, Pundit.name, Pundit.platform, Pundit.platform_handle)
        ):
            pundit = PunditNoun(pundit_id, pundit_id, False)
            pundit.slug, pundit.name = slug, name
            self.pundit_by_slug[slug] = pundit
            if platform:
                self.pundit_by_platform[(platform, handle)] = pundit
            else:
                self.pundits_by_name[name].append(pundit)
        self.source_by_url: dict[str, SourceNoun] = {}
        self.sources_by_title: dict[tuple, list[SourceNoun]] = defaultdict(list)
        for source_id, url, title, published_on in s.execute(
            select(Source.id, Source.url, Source.title, Source.published_on)
        ):
            source = SourceNoun(source_id, source_id, False)
            source.published_on = published_on
            if url:
                self.source_by_url[url] = source
            self.sources_by_title[(title, published_on)].append(source)
        # A statement names the question entered here with it, else the first imported one;
        # ``repeated_statements`` are those several questions share (imported history).
        self.question_by_statement: dict[str, QuestionNoun] = {}
        self.repeated_statements: set[str] = set()
        self.question_by_slug: dict[str, QuestionNoun] = {}
        self.question_by_platform: dict[tuple[str, str], QuestionNoun] = {}
        by_id: dict[int, QuestionNoun] = {}
        for row in s.execute(
            select(
                Question.id,
                Question.slug,
                Question.statement,
                Question.kind,
                Question.resolve_by,
                Question.condition_question_id,
                Question.condition_outcome,
                Question.platform,
                Question.platform_id,
            ).order_by(Question.platform.is_not(None), Question.id)
        ):
            question = QuestionNoun(row.id, row.id, False)
            question.slug, question.statement, question.kind = row.slug, row.statement, row.kind
            question.resolve_by = row.resolve_by
            question.condition_id = row.condition_question_id
            question.condition_outcome = row.condition_outcome
            by_id[row.id] = question
            self.add_statement(row.statement, question)
            self.question_by_slug[row.slug] = question
            if row.platform:
                question.platform_key = (row.platform, row.platform_id)
                self.question_by_platform[question.platform_key] = question
        labels: dict[int, list[str]] = defaultdict(list)
        for question_id, option_id, label in s.execute(
            select(QuestionOption.question_id, QuestionOption.id, QuestionOption.label).order_by(
                QuestionOption.question_id, QuestionOption.position
            )
        ):
            labels[question_id].append(label)
            by_id[question_id].option_ids[label] = option_id
        for question_id, names in labels.items():
            by_id[question_id].labels = tuple(names)
        for question in by_id.values():
            if question.condition_id is not None:
                question.condition = by_id[question.condition_id]
        latest = (
            select(Resolution.question_id, func.max(Resolution.id).label("rid"))
            .group_by(Resolution.question_id)
            .subquery()
        )
        for question_id, outcome, label, known_at, precision in s.execute(
            select(
                Resolution.question_id,
                Resolution.outcome,
                QuestionOption.label,
                Resolution.known_at,
                Resolution.known_at_precision,
            )
            .join(latest, latest.c.rid == Resolution.id)
            .outerjoin(QuestionOption, QuestionOption.id == Resolution.option_id)
        ):
            by_id[question_id].standing = Standing(
                outcome, label or outcome, moments.when_of(known_at, precision)
            )
        self.questions_by_id = by_id
        self.tag_ids: dict[str, int] = dict(s.execute(select(Tag.slug, Tag.id)).tuples().all())
        self.pundit_slugs = set(self.pundit_by_slug)
        self.question_slugs = set(self.question_by_slug)
        self.prediction_keys: set[int] = set()  # on the questions ``load_keys`` was given
        self._keys_loaded: set[int] = set()

    def add_statement(self, statement: str, question: QuestionNoun) -> None:
        if statement in self.question_by_statement:
            self.repeated_statements.add(statement)
        else:
            self.question_by_statement[statement] = question

    def load_keys(self, questions: set[QuestionNoun]) -> None:
        """The natural keys of the predictions already made on these existing questions."""
        ids = sorted(q.id for q in questions if q.id not in self._keys_loaded)
        self._keys_loaded.update(ids)
        for start in range(0, len(ids), _ID_BATCH):
            batch = ids[start : start + _ID_BATCH]
            distributions: dict[int, list] = defaultdict(list)
            for prediction_id, label, probability in self.session.execute(
                select(
                    PredictionOption.prediction_id,
                    QuestionOption.label,
                    PredictionOption.probability,
                )
                .join(QuestionOption, QuestionOption.id == PredictionOption.option_id)
                .where(QuestionOption.question_id.in_(batch))
            ):
                distributions[prediction_id].append((label, probability))
            for row in self.session.execute(
                select(
                    Prediction.id,
                    Prediction.pundit_id,
                    Prediction.question_id,
                    Prediction.made_at,
                    Prediction.made_at_precision,
                    Prediction.probability,
                    Prediction.quote,
                ).where(Prediction.question_id.in_(batch))
            ):
                dist = distributions.get(row.id)
                self.prediction_keys.add(
                    hash(
                        (
                            row.pundit_id,
                            row.question_id,
                            moments.when_of(row.made_at, row.made_at_precision),
                            row.probability,
                            tuple(sorted(dist)) if dist else None,
                            row.quote,
                        )
                    )
                )
