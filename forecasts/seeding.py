"""Load the seed registry (``seeds/registry.toml``) through the service layer.

Loading is idempotent: pundits, sources and questions are matched by slug (a source by
its URL, else by title and date), predictions by question, pundit, made-at and quote,
and a resolution is appended only if the question's standing outcome differs. A second
run changes nothing and says so.

``seeds/`` installs with the package as ``forecasts._seeds`` and is found through the
import system, so an installed ``forecasts seed`` works as well as one in the source tree.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forecasts import _seeds, moments, services
from forecasts.errors import ValidationError
from forecasts.models import Outcome, Prediction, Pundit, Question, Resolution, Source
from forecasts.wording import counted

SEEDS_DIR = Path(_seeds.__file__).parent
SEED_FILE = SEEDS_DIR / "registry.toml"
SEED_ACTOR = services.Actor.system("seed")


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.added[kind] = self.added.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.added)

    def summary(self) -> str:
        if not self.changed:
            return "seed registry already loaded: nothing to add"
        # The kinds are the tables' plural names: "pundits" -> "1 pundit", "2 pundits".
        parts = [counted(n, kind.removesuffix("s")) for kind, n in self.added.items()]
        return "seed registry loaded: added " + ", ".join(parts)


def read_seed_file(path: Path = SEED_FILE) -> dict:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValidationError("seed file", f"not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationError("seed file", f"is not valid TOML ({error})") from None
    for key in ("pundit", "source", "forecast"):
        if key not in data:
            raise ValidationError("seed file", f"needs a [{key}] section")
    return data


def _check_quotes(data: dict, full_text: str) -> None:
    """Keep the seeds honest: every quote must appear verbatim in the source text."""
    normalised = " ".join(full_text.split())
    for record in data["forecast"]:
        quote = record["prediction"].get("quote", "")
        if quote and " ".join(quote.split()) not in normalised:
            raise ValidationError(
                f"forecast {record.get('slug')}: prediction.quote",
                "must appear verbatim in the source text",
            )


def load_seeds(session: Session, path: Path = SEED_FILE) -> SeedReport:
    data = read_seed_file(path)
    source_data = dict(data["source"])
    text_file = source_data.pop("text_file", None)
    full_text = (path.parent / text_file).read_text(encoding="utf-8") if text_file else ""
    _check_quotes(data, full_text)
    report = SeedReport()

    pundit = _ensure_pundit(session, data["pundit"], report)
    source = _ensure_source(session, source_data, full_text, report)
    questions: dict[str, Question] = {}
    for record in data["forecast"]:
        question = _ensure_question(session, record, questions, report)
        questions[question.slug] = question
        _ensure_prediction(session, record, question, pundit, source, report)
    # Resolve after every question exists, so conditions cascade as in real use; count
    # rows rather than calls, since a resolution can annul dependent questions too.
    resolutions_before = session.scalar(select(func.count(Resolution.id)))
    for record in data["forecast"]:
        if "resolution" in record:
            _ensure_resolution(session, questions[record["slug"]], record["resolution"])
    added = session.scalar(select(func.count(Resolution.id))) - resolutions_before
    if added:
        report.added["resolutions"] = added
    return report


def _ensure_pundit(session: Session, data: dict, report: SeedReport) -> Pundit:
    pundit = session.scalar(select(Pundit).where(Pundit.slug == data["slug"]))
    if pundit is None:
        pundit = services.add_pundit(session, SEED_ACTOR, **data)
        report.count("pundits")
    return pundit


def _ensure_source(session: Session, data: dict, full_text: str, report: SeedReport) -> Source:
    url = data.get("url") or None
    query = select(Source).where(
        Source.url == url
        if url
        else (Source.title == data["title"]) & (Source.published_on == data["published_on"])
    )
    source = session.scalar(query)
    if source is None:
        source = services.add_source(
            session, SEED_ACTOR, **{**data, "url": url}, full_text=full_text
        )
        report.count("sources")
    return source


def _ensure_question(
    session: Session, record: dict, known: dict[str, Question], report: SeedReport
) -> Question:
    slug = record["slug"]
    question = session.scalar(select(Question).where(Question.slug == slug))
    if question is not None:
        return question
    fields = dict(record["question"])
    condition = fields.pop("condition", None)
    if condition is not None:
        parent = known.get(condition["question"])
        if parent is None:
            raise ValidationError(
                f"forecast {slug}: question.condition",
                f"names {condition['question']!r}, which must come earlier in the file",
            )
        fields["condition_question_id"] = parent.id
        fields["condition_outcome"] = condition["outcome"]
    question = services.add_question(session, SEED_ACTOR, slug=slug, **fields)
    report.count("questions")
    return question


def _ensure_prediction(
    session: Session,
    record: dict,
    question: Question,
    pundit: Pundit,
    source: Source,
    report: SeedReport,
) -> None:
    fields = dict(record["prediction"])
    made_at = moments.parse_when(fields.pop("made_at"), "made_at")
    exists = session.scalar(
        select(Prediction.id).where(
            Prediction.question_id == question.id,
            Prediction.pundit_id == pundit.id,
            Prediction.made_at == moments.columns(made_at)[0],
            Prediction.quote == fields.get("quote", ""),
        )
    )
    if exists is None:
        services.log_prediction(
            session,
            SEED_ACTOR,
            question_id=question.id,
            pundit_id=pundit.id,
            source_id=source.id,
            made_at=made_at,
            **fields,
        )
        report.count("predictions")


def _ensure_resolution(session: Session, question: Question, data: dict) -> None:
    session.refresh(question, ["resolutions"])
    standing = question.standing_resolution
    if (
        standing is not None
        and standing.outcome_label == data["outcome"]
        and (
            standing.outcome == Outcome.ANNULLED
            or standing.known == moments.parse_when(data["known_at"], "known_at")
        )
    ):
        return
    services.resolve_question(session, SEED_ACTOR, question.id, **data)
