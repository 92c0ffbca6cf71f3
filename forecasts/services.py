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
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
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
    RESERVED_SLUGS,
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


class FieldErrors:
    """Collects every field error of one input so a form (or an import row) can show them
    all at once. ``with errors.field(): ...`` keeps a ``ValidationError`` raised inside."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def field(self) -> FieldErrors:
        # A plain context manager (not a generator): the importer enters it per cell.
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is not None and issubclass(kind, ValidationError):
            self.items.extend(error.errors)
            return True
        return False

    def add(self, field: str, rule: str) -> None:
        self.items.append(FieldError(field, rule))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


_Errors = FieldErrors


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
    errors = FieldErrors()
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
                User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id
            )
        )
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
        record_audit(
            session, actor, "user.update", "user", user.id, before, serialize.user_dict(user)
        )
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.is_active:
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# --------------------------------------------------------------------------- pundits


def unique_slug(base: str, taken: Container[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first not in ``taken``."""
    base = base or "item"
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def slug_taken_rule(slug: str) -> str:
    return f"must be unique; {slug!r} is taken"


def _unique_slug(session: Session, model, base: str, field: str = "slug") -> str:
    base = base or "item"
    taken = set(
        session.scalars(
            select(model.slug).where((model.slug == base) | model.slug.like(f"{base}-%"))
        )
    )
    return unique_slug(base, taken)


def _check_new_slug(
    session: Session,
    model,
    slug: str | None,
    fallback: str,
    errors: FieldErrors,
    exclude_id: int | None = None,
) -> str | None:
    if slug is None or not str(slug).strip():
        return _unique_slug(session, model, slugify(fallback))
    with errors.field():
        slug = check_slug(slug)
        query = select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if session.scalar(query) is not None:
            errors.add("slug", slug_taken_rule(slug))
        return slug
    return None


def _check_links(links: Iterable[str] | None, errors: FieldErrors) -> list[str]:
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
    errors = FieldErrors()
    clean = check_pundit_fields(errors, name=name, bio=bio, affiliation=affiliation, links=links)
    slug = _check_new_slug(session, Pundit, slug, clean.get("name") or name or "", errors)
    errors.raise_any()
    with unit_of_work(session):
        pundit = Pundit(**clean, slug=slug)
        _insert(session, actor, pundit, "pundit", serialize.pundit_dict)
    return pundit


def check_pundit_fields(
    errors: FieldErrors,
    *,
    name: str,
    bio: str = "",
    affiliation: str = "",
    links: Iterable[str] | None = None,
) -> dict:
    """A new pundit's own fields, cleaned (the slug's uniqueness needs the database)."""
    clean: dict = {}
    with errors.field():
        clean["name"] = require_text(name, "name", 200)
    clean["bio"] = (bio or "").strip()
    with errors.field():
        clean["affiliation"] = limit_text(affiliation, "affiliation", 200)
    clean["links"] = _check_links(links, errors)
    return clean


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
    errors = FieldErrors()
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
        column = next(
            attr.key for attr in row.__mapper__.column_attrs if attr.key not in ("id", "version")
        )
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


def _check_source_fields(
    session: Session,
    errors: FieldErrors,
    *,
    title,
    url,
    published_on,
    outlet,
    exclude_id: int | None = None,
) -> dict:
    def url_taken(clean_url: str) -> bool:
        query = select(Source.id).where(Source.url == clean_url)
        if exclude_id is not None:
            query = query.where(Source.id != exclude_id)
        return session.scalar(query) is not None

    return check_source_fields(
        errors, title=title, url=url, published_on=published_on, outlet=outlet, url_taken=url_taken
    )


def check_source_fields(
    errors: FieldErrors,
    *,
    title,
    url,
    published_on,
    outlet,
    url_taken: Callable[[str], bool] | None = None,
    today: dt.date | None = None,
) -> dict:
    """A source's fields, cleaned; ``url_taken(url)`` says whether another source has it."""
    clean: dict = {}
    with errors.field():
        clean["title"] = require_text(title, "title", 300)
    with errors.field():
        clean["outlet"] = limit_text(outlet, "outlet", 200)
    with errors.field():
        clean["url"] = check_url(url, "url")
        if clean["url"] and url_taken is not None and url_taken(clean["url"]):
            errors.add("url", "must be unique; another source has this link")
    with errors.field():
        clean["published_on"] = parse_date(published_on, "published_on")
        if clean["published_on"] > (today or _today()):
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
    errors = FieldErrors()
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
    errors = FieldErrors()
    changes = _check_source_fields(
        session,
        errors,
        title=title,
        url=url,
        published_on=published_on,
        outlet=outlet,
        exclude_id=source.id,
    )
    errors.raise_any()
    if full_text is not None:
        changes["full_text"] = full_text
    if note is not None:
        changes["note"] = note.strip()
    return _apply_edit(session, actor, source, "source", changes, serialize.source_dict)


# ------------------------------------------------------------------------- questions


CONDITION_REQUIRED = "is required when a condition outcome is given"
CONDITION_CYCLE = "must not make a cycle of conditions"


def _check_condition(
    session: Session,
    errors: FieldErrors,
    condition_question_id,
    condition_outcome,
    self_id: int | None = None,
) -> tuple[Question | None, str | None]:
    if condition_question_id in (None, "") and not (condition_outcome or "").strip():
        return None, None
    if condition_question_id in (None, ""):
        errors.add("condition_question_id", CONDITION_REQUIRED)
        return None, None
    condition = session.get(Question, condition_question_id)
    if condition is None:
        errors.add("condition_question_id", f"no question with id {condition_question_id!r}")
        return None, None
    if self_id is not None and _depends_on(condition, self_id):
        errors.add("condition_question_id", CONDITION_CYCLE)
        return None, None
    outcome = check_condition_outcome(errors, _outcome_labels(condition), condition_outcome)
    if outcome is None:
        return None, None
    return condition, outcome


def check_condition_outcome(
    errors: FieldErrors, allowed: Sequence[str], condition_outcome: str | None
) -> str | None:
    """The outcome a condition question must have: one of its outcomes (``allowed``)."""
    outcome = (condition_outcome or "").strip()
    if outcome not in allowed:
        errors.add(
            "condition_outcome",
            f"must be one of {', '.join(allowed)} for the condition question (got {outcome!r})",
        )
        return None
    return outcome


def _depends_on(question: Question, target_id: int) -> bool:
    seen = set()
    current: Question | None = question
    while current is not None and current.id not in seen:
        if current.id == target_id:
            return True
        seen.add(current.id)
        current = current.condition_question
    return False


def outcome_labels(kind: str, option_labels: Sequence[str]) -> list[str]:
    """What a question of this kind can resolve to (besides annulled)."""
    if kind == QuestionKind.BINARY:
        return [Outcome.YES.value, Outcome.NO.value]
    return list(option_labels)


def _outcome_labels(question: Question) -> list[str]:
    return outcome_labels(question.kind, question.option_labels())


def _check_question_fields(
    session: Session,
    errors: FieldErrors,
    *,
    statement,
    resolution_criteria,
    resolve_by,
    exclude_id: int | None = None,
) -> dict:
    def statement_taken(clean_statement: str) -> bool:
        query = select(Question.id).where(Question.statement == clean_statement)
        if exclude_id is not None:
            query = query.where(Question.id != exclude_id)
        return session.scalar(query) is not None

    return check_question_fields(
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
        statement_taken=statement_taken,
    )


def check_question_fields(
    errors: FieldErrors,
    *,
    statement,
    resolution_criteria,
    resolve_by,
    statement_taken: Callable[[str], bool] | None = None,
) -> dict:
    """A question's wording and deadline, cleaned; ``statement_taken(statement)`` says
    whether another question has this statement."""
    clean: dict = {}
    with errors.field():
        clean["statement"] = require_text(statement, "statement", 500)
        if statement_taken is not None and statement_taken(clean["statement"]):
            errors.add("statement", "must be unique; a question with this statement exists")
    with errors.field():
        clean["resolution_criteria"] = require_text(resolution_criteria, "resolution_criteria")
    clean["resolve_by"] = None
    if resolve_by not in (None, ""):
        with errors.field():
            clean["resolve_by"] = parse_date(resolve_by, "resolve_by")
    return clean


def check_kind_and_options(
    errors: FieldErrors, kind: str, options: Iterable[str] | None
) -> list[str]:
    """The kind must be known; the option labels, cleaned, must suit it."""
    if kind not in {k.value for k in QuestionKind}:
        errors.add("kind", f"must be binary or multiple_choice (got {kind!r})")
        return []
    return _check_options(kind, options, errors)


def _check_options(kind: str, options: Iterable[str] | None, errors: FieldErrors) -> list[str]:
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


def check_tags(errors: FieldErrors, tags: Iterable[str] | None) -> list[str]:
    """Tags as sorted, distinct slugs."""
    slugs = []
    for tag in tags or ():
        slug = slugify(str(tag), 60)
        if not slug:
            errors.add("tags", f"a tag needs letters or digits (got {tag!r})")
        elif slug not in slugs:
            slugs.append(slug)
    return sorted(slugs)


def _check_tags(tags: Iterable[str] | None, errors: FieldErrors) -> list[str]:
    return check_tags(errors, tags)


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
    errors = FieldErrors()
    clean = _check_question_fields(
        session,
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
    )
    labels = check_kind_and_options(errors, kind, options)
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
    errors = FieldErrors()
    changes = _check_question_fields(
        session,
        errors,
        statement=statement,
        resolution_criteria=resolution_criteria,
        resolve_by=resolve_by,
        exclude_id=question.id,
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


def check_distribution(
    errors: FieldErrors, option_labels: Sequence[str], distribution
) -> dict[str, float]:
    """A multiple-choice forecast: a probability for each of the options, summing to 1."""
    if not isinstance(distribution, Mapping) or not distribution:
        errors.add(
            "distribution",
            "is required for a multiple-choice question: a probability for each option",
        )
        return {}
    labels = option_labels
    unknown = [key for key in distribution if key not in labels]
    if unknown:
        errors.add(
            "distribution", f"unknown option {unknown[0]!r}; the options are {', '.join(labels)}"
        )
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


_ORIGINS = frozenset(o.value for o in ProbabilityOrigin)
_FUTURE_SLACK = dt.timedelta(minutes=5)


def check_prediction_fields(
    errors: FieldErrors,
    *,
    kind: str | None,
    resolve_by: dt.date | None,
    option_labels: Sequence[str],
    source_published_on: dt.date | None,
    made_at,
    probability=None,
    distribution=None,
    probability_origin: str = ProbabilityOrigin.STATED.value,
    scale_name: str | None = None,
    scale_version: str | None = None,
    hedge_phrase: str = "",
    quote: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> dict:
    """A prediction's own fields, cleaned, given the facts of its question (``kind`` None
    when there is no valid question) and of its source. Used by ``log_prediction``; the
    importer calls its two halves, so a rule is written once."""
    moment = check_prediction_moment(
        errors,
        made_at=made_at,
        kind=kind,
        resolve_by=resolve_by,
        source_published_on=source_published_on,
        now=now,
    )
    forecast = check_prediction_forecast(
        errors,
        kind=kind,
        option_labels=option_labels,
        probability=probability,
        distribution=distribution,
        probability_origin=probability_origin,
        scale_name=scale_name,
        scale_version=scale_version,
        hedge_phrase=hedge_phrase,
    )
    return {
        "made_at": moment,
        **forecast,
        "quote": (quote or "").strip(),
        "note": (note or "").strip(),
    }


def check_prediction_moment(
    errors: FieldErrors,
    *,
    made_at,
    kind: str | None,
    resolve_by: dt.date | None,
    source_published_on: dt.date | None,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """When a prediction was made (UTC): not in the future, not after its question's
    deadline, not before its source was published."""
    moment = None
    with errors.field():
        moment = parse_datetime(made_at, "made_at")
        if moment > (now or utcnow()) + _FUTURE_SLACK:
            errors.add("made_at", "must not be in the future")
        elif kind is not None and resolve_by and moment.date() > resolve_by:
            errors.add(
                "made_at",
                f"must be on or before the question's resolve-by date ({resolve_by})",
            )
        elif source_published_on is not None and moment.date() < source_published_on:
            errors.add(
                "made_at",
                f"must not be before the source's publication date ({source_published_on})",
            )
    return moment


def check_prediction_forecast(
    errors: FieldErrors,
    *,
    kind: str | None,
    option_labels: Sequence[str],
    probability=None,
    distribution=None,
    probability_origin: str = ProbabilityOrigin.STATED.value,
    scale_name: str | None = None,
    scale_version: str | None = None,
    hedge_phrase: str = "",
) -> dict:
    """The forecast itself: a probability (binary) or a distribution over the options
    (multiple choice), where the number came from, and the phrase and scale."""
    clean_probability = None
    clean_distribution: dict[str, float] = {}
    if kind is not None:
        if kind == QuestionKind.BINARY:
            if distribution:
                errors.add("distribution", "must be empty for a binary question; give probability")
            if probability is None or probability == "":
                errors.add("probability", "is required for a binary question")
            else:
                with errors.field():
                    clean_probability = check_probability(probability)
        else:
            if probability not in (None, ""):
                errors.add(
                    "probability", "must be empty for a multiple-choice question; give distribution"
                )
            clean_distribution = check_distribution(errors, option_labels, distribution)
    if probability_origin not in _ORIGINS:
        errors.add(
            "probability_origin",
            f"must be stated, mapped or estimated (got {probability_origin!r})",
        )
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
    return {
        "probability": clean_probability,
        "distribution": clean_distribution,
        "probability_origin": probability_origin,
        "scale_name": scale_name,
        "scale_version": scale_version,
        "hedge_phrase": hedge_phrase,
    }


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
    errors = FieldErrors()
    question = pundit = source = None
    with errors.field():
        question = _get(session, Question, question_id, "question", "question_id")
    with errors.field():
        pundit = _get(session, Pundit, pundit_id, "pundit", "pundit_id")
    if source_id not in (None, ""):
        with errors.field():
            source = _get(session, Source, source_id, "source", "source_id")
    clean = check_prediction_fields(
        errors,
        kind=question.kind if question is not None else None,
        resolve_by=question.resolve_by if question is not None else None,
        option_labels=question.option_labels() if question is not None else (),
        source_published_on=source.published_on if source is not None else None,
        made_at=made_at,
        probability=probability,
        distribution=distribution,
        probability_origin=probability_origin,
        scale_name=scale_name,
        scale_version=scale_version,
        hedge_phrase=hedge_phrase,
        quote=quote,
        note=note,
    )
    errors.raise_any()
    with unit_of_work(session):
        by_label = {option.label: option for option in question.options}
        prediction = Prediction(
            question=question,
            pundit=pundit,
            source=source,
            probability=clean["probability"],
            quote=clean["quote"],
            hedge_phrase=clean["hedge_phrase"],
            probability_origin=clean["probability_origin"],
            scale_name=clean["scale_name"],
            scale_version=clean["scale_version"],
            made_at=clean["made_at"],
            logged_at=utcnow(),
            logged_by_id=actor.user_id,
            note=clean["note"],
        )
        prediction.distribution = [
            PredictionOption(option=by_label[label], probability=value)
            for label, value in clean["distribution"].items()
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
    errors = FieldErrors()
    clean = check_resolution_fields(
        errors,
        kind=question.kind,
        option_labels=question.option_labels(),
        outcome=outcome,
        known_at=known_at,
        evidence_url=evidence_url,
        note=note,
        failed_condition=_failed_condition(question),
    )
    errors.raise_any()
    option = None
    if clean["option_label"] is not None:
        option = next(o for o in question.options if o.label == clean["option_label"])
    with unit_of_work(session):
        resolution = _append_resolution(
            session,
            actor,
            question,
            outcome=clean["outcome"],
            option=option,
            known_at=clean["known_at"],
            evidence_url=clean["evidence_url"],
            note=clean["note"],
        )
        _cascade_condition(session, actor, question)
    return resolution


def check_resolution_fields(
    errors: FieldErrors,
    *,
    kind: str,
    option_labels: Sequence[str],
    outcome: str,
    known_at,
    evidence_url: str | None = None,
    note: str = "",
    failed_condition: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """A resolution of a question of this kind, cleaned: ``outcome`` is yes / no / option /
    annulled as stored, ``option_label`` the option's label (else None).
    ``failed_condition`` is why the question's condition failed, if it did."""
    outcome = (outcome or "").strip()
    option_label = None
    allowed = outcome_labels(kind, option_labels) + [Outcome.ANNULLED.value]
    if outcome not in allowed:
        errors.add("outcome", f"must be one of {', '.join(allowed)} (got {outcome!r})")
    elif kind == QuestionKind.MULTIPLE_CHOICE and outcome != Outcome.ANNULLED:
        option_label = outcome
    note = (note or "").strip()
    if outcome == Outcome.ANNULLED and not note:
        errors.add("note", "is required when annulling: give the reason")
    with errors.field():
        known_at = parse_date(known_at, "known_at")
        if known_at > (today or _today()):
            errors.add("known_at", "must not be in the future")
    with errors.field():
        evidence_url = check_url(evidence_url, "evidence_url")
    check_condition_allows(errors, failed_condition, outcome)
    return {
        "outcome": Outcome.OPTION.value if option_label is not None else outcome,
        "option_label": option_label,
        "known_at": known_at,
        "evidence_url": evidence_url,
        "note": note,
    }


def check_condition_allows(errors: FieldErrors, failed_condition: str | None, outcome: str) -> None:
    """A question whose condition failed can only be annulled."""
    if failed_condition and outcome not in (Outcome.ANNULLED.value, ""):
        errors.add(
            "outcome",
            f"the question's condition failed ({failed_condition}); it can only be annulled",
        )


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
        session,
        actor,
        question_id,
        outcome=Outcome.ANNULLED.value,
        known_at=known_at,
        evidence_url=evidence_url,
        note=reason,
        expected_resolution_id=expected_resolution_id,
    )


def _append_resolution(
    session: Session,
    actor: Actor,
    question: Question,
    *,
    outcome: str,
    option,
    known_at,
    evidence_url,
    note,
    automatic: bool = False,
) -> Resolution:
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
    action = resolution_action(outcome, before["resolution"] is not None)
    record_audit(
        session, actor, action, "question", question.id, before, serialize.question_dict(question)
    )
    return resolution


def resolution_action(outcome: str, had_resolution: bool) -> str:
    """The audit action of appending a resolution with this stored outcome."""
    if had_resolution:
        return "question.re_resolve"
    return "question.annul" if outcome == Outcome.ANNULLED else "question.resolve"


def _failed_condition(question: Question) -> str | None:
    """Why the question's condition has failed, or None if it holds or is not yet known."""
    condition = question.condition_question
    if condition is None:
        return None
    standing = condition.standing_resolution
    if standing is None:
        return None
    return condition_failure(
        condition.slug, standing.outcome, standing.outcome_label, question.condition_outcome
    )


def condition_failure(
    condition_slug: str,
    standing_outcome: str | None,
    standing_label: str | None,
    needed: str | None,
) -> str | None:
    """Why a condition failed, given its question's standing resolution (stored outcome
    and label), or None if it holds or is not yet known."""
    if standing_outcome is None:
        return None
    if standing_outcome == Outcome.ANNULLED:
        return f"condition question {condition_slug!r} was annulled"
    if standing_label != needed:
        return (
            f"condition not met: {condition_slug!r} resolved {standing_label!r}, needed {needed!r}"
        )
    return None


def automatic_annulment_note(reason: str) -> str:
    return f"Annulled automatically: {reason}."


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
            session,
            actor,
            dependent,
            outcome=Outcome.ANNULLED.value,
            option=None,
            known_at=condition.standing_resolution.known_at,
            evidence_url=None,
            note=automatic_annulment_note(reason),
            automatic=True,
        )
        _cascade_condition(session, actor, dependent)


# ------------------------------------------------------------------------- queries


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


def _due_condition(today: dt.date | None):
    return (
        Question.resolve_by < (today or _today()),
        Question.id.not_in(select(Resolution.question_id)) | Question.id.in_(_reopened_questions()),
    )


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


def count_due_questions(session: Session, today: dt.date | None = None) -> int:
    return session.scalar(select(func.count(Question.id)).where(*_due_condition(today)))
