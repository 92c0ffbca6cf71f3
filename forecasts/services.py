"""One function per user action. The web app, the command line and the API call these.

Each action is one transaction: it validates everything first, writes its rows and its
audit event together, commits once, and rolls back whole on any error. Bad input raises
``ValidationError`` (field and rule) and nothing is written; a stale edit raises
``ConflictError``; a role that may not act raises ``PermissionDenied``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from forecasts import serialize
from forecasts.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from forecasts.models import (
    AuditEvent,
    Outcome,
    Prediction,
    PredictionOption,
    ProbabilityOrigin,
    Pundit,
    Question,
    QuestionKind,
    QuestionOption,
    Resolution,
    Role,
    Source,
    Tag,
    User,
    utcnow,
)
from forecasts.validation import (
    check_probability,
    check_slug,
    check_url,
    limit_text,
    parse_date,
    parse_datetime,
    require_text,
    slugify,
)

DISTRIBUTION_TOLERANCE = 1e-6
MIN_PASSWORD_LENGTH = 8

_ROLE_RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the system (command line, seed loader)."""

    name: str
    role: Role
    user_id: int | None = None

    @classmethod
    def system(cls, name: str = "cli") -> Actor:
        return cls(name=name, role=Role.ADMIN)

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(name=user.name, role=Role(user.role), user_id=user.id)

    def require(self, role: Role, action: str) -> None:
        if _ROLE_RANK[self.role] < _ROLE_RANK[role]:
            raise PermissionDenied(
                f"{action} needs the {role.value} role; {self.name} is a {self.role.value}"
            )


@contextlib.contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """One user action: commit once at the end; roll back everything on any error.

    Inside ``batch(session)`` it only flushes, so many actions (an import) commit or
    roll back together.
    """
    nested = session.info.get(_BATCH_KEY, False)
    try:
        yield
        session.flush()
        if not nested:
            session.commit()
    except StaleDataError as error:
        session.rollback()
        raise ConflictError("row", str(error)) from error
    except IntegrityError as error:
        session.rollback()
        raise _integrity_to_validation(error) from error
    except BaseException:
        if not nested:
            session.rollback()
        raise


_BATCH_KEY = "forecasts.batch"


@contextlib.contextmanager
def batch(session: Session) -> Iterator[None]:
    """Run several actions as one transaction: all are written, or none is."""
    if session.info.get(_BATCH_KEY):
        raise RuntimeError("batches do not nest")
    session.info[_BATCH_KEY] = True
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_BATCH_KEY, None)


def _integrity_to_validation(error: IntegrityError) -> ValidationError:
    # The service checks first; this is the backstop for a race between two writers.
    message = str(error.orig).lower()
    for field in ("slug", "statement", "url", "name", "label"):
        if field in message:
            return ValidationError(field, "must be unique; another row already has this value")
    return ValidationError("database", f"refused the change ({error.orig})")


def record_audit(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict | None,
    after: dict | None,
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id,
            actor_name=actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


def _get(session: Session, model, key: int | None, kind: str, field: str | None = None):
    row = session.get(model, key) if key is not None else None
    if row is None:
        if field is not None:
            raise ValidationError(field, f"no {kind} with id {key!r}")
        raise NotFoundError(kind, key)
    return row


def _check_version(row, expected_version: int | None, kind: str, as_dict) -> None:
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(kind, row.id, as_dict(row))


class _Errors:
    """Collects every field error of one input so a form can show them all at once."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    @contextlib.contextmanager
    def field(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            self.items.extend(error.errors)

    def add(self, field: str, rule: str) -> None:
        self.items.append(FieldError(field, rule))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def _today() -> dt.date:
    return utcnow().date()


# ---------------------------------------------------------------------------- users


def create_user(
    session: Session,
    actor: Actor,
    *,
    name: str,
    role: str,
    password: str,
    email: str | None = None,
) -> User:
    actor.require(Role.ADMIN, "creating a user")
    errors = _Errors()
    with errors.field():
        name = require_text(name, "name", 80)
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            errors.add("name", f"must be unique; a user named {name!r} exists")
    with errors.field():
        role = _check_role(role)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.add("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    email = (email or "").strip() or None
    if email is not None and "@" not in email:
        errors.add("email", f"must be an email address (got {email!r})")
    errors.raise_any()
    with unit_of_work(session):
        user = User(
            name=name,
            role=role,
            email=email,
            password_hash=generate_password_hash(password),
            is_active=True,
        )
        _insert(session, actor, user, "user", serialize.user_dict)
    return user


def _check_role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError("role", f"must be one of {allowed} (got {role!r})") from None


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    expected_version: int | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> User:
    actor.require(Role.ADMIN, "changing a user")
    user = _get(session, User, user_id, "user")
    _check_version(user, expected_version, "user", serialize.user_dict)
    if role is not None:
        role = _check_role(role)
    demoted = role is not None and role != Role.ADMIN.value
    if user.role == Role.ADMIN.value and (demoted or is_active is False):
        other_admins = session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id))
        if not other_admins:
            field = "role" if demoted else "is_active"
            raise ValidationError(field, "the last active admin must stay an active admin")
    before = serialize.user_dict(user)
    with unit_of_work(session):
        if role is not None:
            user.role = role
        if is_active is not None:
            user.is_active = bool(is_active)
        session.flush()
        record_audit(session, actor, "user.update", "user", user.id, before,
                     serialize.user_dict(user))
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.is_active:
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# --------------------------------------------------------------------------- pundits


def _unique_slug(session: Session, model, base: str, field: str = "slug") -> str:
    base = base or "item"
    taken = set(
        session.scalars(
            select(model.slug).where((model.slug == base) | model.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_new_slug(session: Session, model, slug: str | None, fallback: str, errors: _Errors,
                    exclude_id: int | None = None) -> str | None:
    if slug is None or not str(slug).strip():
        return _unique_slug(session, model, slugify(fallback))
    with errors.field():
        slug = check_slug(slug)
        query = select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if session.scalar(query) is not None:
            errors.add("slug", f"must be unique; {slug!r} is taken")
        return slug
    return None


def _check_links(links: Iterable[str] | None, errors: _Errors) -> list[str]:
    clean = []
    for index, link in enumerate(links or ()):
        with errors.field():
            url = check_url(link, f"links[{index}]")
            if url:
                clean.append(url)
    return clean


def add_pundit(
    session: Session,
    actor: Actor,
    *,
    name: str,
    slug: str | None = None,
    bio: str = "",
    affiliation: str = "",
    links: Iterable[str] | None = None,
) -> Pundit:
    actor.require(Role.EDITOR, "adding a pundit")
    errors = _Errors()
    with errors.field():
        name = require_text(name, "name", 200)
    slug = _check_new_slug(session, Pundit, slug, name or "", errors)
    with errors.field():
        affiliation = limit_text(affiliation, "affiliation", 200)
    clean_links = _check_links(links, errors)
    errors.raise_any()
    with unit_of_work(session):
        pundit = Pundit(
            name=name, slug=slug, bio=(bio or "").strip(), affiliation=affiliation,
            links=clean_links,
        )
        _insert(session, actor, pundit, "pundit", serialize.pundit_dict)
    return pundit


def edit_pundit(
    session: Session,
    actor: Actor,
    pundit_id: int,
    *,
    expected_version: int,
    name: str | None = None,
    slug: str | None = None,
    bio: str | None = None,
    affiliation: str | None = None,
    links: Iterable[str] | None = None,
) -> Pundit:
    actor.require(Role.EDITOR, "editing a pundit")
    pundit = _get(session, Pundit, pundit_id, "pundit")
    _check_version(pundit, expected_version, "pundit", serialize.pundit_dict)
    errors = _Errors()
    changes: dict = {}
    if name is not None:
        with errors.field():
            changes["name"] = require_text(name, "name", 200)
    if slug is not None and slug != pundit.slug:
        changes["slug"] = _check_new_slug(session, Pundit, slug, "", errors, exclude_id=pundit.id)
    if bio is not None:
        changes["bio"] = bio.strip()
    if affiliation is not None:
        with errors.field():
            changes["affiliation"] = limit_text(affiliation, "affiliation", 200)
    if links is not None:
        changes["links"] = _check_links(links, errors)
    errors.raise_any()
    return _apply_edit(session, actor, pundit, "pundit", changes, serialize.pundit_dict)


def _bump_version_if_changed(session: Session, row, before: dict, as_dict) -> None:
    """Flush, making sure any change bumps the row's version, even one that touches only
    related rows (a question's tags): otherwise a concurrent edit would not conflict."""
    if as_dict(row) != before and not session.is_modified(row, include_collections=False):
        # Re-writing any plain column makes the UPDATE that increments the version.
        column = next(attr.key for attr in row.__mapper__.column_attrs
                      if attr.key not in ("id", "version"))
        flag_modified(row, column)
    session.flush()


def _insert(session: Session, actor: Actor, row, kind: str, as_dict) -> None:
    """Write a new row and its ``KIND.create`` audit event."""
    session.add(row)
    session.flush()
    record_audit(session, actor, f"{kind}.create", kind, row.id, None, as_dict(row))


def _apply_edit(session: Session, actor: Actor, row, kind: str, changes: dict, as_dict):
    before = as_dict(row)
    with unit_of_work(session):
        for key, value in changes.items():
            setattr(row, key, value)
        _bump_version_if_changed(session, row, before, as_dict)
        after = as_dict(row)
        if after != before:
            record_audit(session, actor, f"{kind}.update", kind, row.id, before, after)
    return row


# --------------------------------------------------------------------------- sources


def _check_source_fields(session: Session, errors: _Errors, *, title, url, published_on, outlet,
                         exclude_id: int | None = None) -> dict:
    clean: dict = {}
    with errors.field():
        clean["title"] = require_text(title, "title", 300)
    with errors.field():
        clean["outlet"] = limit_text(outlet, "outlet", 200)
    with errors.field():
        clean["url"] = check_url(url, "url")
        if clean["url"]:
            query = select(Source.id).where(Source.url == clean["url"])
            if exclude_id is not None:
                query = query.where(Source.id != exclude_id)
            if session.scalar(query) is not None:
                errors.add("url", "must be unique; another source has this link")
    with errors.field():
        clean["published_on"] = parse_date(published_on, "published_on")
        if clean["published_on"] > _today():
            errors.add("published_on", "must not be in the future")
    return clean


def add_source(
    session: Session,
    actor: Actor,
    *,
    title: str,
    published_on: dt.date | str,
    url: str | None = None,
    outlet: str = "",
    full_text: str = "",
    note: str = "",
) -> Source:
    actor.require(Role.EDITOR, "adding a source")
    errors = _Errors()
    clean = _check_source_fields(
        session, errors, title=title, url=url, published_on=published_on, outlet=outlet
    )
    errors.raise_any()
    with unit_of_work(session):
        source = Source(**clean, full_text=full_text or "", note=(note or "").strip())
        _insert(session, actor, source, "source", serialize.source_dict)
    return source


def edit_source(
    session: Session,
    actor: Actor,
    source_id: int,
    *,
    expected_version: int,
    title: str,
    published_on: dt.date | str,
    url: str | None = None,
    outlet: str = "",
    full_text: str | None = None,
    note: str | None = None,
) -> Source:
    actor.require(Role.EDITOR, "editing a source")
    source = _get(session, Source, source_id, "source")
    _check_version(source, expected_version, "source", serialize.source_dict)
    errors = _Errors()
    changes = _check_source_fields(
        session, errors, title=title, url=url, published_on=published_on, outlet=outlet,
        exclude_id=source.id,
    )
    errors.raise_any()
    if full_text is not None:
        changes["full_text"] = full_text
    if note is not None:
        changes["note"] = note.strip()
    return _apply_edit(session, actor, source, "source", changes, serialize.source_dict)


# ------------------------------------------------------------------------- questions


def _check_condition(session: Session, errors: _Errors, condition_question_id, condition_outcome,
                     self_id: int | None = None) -> tuple[Question | None, str | None]:
    if condition_question_id in (None, "") and not (condition_outcome or "").strip():
        return None, None
    if condition_question_id in (None, ""):
        errors.add("condition_question_id", "is required when a condition outcome is given")
        return None, None
    condition = session.get(Question, condition_question_id)
    if condition is None:
        errors.add("condition_question_id", f"no question with id {condition_question_id!r}")
        return None, None
    if self_id is not None and _depends_on(condition, self_id):
        errors.add("condition_question_id", "must not make a cycle of conditions")
        return None, None
    outcome = (condition_outcome or "").strip()
    allowed = _outcome_labels(condition)
    if outcome not in allowed:
        errors.add(
            "condition_outcome",
            f"must be one of {', '.join(allowed)} for the condition question (got {outcome!r})",
        )
        return None, None
    return condition, outcome


def _depends_on(question: Question, target_id: int) -> bool:
    seen = set()
    current: Question | None = question
    while current is not None and current.id not in seen:
        if current.id == target_id:
            return True
        seen.add(current.id)
        current = current.condition_question
    return False


def _outcome_labels(question: Question) -> list[str]:
    if question.kind == QuestionKind.BINARY:
        return [Outcome.YES.value, Outcome.NO.value]
    return question.option_labels()


def _check_question_fields(session: Session, errors: _Errors, *, statement, resolution_criteria,
                           resolve_by, exclude_id: int | None = None) -> dict:
    clean: dict = {}
    with errors.field():
        clean["statement"] = require_text(statement, "statement", 500)
        query = select(Question.id).where(Question.statement == clean["statement"])
        if exclude_id is not None:
            query = query.where(Question.id != exclude_id)
        if session.scalar(query) is not None:
            errors.add("statement", "must be unique; a question with this statement exists")
    with errors.field():
        clean["resolution_criteria"] = require_text(resolution_criteria, "resolution_criteria")
    clean["resolve_by"] = None
    if resolve_by not in (None, ""):
        with errors.field():
            clean["resolve_by"] = parse_date(resolve_by, "resolve_by")
    return clean


def _check_options(kind: str, options: Iterable[str] | None, errors: _Errors) -> list[str]:
    labels = [str(label).strip() for label in (options or ())]
    if kind == QuestionKind.BINARY:
        if labels:
            errors.add("options", "must be empty for a binary question (its outcomes are yes/no)")
        return []
    if len(labels) < 2:
        errors.add("options", "a multiple-choice question needs at least two options")
    if any(not label for label in labels):
        errors.add("options", "must not contain an empty option")
    if any(len(label) > 200 for label in labels):
        errors.add("options", "each option must be at most 200 characters")
    if len(set(labels)) != len(labels):
        errors.add("options", "must be distinct")
    reserved = {o.value for o in Outcome}
    if reserved & set(labels):
        errors.add("options", f"must not be named {', '.join(sorted(reserved))}")
    return labels


def _check_tags(tags: Iterable[str] | None, errors: _Errors) -> list[str]:
    slugs = []
    for tag in tags or ():
        slug = slugify(str(tag), 60)
        if not slug:
            errors.add("tags", f"a tag needs letters or digits (got {tag!r})")
        elif slug not in slugs:
            slugs.append(slug)
    return sorted(slugs)


def _tag_rows(session: Session, slugs: list[str]) -> list[Tag]:
    existing = {t.slug: t for t in session.scalars(select(Tag).where(Tag.slug.in_(slugs)))}
    rows = []
    for slug in slugs:
        tag = existing.get(slug)
        if tag is None:
            tag = Tag(slug=slug)
            session.add(tag)
        rows.append(tag)
    return rows


def add_question(
    session: Session,
    actor: Actor,
    *,
    statement: str,
    resolution_criteria: str,
    resolve_by: dt.date | str | None = None,
    kind: str = QuestionKind.BINARY.value,
    options: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    condition_question_id: int | None = None,
    condition_outcome: str | None = None,
    slug: str | None = None,
    note: str = "",
) -> Question:
    """A question; ``resolve_by=None`` keeps it but flags it as never scorable."""
    actor.require(Role.EDITOR, "adding a question")
    errors = _Errors()
    clean = _check_question_fields(
        session, errors, statement=statement, resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
    )
    if kind not in {k.value for k in QuestionKind}:
        errors.add("kind", f"must be binary or multiple_choice (got {kind!r})")
        labels: list[str] = []
    else:
        labels = _check_options(kind, options, errors)
    tag_slugs = _check_tags(tags, errors)
    condition, condition_outcome = _check_condition(
        session, errors, condition_question_id, condition_outcome
    )
    slug = _check_new_slug(session, Question, slug, clean.get("statement") or "", errors)
    errors.raise_any()
    with unit_of_work(session):
        question = Question(
            **clean,
            slug=slug,
            kind=kind,
            condition_question=condition,
            condition_outcome=condition_outcome,
            note=(note or "").strip(),
            created_by_id=actor.user_id,
            options=[QuestionOption(position=i, label=label) for i, label in enumerate(labels)],
            tags=_tag_rows(session, tag_slugs),
        )
        _insert(session, actor, question, "question", serialize.question_dict)
        if condition is not None:
            # A question added after its condition already failed starts annulled.
            _cascade_condition(session, actor, condition)
    return question


def edit_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    expected_version: int,
    statement: str,
    resolution_criteria: str,
    resolve_by: dt.date | str | None = None,
    tags: Iterable[str] | None = None,
    condition_question_id: int | None = None,
    condition_outcome: str | None = None,
    note: str | None = None,
) -> Question:
    """Edit the wording, deadline, tags and condition. Kind and options are fixed once
    predictions exist (changing them would change what those forecasts meant)."""
    actor.require(Role.EDITOR, "editing a question")
    question = _get(session, Question, question_id, "question")
    _check_version(question, expected_version, "question", serialize.question_dict)
    errors = _Errors()
    changes = _check_question_fields(
        session, errors, statement=statement, resolution_criteria=resolution_criteria,
        resolve_by=resolve_by, exclude_id=question.id,
    )
    new_deadline = changes.get("resolve_by")
    if new_deadline is not None:
        latest = session.scalar(
            select(func.max(Prediction.made_at)).where(Prediction.question_id == question.id)
        )
        if latest is not None and _as_utc(latest).date() > new_deadline:
            errors.add(
                "resolve_by",
                f"must not be before a prediction's made-at date ({_as_utc(latest).date()})",
            )
    tag_slugs = _check_tags(tags, errors) if tags is not None else None
    condition, outcome = _check_condition(
        session, errors, condition_question_id, condition_outcome, self_id=question.id
    )
    errors.raise_any()
    before = serialize.question_dict(question)
    with unit_of_work(session):
        # Look up the tags first: a query would flush the column changes on its own and
        # give the row two version increments for one edit.
        tags = _tag_rows(session, tag_slugs) if tag_slugs is not None else None
        for key, value in changes.items():
            setattr(question, key, value)
        question.condition_question = condition
        question.condition_outcome = outcome
        if tags is not None:
            question.tags = tags
        if note is not None:
            question.note = note.strip()
        _bump_version_if_changed(session, question, before, serialize.question_dict)
        after = serialize.question_dict(question)
        if after != before:
            record_audit(session, actor, "question.update", "question", question.id, before, after)
        if condition is not None:
            _cascade_condition(session, actor, condition)
    return question


# ----------------------------------------------------------------------- predictions


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _check_distribution(question: Question, distribution, errors: _Errors) -> dict[str, float]:
    if not isinstance(distribution, Mapping) or not distribution:
        errors.add("distribution", "is required for a multiple-choice question: "
                                   "a probability for each option")
        return {}
    labels = question.option_labels()
    unknown = [key for key in distribution if key not in labels]
    if unknown:
        errors.add("distribution", f"unknown option {unknown[0]!r}; the options are "
                                   f"{', '.join(labels)}")
    missing = [label for label in labels if label not in distribution]
    if missing:
        errors.add("distribution", f"needs a probability for every option; missing {missing[0]!r}")
    clean = {}
    for label, value in distribution.items():
        with errors.field():
            clean[label] = check_probability(value, f"distribution[{label}]")
    if not unknown and not missing and len(clean) == len(labels):
        total = math.fsum(clean.values())
        if abs(total - 1) > DISTRIBUTION_TOLERANCE:
            errors.add("distribution", f"must sum to 1 (got {total:.6g})")
    return clean


def log_prediction(
    session: Session,
    actor: Actor,
    *,
    question_id: int,
    pundit_id: int,
    made_at: dt.datetime | dt.date | str,
    probability: float | None = None,
    distribution: Mapping[str, float] | None = None,
    source_id: int | None = None,
    quote: str = "",
    hedge_phrase: str = "",
    probability_origin: str = ProbabilityOrigin.STATED.value,
    scale_name: str | None = None,
    scale_version: str | None = None,
    note: str = "",
) -> Prediction:
    """Log one pundit's forecast. A revision is a new prediction: history is kept.

    A prediction made on or after the day its question's outcome became known is
    accepted but flagged (``look_ahead``) and never scored.
    """
    actor.require(Role.EDITOR, "logging a prediction")
    errors = _Errors()
    question = pundit = source = None
    with errors.field():
        question = _get(session, Question, question_id, "question", "question_id")
    with errors.field():
        pundit = _get(session, Pundit, pundit_id, "pundit", "pundit_id")
    if source_id not in (None, ""):
        with errors.field():
            source = _get(session, Source, source_id, "source", "source_id")
    moment = None
    with errors.field():
        moment = parse_datetime(made_at, "made_at")
        if moment > utcnow() + dt.timedelta(minutes=5):
            errors.add("made_at", "must not be in the future")
        elif question is not None and question.resolve_by and moment.date() > question.resolve_by:
            errors.add(
                "made_at",
                f"must be on or before the question's resolve-by date ({question.resolve_by})",
            )
        elif source is not None and moment.date() < source.published_on:
            errors.add("made_at", f"must not be before the source's publication date "
                                  f"({source.published_on})")
    clean_probability = None
    clean_distribution: dict[str, float] = {}
    if question is not None:
        if question.kind == QuestionKind.BINARY:
            if distribution:
                errors.add("distribution", "must be empty for a binary question; give probability")
            if probability is None or probability == "":
                errors.add("probability", "is required for a binary question")
            else:
                with errors.field():
                    clean_probability = check_probability(probability)
        else:
            if probability not in (None, ""):
                errors.add("probability", "must be empty for a multiple-choice question; "
                                          "give distribution")
            clean_distribution = _check_distribution(question, distribution, errors)
    if probability_origin not in {o.value for o in ProbabilityOrigin}:
        errors.add("probability_origin", "must be stated, mapped or estimated "
                                         f"(got {probability_origin!r})")
    scale_name = (scale_name or "").strip() or None
    scale_version = (scale_version or "").strip() or None
    if probability_origin == ProbabilityOrigin.MAPPED:
        if not scale_name:
            errors.add("scale_name", "is required when the probability is mapped from a phrase")
        if not scale_version:
            errors.add("scale_version", "is required when the probability is mapped from a phrase")
        if not (hedge_phrase or "").strip():
            errors.add("hedge_phrase", "is required when the probability is mapped from a phrase")
    with errors.field():
        hedge_phrase = limit_text(hedge_phrase, "hedge_phrase", 200)
    errors.raise_any()
    with unit_of_work(session):
        by_label = {option.label: option for option in question.options}
        prediction = Prediction(
            question=question,
            pundit=pundit,
            source=source,
            probability=clean_probability,
            quote=(quote or "").strip(),
            hedge_phrase=hedge_phrase,
            probability_origin=probability_origin,
            scale_name=scale_name,
            scale_version=scale_version,
            made_at=moment,
            logged_at=utcnow(),
            logged_by_id=actor.user_id,
            note=(note or "").strip(),
        )
        prediction.distribution = [
            PredictionOption(option=by_label[label], probability=value)
            for label, value in clean_distribution.items()
        ]
        _insert(session, actor, prediction, "prediction", serialize.prediction_dict)
    return prediction


# ----------------------------------------------------------------------- resolutions


_UNSET = object()


def resolve_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    outcome: str,
    known_at: dt.date | str,
    evidence_url: str | None = None,
    note: str = "",
    expected_resolution_id: int | None | object = _UNSET,
) -> Resolution:
    """Record what happened: ``yes``/``no``, an option's label, or ``annulled`` (note = reason).

    Resolving again appends a resolution; the latest stands. Pass
    ``expected_resolution_id`` (the standing resolution the resolver saw, or None for
    "unresolved") to refuse a resolution made against a stale view. Questions whose
    condition this outcome fails are annulled automatically, with the reason.
    """
    actor.require(Role.EDITOR, "resolving a question")
    question = _get(session, Question, question_id, "question")
    standing = question.standing_resolution
    if expected_resolution_id is not _UNSET:
        standing_id = standing.id if standing else None
        if standing_id != expected_resolution_id:
            raise ConflictError("question", question.id, serialize.question_dict(question))
    errors = _Errors()
    outcome = (outcome or "").strip()
    option = None
    allowed = _outcome_labels(question) + [Outcome.ANNULLED.value]
    if outcome not in allowed:
        errors.add("outcome", f"must be one of {', '.join(allowed)} (got {outcome!r})")
    elif question.kind == QuestionKind.MULTIPLE_CHOICE and outcome != Outcome.ANNULLED:
        option = next(o for o in question.options if o.label == outcome)
    note = (note or "").strip()
    if outcome == Outcome.ANNULLED and not note:
        errors.add("note", "is required when annulling: give the reason")
    with errors.field():
        known_at = parse_date(known_at, "known_at")
        if known_at > _today():
            errors.add("known_at", "must not be in the future")
    with errors.field():
        evidence_url = check_url(evidence_url, "evidence_url")
    failed = _failed_condition(question)
    if failed and outcome not in (Outcome.ANNULLED.value, ""):
        errors.add("outcome", f"the question's condition failed ({failed}); it can only be "
                              "annulled")
    errors.raise_any()
    with unit_of_work(session):
        resolution = _append_resolution(
            session, actor, question,
            outcome=Outcome.OPTION.value if option is not None else outcome,
            option=option, known_at=known_at, evidence_url=evidence_url, note=note,
        )
        _cascade_condition(session, actor, question)
    return resolution


def annul_question(
    session: Session,
    actor: Actor,
    question_id: int,
    *,
    reason: str,
    known_at: dt.date | str,
    evidence_url: str | None = None,
    expected_resolution_id: int | None | object = _UNSET,
) -> Resolution:
    """Annul: the question will not be scored (ambiguous, or its premise failed)."""
    return resolve_question(
        session, actor, question_id, outcome=Outcome.ANNULLED.value, known_at=known_at,
        evidence_url=evidence_url, note=reason, expected_resolution_id=expected_resolution_id,
    )


def _append_resolution(session: Session, actor: Actor, question: Question, *, outcome: str,
                       option, known_at, evidence_url, note, automatic: bool = False) -> Resolution:
    before = serialize.question_dict(question)
    resolution = Resolution(
        question=question,
        outcome=outcome,
        option=option,
        known_at=known_at,
        evidence_url=evidence_url,
        note=note,
        automatic=automatic,
        resolved_at=utcnow(),
        resolved_by_id=actor.user_id,
    )
    session.add(resolution)
    session.flush()
    session.refresh(question, ["resolutions"])
    action = "question.annul" if outcome == Outcome.ANNULLED else "question.resolve"
    if before["resolution"] is not None:
        action = "question.re_resolve"
    record_audit(session, actor, action, "question", question.id, before,
           serialize.question_dict(question))
    return resolution


def _failed_condition(question: Question) -> str | None:
    """Why the question's condition has failed, or None if it holds or is not yet known."""
    condition = question.condition_question
    if condition is None:
        return None
    standing = condition.standing_resolution
    if standing is None:
        return None
    if standing.outcome == Outcome.ANNULLED:
        return f"condition question {condition.slug!r} was annulled"
    if standing.outcome_label != question.condition_outcome:
        return (f"condition not met: {condition.slug!r} resolved {standing.outcome_label!r}, "
                f"needed {question.condition_outcome!r}")
    return None


def _cascade_condition(session: Session, actor: Actor, condition: Question) -> None:
    """Annul every question whose condition ``condition``'s outcome has failed, and theirs."""
    dependents = session.scalars(
        select(Question).where(Question.condition_question_id == condition.id)
    ).all()
    for dependent in dependents:
        reason = _failed_condition(dependent)
        standing = dependent.standing_resolution
        if reason is None or (standing is not None and standing.outcome == Outcome.ANNULLED):
            continue
        _append_resolution(
            session, actor, dependent, outcome=Outcome.ANNULLED.value, option=None,
            known_at=condition.standing_resolution.known_at, evidence_url=None,
            note=f"Annulled automatically: {reason}.", automatic=True,
        )
        _cascade_condition(session, actor, dependent)


# ------------------------------------------------------------------------- queries


def _due_condition(today: dt.date | None):
    return (Question.resolve_by < (today or _today()),
            Question.id.not_in(select(Resolution.question_id)))


def due_questions(session: Session, today: dt.date | None = None) -> list[Question]:
    """Questions past their resolve-by date with no standing resolution, oldest first."""
    return list(session.scalars(
        select(Question).where(*_due_condition(today)).order_by(Question.resolve_by, Question.id)
    ))


def count_due_questions(session: Session, today: dt.date | None = None) -> int:
    return session.scalar(select(func.count(Question.id)).where(*_due_condition(today)))
