"""The rules of each field, as pure functions: no session, no writes.

The services call them before they write; the importer calls the same functions on
every cell, and the forms show what they say, so a rule is written once. Each takes a
``FieldErrors`` to add to, so one input reports every bad field at once. A rule that
needs the database (is this slug taken?) takes a callable that answers it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Container, Iterable, Mapping, Sequence

from forecasts import moments
from forecasts.errors import FieldErrors, ValidationError
from forecasts.models import (
    Outcome,
    ProbabilityOrigin,
    QuestionKind,
    Role,
    UnscorableReason,
    utcnow,
)
from forecasts.validation import (
    RESERVED_SLUGS,
    check_probability,
    check_url,
    limit_text,
    parse_date,
    plain_text,
    require_text,
    slugify,
    visible,
)

DISTRIBUTION_TOLERANCE = 1e-6


MIN_PASSWORD_LENGTH = 8


CONDITION_REQUIRED = "is required when a condition outcome is given"


CONDITION_CYCLE = "must not make a cycle of conditions"


def utc_today() -> dt.date:
    return utcnow().date()


def as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def check_role(role: str) -> str:
    """A role's stored value; raises ``ValidationError`` naming the roles there are."""
    try:
        return Role(role).value
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError("role", f"must be one of {allowed} (got {role!r})") from None


def check_free_text(errors: FieldErrors, field: str, value: str | None) -> str:
    """Free text (a quote, a note, a bio), stripped; a NUL byte or half a character
    pair is refused (``validation.plain_text``)."""
    with errors.field():
        return plain_text(value, field)
    return ""


def check_account_fields(errors: FieldErrors, *, role: str, password: str, email) -> dict:
    """A new account's role, password and email, cleaned (the name's uniqueness needs
    the database)."""
    clean: dict = {"role": None}
    with errors.field():
        clean["role"] = check_role(role)
    check_password(errors, "password", password)
    clean["email"] = (email or "").strip() or None
    if clean["email"] is not None and "@" not in clean["email"]:
        errors.add("email", f"must be an email address (got {clean['email']!r})")
    return clean


def check_password(errors: FieldErrors, field: str, password: str | None) -> None:
    """A new password (an account's first, or a changed one)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors.add(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")


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


def check_links(errors: FieldErrors, links: Iterable[str] | None) -> list[str]:
    """A pundit's links, each a valid URL; empty ones dropped."""
    clean = []
    for index, link in enumerate(links or ()):
        with errors.field():
            url = check_url(link, f"links[{index}]")
            if url:
                clean.append(url)
    return clean


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
    clean["bio"] = check_free_text(errors, "bio", bio)
    with errors.field():
        clean["affiliation"] = limit_text(affiliation, "affiliation", 200)
    clean["links"] = check_links(errors, links)
    return clean


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
        if clean["published_on"] > (today or utc_today()):
            errors.add("published_on", "must not be in the future")
    return clean


STATEMENT_LIMIT = 500  # characters, in the forms and the API
IMPORTED_STATEMENT_LIMIT = 2000  # a platform's title (Metaculus allows 2,000)


def check_question_fields(
    errors: FieldErrors,
    *,
    statement,
    resolution_criteria,
    resolve_by,
    statement_taken: Callable[[str], bool] | None = None,
    imported: bool = False,
    statement_limit: int | None = None,
) -> dict:
    """A question's wording and deadline, cleaned; ``statement_taken(statement)`` says
    whether another question has this statement (its slug, when it can say which).

    ``imported`` relaxes two rules for history brought in from a file or a platform
    (``docs/import-format.md``): the resolution criteria may be missing (the question
    then says "criteria not recorded"), and the statement may be as long as a platform's
    title (``IMPORTED_STATEMENT_LIMIT``); the forms keep both rules. ``statement_limit``
    overrides the length (an edit that keeps an imported statement as it is)."""
    clean: dict = {}
    limit = statement_limit or (IMPORTED_STATEMENT_LIMIT if imported else STATEMENT_LIMIT)
    with errors.field():
        clean["statement"] = require_text(statement, "statement", limit)
        taken = statement_taken(clean["statement"]) if statement_taken is not None else None
        if taken:
            known = (
                f" (its slug is {taken!r}: pick that question instead)"
                if isinstance(taken, str)
                else ""
            )
            errors.add("statement", f"must be unique; a question with this statement exists{known}")
    if imported and not visible(resolution_criteria or ""):
        clean["resolution_criteria"] = ""
    else:
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


def outcome_labels(kind: str, option_labels: Sequence[str]) -> list[str]:
    """What a question of this kind can resolve to (besides annulled)."""
    if kind == QuestionKind.BINARY:
        return [Outcome.YES.value, Outcome.NO.value]
    return list(option_labels)


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


def check_condition_allows(errors: FieldErrors, failed_condition: str | None, outcome: str) -> None:
    """A question whose condition failed can only be annulled."""
    if failed_condition and outcome not in (Outcome.ANNULLED.value, ""):
        errors.add(
            "outcome",
            f"the question's condition failed ({failed_condition}); it can only be annulled",
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
        "quote": check_free_text(errors, "quote", quote),
        "note": check_free_text(errors, "note", note),
    }


def check_prediction_moment(
    errors: FieldErrors,
    *,
    made_at,
    kind: str | None,
    resolve_by: dt.date | None,
    source_published_on: dt.date | None,
    now: dt.datetime | None = None,
    late_allowed: bool = False,
) -> moments.When | None:
    """When a prediction was made, as given: a moment (UTC) or a day
    (``forecasts.moments``); not in the future, not after its question's deadline, not
    before its source was published.

    ``late_allowed`` (imported history only) lets a forecast made after the deadline
    through: the importer keeps it when the question was still open then
    (``late_forecast_rule``), as the platforms that took it did."""
    when = None
    with errors.field():
        when = moments.parse_when(made_at, "made_at")
        day = moments.day_of(when)
        if _in_future(when, now):
            errors.add("made_at", "must not be in the future")
        elif not late_allowed and kind is not None and resolve_by and day > resolve_by:
            errors.add(
                "made_at",
                f"must be on or before the question's resolve-by date ({resolve_by})",
            )
        elif source_published_on is not None and day < source_published_on:
            errors.add(
                "made_at",
                f"must not be before the source's publication date ({source_published_on})",
            )
    return when


def _in_future(when: moments.When, now: dt.datetime | None) -> bool:
    """A moment after now (give or take a clock's slack), or a day after today (UTC)."""
    now = now or utcnow()
    if moments.is_moment(when):
        return when > now + _FUTURE_SLACK
    return when > (now + _FUTURE_SLACK).astimezone(dt.UTC).date()


def late_forecast_rule(resolve_by: dt.date, known_at: dt.date) -> str:
    """Why an imported forecast made after the deadline is refused: the question had been
    resolved by then (a late forecast is kept only while the question was still open)."""
    return (
        f"is after the question's resolve-by date ({resolve_by}) and after its outcome "
        f"was known ({known_at}): a late forecast is kept only while the question was "
        "still open"
    )


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


def check_unscorable_claim_fields(
    errors: FieldErrors,
    *,
    reason: str | None,
    note: str = "",
    quote: str = "",
    hedge_phrase: str = "",
    made_at=None,
    source_published_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """A claim logged as unscorable: the words (a quote is required: the claim is what
    was said), why it cannot be scored (one of ``UnscorableReason``; ``other`` needs the
    note to say why), and when it was made (as a prediction's made-at)."""
    clean_reason = (reason or "").strip()
    if not clean_reason:
        errors.add("reason", f"is required: one of {_REASONS}")
    elif clean_reason not in _REASON_VALUES:
        errors.add("reason", f"must be one of {_REASONS} (got {clean_reason[:40]!r})")
    clean_note = check_free_text(errors, "note", note)
    if clean_reason == UnscorableReason.OTHER and not visible(clean_note):
        errors.add("note", "is required when the reason is other: say why it cannot be scored")
    clean_quote = ""
    with errors.field():
        clean_quote = require_text(quote, "quote")
    with errors.field():
        hedge_phrase = limit_text(hedge_phrase, "hedge_phrase", 200)
    moment = check_prediction_moment(
        errors,
        made_at=made_at,
        kind=None,
        resolve_by=None,
        source_published_on=source_published_on,
        now=now,
    )
    return {
        "reason": clean_reason,
        "note": clean_note,
        "quote": clean_quote,
        "hedge_phrase": hedge_phrase,
        # A claim is never scored, so no precision is kept: a day is its midnight UTC.
        "made_at": moments.columns(moment)[0] if moment is not None else None,
    }


_REASON_VALUES = {reason.value for reason in UnscorableReason}
_REASONS = ", ".join(reason.value for reason in UnscorableReason)


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
    if not outcome:
        errors.add("outcome", f"is required: choose one of {', '.join(allowed)}")
    elif outcome not in allowed:
        errors.add("outcome", f"must be one of {', '.join(allowed)} (got {outcome!r})")
    elif kind == QuestionKind.MULTIPLE_CHOICE and outcome != Outcome.ANNULLED:
        option_label = outcome
    note = check_free_text(errors, "note", note)
    if outcome == Outcome.ANNULLED and not visible(note):
        errors.add("note", "is required when annulling: give the reason")
    with errors.field():
        known_at = moments.parse_when(known_at, "known_at")
        future = (
            _in_future(known_at, None)
            if moments.is_moment(known_at)
            else known_at > (today or utc_today())
        )
        if future:
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


def resolution_action(outcome: str, had_resolution: bool) -> str:
    """The audit action of appending a resolution with this stored outcome."""
    if had_resolution:
        return "question.re_resolve"
    return "question.annul" if outcome == Outcome.ANNULLED else "question.resolve"
