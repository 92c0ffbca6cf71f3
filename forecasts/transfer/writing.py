"""The import's writes: each table's new rows in chunks, straight to the driver's
``executemany`` through ``bulk.Writer`` (each value already converted by its column's own
type), with ids handed out beforehand by ``bulk.Ids``; and the audit events the services
would have recorded, with one ``import`` event summarising the predictions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, selectinload

from forecasts import bulk, moments, rules, serialize
from forecasts.models import (
    AuditEvent,
    Outcome,
    Prediction,
    PredictionOption,
    Pundit,
    Question,
    QuestionOption,
    ReferenceForecast,
    Resolution,
    Source,
    Tag,
    question_tags,
)
from forecasts.services import Actor
from forecasts.transfer.nouns import Checked, PunditNoun, QuestionNoun, SourceNoun
from forecasts.transfer.report import ImportReport

CHUNK_ROWS = 5_000  # rows written per executemany
_ID_BATCH = 500  # ids per IN (...) query

PREDICTION_COLUMNS = (
    "id",
    "question_id",
    "pundit_id",
    "source_id",
    "probability",
    "quote",
    "hedge_phrase",
    "probability_origin",
    "scale_name",
    "scale_version",
    "made_at",
    "made_at_precision",
    "logged_at",
    "logged_by_id",
    "note",
    "retracted_at",
    "retraction_reason",
    "version",
)


class Writes:
    """One import's writes, in one session's transaction. New nouns get their ids as they
    are written (``noun.id``); ``report.prediction_ids`` follows the predictions written."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        now: dt.datetime,
        tag_ids: dict[str, int],
        report: ImportReport,
    ):
        self.session = session
        self.actor = actor
        self.now = now
        self.tag_ids = tag_ids  # the registry's tags, and the ones written since
        self.report = report
        self.writer = bulk.Writer(session)
        self.ids = bulk.Ids(session)
        self._dropped_indexes: list[str] | None = None  # None: not decided yet

    def restore_indexes(self) -> None:
        """The predictions' indexes, if the first write dropped them (an empty table)."""
        self.writer.restore_indexes(self._dropped_indexes or [])

    def _new_rows(self, table, nouns: list, columns: tuple[str, ...], values, **options):
        """Give ``nouns`` their ids and write one row each: ``id``, then ``values(noun)``
        for the columns between, then ``created_at`` and ``version`` (1)."""
        for noun, new_id in zip(nouns, self.ids.take(table, len(nouns)), strict=True):
            noun.id = new_id
        created = self.writer.value(table.c.created_at, self.now)
        self.writer.executemany(
            table,
            ("id", *columns, "created_at", "version"),
            [(noun.id, *values(noun), created, 1) for noun in nouns],
            **options,
        )

    def pundits(self, pundits: list[PunditNoun]) -> None:
        self._new_rows(
            Pundit.__table__,
            pundits,
            ("slug", "name", "bio", "affiliation", "links", "platform", "platform_handle"),
            lambda p: (
                p.slug,
                p.clean["name"],
                p.clean["bio"],
                p.clean["affiliation"],
                p.clean["links"],
                p.clean["platform"],
                p.clean["platform_handle"],
            ),
            process=("links",),
        )

    def sources(self, sources: list[SourceNoun]) -> None:
        fields = ("title", "outlet", "url", "published_on", "full_text", "note")
        self._new_rows(
            Source.__table__,
            sources,
            fields,
            lambda s: tuple(s.clean[name] for name in fields),
            process=("published_on",),
        )

    def questions(self, questions: list[QuestionNoun]) -> None:
        # Conditions are written at the end: a condition may be defined later in the file.
        writer = self.writer
        self._new_rows(
            Question.__table__,
            questions,
            (
                "slug",
                "statement",
                "resolution_criteria",
                "resolve_by",
                "kind",
                "note",
                "created_by_id",
                "platform",
                "platform_id",
                "platform_url",
            ),
            lambda q: (
                q.slug,
                q.statement,
                q.clean["resolution_criteria"],
                q.resolve_by,
                q.kind,
                q.clean["note"],
                self.actor.user_id,
                q.clean["platform"],
                q.clean["platform_id"],
                q.clean["platform_url"],
            ),
            process=("resolve_by",),
        )
        options = [
            (q, position, label) for q in questions for position, label in enumerate(q.labels)
        ]
        option_ids = self.ids.take(QuestionOption.__table__, len(options))
        for (question, _, label), option_id in zip(options, option_ids, strict=True):
            question.option_ids[label] = option_id
        writer.executemany(
            QuestionOption.__table__,
            ("id", "question_id", "position", "label"),
            [
                (option_id, q.id, position, label)
                for (q, position, label), option_id in zip(options, option_ids, strict=True)
            ],
        )
        missing = sorted({tag for q in questions for tag in q.tags} - set(self.tag_ids))
        self.tag_ids.update(zip(missing, self.ids.take(Tag.__table__, len(missing)), strict=True))
        writer.executemany(
            Tag.__table__, ("id", "slug"), [(self.tag_ids[tag], tag) for tag in missing]
        )
        writer.executemany(
            question_tags,
            ("question_id", "tag_id"),
            [(q.id, self.tag_ids[tag]) for q in questions for tag in q.tags],
        )

    def predictions(self, rows: list[Checked]) -> None:
        """The million-row table: tuples straight to the driver's executemany, each value
        already in the form the column's own type gives it (its bind processor)."""
        table = Prediction.__table__
        if self._dropped_indexes is None:
            self._dropped_indexes = self.writer.drop_indexes_if_empty(table)
        made = self.writer.processor(table.c.made_at)
        retracted = self.writer.processor(table.c.retracted_at)
        logged = self.writer.processor(table.c.logged_at)(self.now)
        user_id = self.actor.user_id
        ids = self.ids.take(table, len(rows))
        self.writer.executemany(
            table,
            PREDICTION_COLUMNS,
            [
                (
                    prediction_id,
                    question.id,
                    pundit.id,
                    source.id if source is not None else None,
                    forecast["probability"],
                    quote,
                    forecast["hedge_phrase"],
                    forecast["probability_origin"],
                    forecast["scale_name"],
                    forecast["scale_version"],
                    made(moments.columns(moment)[0]),
                    moments.precision_of(moment),
                    logged,
                    user_id,
                    note,
                    retracted(retracted_at) if retracted_at is not None else None,
                    retraction_reason,
                    1,
                )
                for prediction_id, (
                    _,
                    pundit,
                    source,
                    question,
                    moment,
                    forecast,
                    quote,
                    note,
                    retracted_at,
                    retraction_reason,
                ) in zip(ids, rows, strict=True)
            ],
        )
        known = self.report.prediction_ids
        self.report.prediction_ids = (known[0] if known else ids[0], ids[-1])
        options = [
            (prediction_id, row.question.option_ids[label], probability)
            for row, prediction_id in zip(rows, ids, strict=True)
            if row.forecast["distribution"]
            for label, probability in row.forecast["distribution"].items()
        ]
        if options:
            self.writer.executemany(
                PredictionOption.__table__, ("prediction_id", "option_id", "probability"), options
            )

    # ------------------------------------------------------------------------ finish

    def conditions(self, new_questions: list[QuestionNoun]) -> None:
        rows = [
            {"b_id": q.id, "b_condition": q.condition.id, "b_outcome": q.condition_outcome}
            for q in new_questions
            if q.condition is not None
        ]
        if not rows:
            return
        table = Question.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                condition_question_id=bindparam("b_condition"),
                condition_outcome=bindparam("b_outcome"),
            )
        )
        self.session.connection().execute(statement, rows)

    def resolutions(self, appends: list[dict]) -> list[int]:
        table = Resolution.__table__
        ids = self.ids.take(table, len(appends))
        resolved = self.writer.value(table.c.resolved_at, self.now)
        self.writer.executemany(
            table,
            (
                "id",
                "question_id",
                "outcome",
                "option_id",
                "known_at",
                "known_at_precision",
                "evidence_url",
                "note",
                "automatic",
                "resolved_at",
                "resolved_by_id",
            ),
            [
                (
                    resolution_id,
                    a["question"].id,
                    a["outcome"],
                    a["question"].option_ids.get(a["label"])
                    if a["outcome"] == Outcome.OPTION
                    else None,
                    *moments.columns(a["known_at"]),
                    a["evidence_url"],
                    a["note"],
                    a["automatic"],
                    resolved,
                    self.actor.user_id,
                )
                for a, resolution_id in zip(appends, ids, strict=True)
            ],
            process=("known_at", "automatic"),
        )
        return ids

    def existing_reference_keys(self, questions: list[QuestionNoun]) -> set[tuple]:
        """(question ref, source, at) of the reference points these existing questions have."""
        ids = sorted(q.id for q in questions)
        keys = set()
        table = ReferenceForecast.__table__
        for start in range(0, len(ids), _ID_BATCH):
            for question_id, source, at in self.session.execute(
                select(table.c.question_id, table.c.source, table.c.at).where(
                    table.c.question_id.in_(ids[start : start + _ID_BATCH])
                )
            ):
                keys.add((question_id, source, at))
        return keys

    def references(self, points: list[tuple]) -> None:
        """A platform's aggregate points: (question, source, at, probability, url)."""
        if not points:
            return
        table = ReferenceForecast.__table__
        at = self.writer.processor(table.c.at)
        added = self.writer.value(table.c.added_at, self.now)
        ids = self.ids.take(table, len(points))
        self.writer.executemany(
            table,
            ("id", "question_id", "source", "at", "probability", "url", "licence", "added_at"),
            [
                (point_id, q.id, source, at(moment), probability, url, "", added)
                for point_id, (q, source, moment, probability, url) in zip(ids, points, strict=True)
            ],
        )

    def audit(
        self,
        new_pundits: list[PunditNoun],
        new_sources: list[SourceNoun],
        new_questions: list[QuestionNoun],
        appends: list[dict],
        states: dict[int, dict],
        resolution_ids: list[int],
    ) -> None:
        """The services' events for what was created and resolved, and one import event."""
        events: list[tuple] = []
        table = AuditEvent.__table__
        at = self.writer.value(table.c.at, self.now)
        names = (
            "at",
            "actor_id",
            "actor_name",
            "action",
            "entity_type",
            "entity_id",
            "before",
            "after",
        )

        def write() -> None:
            self.writer.executemany(table, names, events, process=("before", "after"))
            events.clear()

        def event(action: str, kind: str | None, entity_id: int | None, before, after):
            events.append(
                (at, self.actor.user_id, self.actor.name, action, kind, entity_id, before, after)
            )
            if len(events) >= CHUNK_ROWS:
                write()

        for pundit in new_pundits:
            event(
                "pundit.create",
                "pundit",
                pundit.id,
                None,
                {
                    "id": pundit.id,
                    "slug": pundit.slug,
                    "name": pundit.clean["name"],
                    "bio": pundit.clean["bio"],
                    "affiliation": pundit.clean["affiliation"],
                    "links": list(pundit.clean["links"]),
                    "version": 1,
                    **serialize.platform_of_pundit(
                        pundit.clean["platform"], pundit.clean["platform_handle"]
                    ),
                },
            )
        for source in new_sources:
            clean = source.clean
            event(
                "source.create",
                "source",
                source.id,
                None,
                {
                    "id": source.id,
                    "title": clean["title"],
                    "outlet": clean["outlet"],
                    "url": clean["url"],
                    "published_on": clean["published_on"].isoformat(),
                    "note": clean["note"],
                    "has_full_text": bool(clean["full_text"]),
                    "author_pundit_id": None,
                    "version": 1,
                },
            )
        resolved = {append["question"].ref for append in appends}
        for question in new_questions:
            after = self.new_question_dict(question)
            if question.ref in resolved:
                states[question.ref] = after
            event("question.create", "question", question.id, None, after)
        resolver = self.actor.name if self.actor.user_id is not None else None
        for append, resolution_id in zip(appends, resolution_ids, strict=True):
            question = append["question"]
            before = states[question.ref]
            resolution = {
                "id": resolution_id,
                "question_id": question.id,
                "outcome": append["label"],
                "known_at": moments.iso(append["known_at"]),
                "evidence_url": append["evidence_url"],
                "note": append["note"],
                "automatic": append["automatic"],
                "resolved_at": serialize._iso(self.now),
                "resolved_by": resolver,
            }
            after = {
                **before,
                "outcome": append["label"],
                "known_at": resolution["known_at"],
                "resolution": resolution,
            }
            states[question.ref] = after
            event(
                rules.resolution_action(append["outcome"], append["had_resolution"]),
                "question",
                question.id,
                before,
                after,
            )
        event(
            "import",
            "import",
            None,
            None,
            {
                **self.report.as_dict(),
                "logged_at": serialize._iso(self.now),
                "logged_by": self.actor.name,
            },
        )
        write()

    @staticmethod
    def new_question_dict(question: QuestionNoun) -> dict:
        """``serialize.question_dict`` of a question just written (no resolution yet)."""
        condition = question.condition
        return {
            "id": question.id,
            "slug": question.slug,
            "statement": question.statement,
            "resolution_criteria": question.clean["resolution_criteria"],
            "resolve_by": question.resolve_by.isoformat() if question.resolve_by else None,
            "kind": question.kind,
            "options": list(question.labels),
            "tags": list(question.tags),
            "condition": {
                "question_id": condition.id,
                "question_slug": condition.slug,
                "outcome": question.condition_outcome,
            }
            if condition
            else None,
            "note": question.clean["note"],
            "scorable": question.resolve_by is not None,
            "outcome": None,
            "known_at": None,
            "resolution": None,
            "version": 1,
            **serialize.platform_of_question(
                question.clean["platform"],
                question.clean["platform_id"],
                question.clean["platform_url"],
            ),
        }

    def existing_question_dicts(self, questions: list[QuestionNoun]) -> dict[int, dict]:
        ids = sorted({q.id for q in questions})
        result = {}
        for start in range(0, len(ids), _ID_BATCH):
            rows = self.session.scalars(
                select(Question)
                .where(Question.id.in_(ids[start : start + _ID_BATCH]))
                .options(
                    selectinload(Question.options),
                    selectinload(Question.tags),
                    selectinload(Question.condition_question),
                    selectinload(Question.resolutions).selectinload(Resolution.option),
                    selectinload(Question.resolutions).selectinload(Resolution.resolved_by),
                )
            )
            for row in rows:
                result[row.id] = serialize.question_dict(row)
        return result
