"""marshmallow schemas: what the API reads (types only) and what it answers (the shapes
of ``forecasts.serialize``, for the OpenAPI description).

Request schemas check only that each value has the right JSON type (a wrong one is a
400). Whether the value is acceptable - a probability in [0, 1], a known question, a
date not in the future - is the service's rule (a 422), written once in
``forecasts.services`` for the forms, the importer and the API alike.
"""

from __future__ import annotations

import re

import marshmallow as ma
from marshmallow import fields, validate

from forecasts import search
from forecasts.models import MAX_ROW_ID, ProbabilityOrigin, QuestionKind, UnscorableReason
from web.api.listing import QUESTION_STATUSES

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1_000_000
MAX_ID = MAX_ROW_ID  # the databases' INTEGER
KINDS = [kind.value for kind in QuestionKind]
ORIGINS = [origin.value for origin in ProbabilityOrigin]
REASONS = [reason.value for reason in UnscorableReason]


class Text(fields.String):
    """A string without NUL characters (PostgreSQL cannot store them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ma.ValidationError("must not contain NUL characters")
        return text


class Probability(fields.Field):
    """A probability as written: a JSON number or a number string, ``%`` allowed
    (``"5%"``). Which values are acceptable, and how a bare number is read, is
    ``forecasts.validation``'s rule (a 422)."""

    default_error_messages = {"invalid": 'must be a number or a percent string like "5%"'}
    WRITTEN = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*%?\s*")

    def __init__(self, **kwargs):
        metadata = {"oneOf": [{"type": "number"}, {"type": "string"}], **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.make_error("invalid")
        if isinstance(value, str) and not self.WRITTEN.fullmatch(value):
            raise self.make_error("invalid")
        return value


def _range(low: int, high: int) -> validate.Range:
    return validate.Range(low, high, error="must be between {min} and {max} (got {input})")


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error="must be one of {choices} (got {input!r})")


def _id(description: str, **kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True, validate=_range(1, MAX_ID), metadata={"description": description}, **kwargs
    )


# --------------------------------------------------------------------- query strings


class PageArgs(ma.Schema):
    page = fields.Integer(
        load_default=1,
        validate=_range(1, MAX_PAGE),
        metadata={"description": "Page number, from 1."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=_range(1, MAX_PER_PAGE),
        metadata={"description": f"Items per page (at most {MAX_PER_PAGE})."},
    )


class QuestionArgs(PageArgs):
    tag = Text(metadata={"description": "Only questions with this tag (its slug)."})
    kind = Text(validate=_one_of(KINDS), metadata={"description": "Question kind."})
    status = Text(
        validate=_one_of(QUESTION_STATUSES),
        metadata={
            "description": "open: unresolved, resolve-by date not passed (or none); "
            "due: unresolved, resolve-by date passed; resolved: the "
            "standing resolution is an outcome; annulled: it is an "
            "annulment."
        },
    )


class SearchArgs(PageArgs):
    q = Text(
        required=True,
        error_messages={"required": "is required"},
        metadata={
            "description": "The words to find (letters and digits; anything else only "
            f"separates words). At most {search.MAX_QUERY_CHARACTERS} characters and "
            f"{search.MAX_WORDS} words. Every word must match; a word of "
            f"{search.PREFIX_FROM} or more characters also matches the words it begins.",
            "example": "iran war",
        },
    )
    kind = Text(
        validate=_one_of(search.KINDS),
        metadata={"description": "Only this kind of result (default: every kind)."},
    )


class PredictionArgs(PageArgs):
    pundit = Text(metadata={"description": "Only this pundit's predictions (slug)."})
    question = Text(metadata={"description": "Only predictions on this question (slug)."})


class ResolutionArgs(PageArgs):
    question = Text(metadata={"description": "Only this question's resolutions (slug)."})


class LeaderboardArgs(PageArgs):
    """The leaderboard page's filters, read by the same function (``read_filters``)."""

    tag = Text(metadata={"description": "Only questions with this tag."})
    since = Text(
        metadata={"format": "date", "description": "Only predictions made on or after this day."}
    )
    until = Text(
        metadata={"format": "date", "description": "Only predictions made on or before this day."}
    )
    kind = Text(metadata={"enum": KINDS, "description": "Only questions of this kind."})
    min_n = Text(
        metadata={
            "type": "integer",
            "minimum": 1,
            "description": "Scored forecasts needed to be ranked (default: the site's setting, 5).",
        }
    )


# ---------------------------------------------------------------------- request bodies


class _Body(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class PredictionIn(_Body):
    question_id = _id("The question forecast.", required=False)
    pundit_id = _id("Who made the forecast.", required=False)
    made_at = Text(
        metadata={
            "description": "When the forecast was made: a date (YYYY-MM-DD, kept as a "
            "day) or an ISO 8601 moment (no offset means UTC)."
        }
    )
    probability = Probability(
        allow_none=True,
        metadata={
            "description": "P(yes); binary questions only. A fraction from 0 to 1 (0.05) "
            'or a percent string ("5%"). A bare 1 is refused as ambiguous: send "100%" for '
            "certainty, 0.01 for one percent."
        },
    )
    distribution = fields.Dict(
        keys=Text(),
        values=Probability(),
        allow_none=True,
        metadata={
            "description": "Option label -> probability (a fraction, or a percent string), "
            "summing to 1; multiple-choice only."
        },
    )
    source_id = _id("The commentary it came from.", allow_none=True)
    quote = Text(metadata={"description": "The pundit's words, verbatim."})
    hedge_phrase = Text(metadata={"description": "The hedge phrase, e.g. 'tiny possibility'."})
    probability_origin = Text(
        metadata={"enum": ORIGINS, "description": "Where the number came from (default stated)."}
    )
    scale_name = Text(allow_none=True, metadata={"description": "Scale used when mapped."})
    scale_version = Text(allow_none=True, metadata={"description": "Its version."})
    note = Text()


class UnscorableClaimIn(_Body):
    pundit_id = _id("Who made the claim.", required=False)
    made_at = Text(
        metadata={
            "description": "When the claim was made: ISO 8601 date or timestamp (no offset "
            "means UTC); defaults to nothing (required)."
        }
    )
    reason = Text(
        metadata={
            "enum": REASONS,
            "description": "Why it cannot be scored as it stands: no_deadline, no_criteria, "
            "escape_clause, vague_wording, or other (then note says why).",
        }
    )
    quote = Text(metadata={"description": "The pundit's words, verbatim (required)."})
    note = Text(metadata={"description": "More on why; required when reason is other."})
    hedge_phrase = Text(metadata={"description": "The hedge phrase, if any."})
    source_id = _id("The commentary it came from.", allow_none=True)
    question_id = _id("The question it was about, if there is one.", allow_none=True)


class QuestionIn(_Body):
    statement = Text(metadata={"description": "The thing forecast (unique)."})
    resolution_criteria = Text(metadata={"description": "How it will be resolved."})
    resolve_by = Text(
        allow_none=True,
        metadata={
            "format": "date",
            "description": "Deadline, YYYY-MM-DD; none means never scorable.",
        },
    )
    kind = Text(metadata={"enum": KINDS, "description": "Default binary."})
    options = fields.List(Text(), metadata={"description": "Multiple-choice option labels."})
    tags = fields.List(Text(), metadata={"description": "Tag slugs."})
    condition_question_id = _id("Only if this question...", allow_none=True)
    condition_outcome = Text(allow_none=True, metadata={"description": "...resolves this way."})
    slug = Text(allow_none=True, metadata={"description": "Made from the statement if empty."})
    note = Text()


class _Expected(_Body):
    expected_resolution_id = _id(
        "Optimistic locking: the standing resolution you saw (null: none). If it is no "
        "longer the standing one, nothing is written and the answer is 409.",
        allow_none=True,
    )


class ResolveIn(_Expected):
    outcome = Text(metadata={"description": "yes / no, an option's label, or annulled."})
    known_at = Text(
        metadata={
            "description": "When it became known: a date (YYYY-MM-DD), or a moment in "
            "ISO 8601 (2020-01-05T14:30:00+02:00; no offset means UTC)."
        }
    )
    evidence_url = Text(allow_none=True, metadata={"description": "http(s) link."})
    note = Text(metadata={"description": "Required when annulling: the reason."})


class ReferencePointIn(_Body):
    source = Text(metadata={"description": "Who gave it: a market, a platform, a panel."})
    time = Text(metadata={"description": "A date (YYYY-MM-DD) or an ISO 8601 moment."})
    probability = Probability(metadata={"description": 'A fraction, or a percent string "62%".'})
    url = Text(allow_none=True, metadata={"description": "A link to the series or the point."})
    licence = Text(metadata={"description": "The terms the data came under."})


class ReferencesIn(_Body):
    points = fields.List(
        fields.Nested(ReferencePointIn),
        required=True,
        metadata={"description": "The question's reference points; repeats are counted."},
    )


class ReferencesOut(ma.Schema):
    added = fields.Integer(required=True)
    already_present = fields.Integer(
        required=True, metadata={"description": "Points the registry already had."}
    )


class _Versioned(_Body):
    expected_version = fields.Integer(
        strict=True,
        required=True,
        validate=_range(1, MAX_ID),
        metadata={
            "description": "Optimistic locking: the row's version you saw. If it has changed "
            "since, nothing is written and the answer is 409."
        },
    )


class _Reasoned(_Versioned):
    reason = Text(
        required=True,
        metadata={"description": "Why: shown in the prediction's public history."},
    )


class CorrectionIn(_Reasoned):
    """A correction: only the fields given change (the pundit and question stay)."""

    made_at = Text(metadata={"description": "ISO 8601 date or timestamp."})
    probability = Probability(
        allow_none=True, metadata={"description": 'A fraction, or a percent string "62%".'}
    )
    distribution = fields.Dict(keys=Text(), values=Probability(), allow_none=True)
    source_id = _id("The commentary it came from (null: none).", allow_none=True)
    quote = Text()
    hedge_phrase = Text()
    probability_origin = Text(metadata={"enum": ORIGINS})
    scale_name = Text(allow_none=True)
    scale_version = Text(allow_none=True)
    note = Text()


class RetractionIn(_Reasoned):
    pass


class MergeIn(_Versioned):
    into = Text(
        required=True,
        metadata={"description": "The slug (a source: the id) of the row to keep."},
    )


class DeleteArgs(ma.Schema):
    expected_version = fields.Integer(
        required=True,
        validate=_range(1, MAX_ID),
        metadata={"description": "Optimistic locking: the row's version you saw."},
    )


class AnnulIn(_Expected):
    reason = Text(metadata={"description": "Why the question will not be scored."})
    known_at = Text(
        metadata={
            "description": "When it became known: a date (YYYY-MM-DD), or a moment in "
            "ISO 8601 (2020-01-05T14:30:00+02:00; no offset means UTC)."
        }
    )
    evidence_url = Text(allow_none=True, metadata={"description": "http(s) link."})


# ---------------------------------------------------------------------------- answers


_WHEN = (
    "ISO 8601: a moment in UTC with its offset (2020-01-05T14:30:00Z) when the source "
    "gave a time, else a date (2020-01-05)."
)


def _nullable_string(**metadata):
    return fields.String(allow_none=True, required=True, metadata=metadata)


class PunditOut(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    bio = fields.String(required=True)
    affiliation = fields.String(required=True)
    links = fields.List(fields.String(), required=True)
    version = fields.Integer(required=True)


class ResolutionOut(ma.Schema):
    id = fields.Integer(required=True)
    question_id = fields.Integer(required=True)
    outcome = fields.String(
        required=True, metadata={"description": "yes, no, annulled, or the option's label."}
    )
    known_at = fields.String(required=True, metadata={"description": _WHEN})
    evidence_url = _nullable_string()
    note = fields.String(required=True)
    automatic = fields.Boolean(
        required=True,
        metadata={
            "description": "Annulled by the registry because the question's condition failed."
        },
    )
    resolved_at = fields.DateTime(required=True)
    resolved_by = _nullable_string()


class ConditionOut(ma.Schema):
    question_id = fields.Integer(required=True)
    question_slug = fields.String(required=True)
    outcome = fields.String(required=True)


class QuestionOut(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    statement = fields.String(required=True)
    resolution_criteria = fields.String(required=True)
    resolve_by = fields.Date(allow_none=True, required=True)
    kind = fields.String(required=True, metadata={"enum": KINDS})
    options = fields.List(fields.String(), required=True)
    tags = fields.List(fields.String(), required=True)
    condition = fields.Nested(ConditionOut, allow_none=True, required=True)
    note = fields.String(required=True)
    scorable = fields.Boolean(required=True)
    outcome = _nullable_string(description="The standing outcome's label.")
    known_at = _nullable_string(description=_WHEN)
    resolution = fields.Nested(ResolutionOut, allow_none=True, required=True)
    version = fields.Integer(required=True)


class PredictionOut(ma.Schema):
    id = fields.Integer(required=True)
    question_id = fields.Integer(required=True)
    question_slug = fields.String(required=True)
    pundit_id = fields.Integer(required=True)
    pundit_slug = fields.String(required=True)
    source_id = fields.Integer(allow_none=True, required=True)
    probability = fields.Float(allow_none=True, required=True)
    distribution = fields.Dict(
        keys=fields.String(), values=fields.Float(), allow_none=True, required=True
    )
    quote = fields.String(required=True)
    hedge_phrase = fields.String(required=True)
    probability_origin = fields.String(required=True, metadata={"enum": ORIGINS})
    scale_name = _nullable_string()
    scale_version = _nullable_string()
    made_at = fields.String(required=True, metadata={"description": _WHEN})
    logged_at = fields.DateTime(required=True)
    logged_by = _nullable_string()
    note = fields.String(required=True)
    look_ahead = fields.Boolean(
        required=True,
        metadata={
            "description": "Made after the outcome became known: never scored (moments "
            "compared when both are moments, else days: a forecast made on the day counts)."
        },
    )
    look_ahead_by = _nullable_string(
        enum=["moment", "day"],
        description="How the look-ahead rule compared: 'moment' when the made-at and the "
        "known-at are both moments, 'day' when either is a date only; null while "
        "unresolved.",
    )
    corrected_at = fields.DateTime(
        allow_none=True, required=True, metadata={"description": "Last corrected; null: never."}
    )
    retracted_at = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={"description": "Retracted (kept, never scored); null: it stands."},
    )
    retraction_reason = fields.String(required=True)
    version = fields.Integer(required=True)


class _BoardNumbersOut(ma.Schema):
    """What a leaderboard row says of a pundit (its rank and scores)."""

    rank = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "None when the pundit has fewer than min_n scored forecasts."},
    )
    n = fields.Integer(required=True, metadata={"description": "Scored forecasts."})
    brier = fields.Float(allow_none=True, required=True)
    brier_ci_low = fields.Float(allow_none=True, required=True)
    brier_ci_high = fields.Float(allow_none=True, required=True)
    log_score = fields.Float(allow_none=True, required=True)
    peer_brier = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Mean over the shared questions of the pundit's Brier minus the "
            "other pundits' mean (negative is better); None without shared questions."
        },
    )
    peer_log = fields.Float(allow_none=True, required=True)
    n_peer = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Shared questions: those another pundit on the board forecast."},
    )
    time_averaged_brier = fields.Float(allow_none=True, required=True)
    n_reference = fields.Integer(
        required=True,
        metadata={"description": "Scored forecasts made while a reference forecast stood."},
    )
    vs_reference_brier = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Mean Brier against the reference standing at made-at (pundit "
            "minus reference; negative: better than the market or crowd)."
        },
    )
    vs_reference_ci_low = fields.Float(allow_none=True, required=True)
    vs_reference_ci_high = fields.Float(allow_none=True, required=True)
    weighted_brier = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Mean Brier of every scored forecast, revisions too, each "
            "question's forecasts by the pundit weighing one in all."
        },
    )
    rank_low = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The best rank the 95% intervals allow: 1 + the pundits whose "
            "interval lies wholly below this one's. None when not ranked."
        },
    )
    rank_high = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "The worst rank the 95% intervals allow: the pundits whose "
            "interval does not lie wholly above this one's. None when not ranked."
        },
    )
    adjusted_brier = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Difficulty-adjusted Brier: the mean Brier expected of the "
            "pundit on a question of average difficulty (skill plus question difficulty, "
            "fitted jointly with a ridge of 1)."
        },
    )
    shrunk_brier = fields.Float(
        allow_none=True,
        required=True,
        metadata={
            "description": "Mean Brier shrunk towards the board's mean (empirical Bayes): "
            "short records move most."
        },
    )
    n_claims = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "Claims logged for the pundit, over the whole registry: "
            "questions forecast (each once) and claims logged as unscorable."
        },
    )
    n_unscorable = fields.Integer(
        allow_none=True,
        required=True,
        metadata={
            "description": "Of them, those that cannot be scored: logged as such, or "
            "forecast on a question with no deadline."
        },
    )
    scorable_share = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Scorable claims over all claims logged (0 to 1)."},
    )


class LeaderboardRowOut(_BoardNumbersOut):
    pundit = fields.String(required=True, metadata={"description": "The pundit's slug."})
    name = fields.String(required=True)


class StandingOut(_BoardNumbersOut):
    min_n = fields.Integer(
        required=True, metadata={"description": "Scored forecasts needed to be ranked."}
    )
    ranked_pundits = fields.Integer(
        required=True, metadata={"description": "How many pundits the board ranks."}
    )


class PunditWithStandingOut(PunditOut):
    standing = fields.Nested(
        StandingOut,
        required=True,
        metadata={
            "description": "The pundit's row of the default leaderboard (no filters, the "
            "site's min_n), as /leaderboard gives it; n 0 and no scores when none is scored."
        },
    )


class UnscorableClaimOut(ma.Schema):
    id = fields.Integer(required=True)
    pundit_id = fields.Integer(required=True)
    pundit_slug = fields.String(required=True)
    source_id = fields.Integer(allow_none=True, required=True)
    question_id = fields.Integer(allow_none=True, required=True)
    question_slug = fields.String(allow_none=True, required=True)
    quote = fields.String(required=True)
    hedge_phrase = fields.String(required=True)
    reason = fields.String(required=True, metadata={"enum": REASONS})
    note = fields.String(required=True)
    made_at = fields.String(required=True, metadata={"format": "date-time"})
    logged_at = fields.String(required=True, metadata={"format": "date-time"})
    logged_by = fields.String(allow_none=True, required=True)
    version = fields.Integer(required=True)


class _PageOut(ma.Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items on all pages."})
    pages = fields.Integer(required=True)


class PunditPage(_PageOut):
    items = fields.List(fields.Nested(PunditOut), required=True)


class QuestionPage(_PageOut):
    items = fields.List(fields.Nested(QuestionOut), required=True)


class UnscorableClaimArgs(PageArgs):
    pundit = Text(metadata={"description": "Only this pundit's claims (slug)."})


class UnscorableClaimPage(_PageOut):
    items = fields.List(fields.Nested(UnscorableClaimOut), required=True)


class PredictionPage(_PageOut):
    items = fields.List(fields.Nested(PredictionOut), required=True)


class ResolutionPage(_PageOut):
    items = fields.List(fields.Nested(ResolutionOut), required=True)


class SearchHitOut(ma.Schema):
    kind = fields.String(required=True, metadata={"enum": list(search.KINDS)})
    id = fields.Integer(required=True)
    slug = fields.String(
        allow_none=True, required=True, metadata={"description": "Questions and pundits."}
    )
    url = fields.String(required=True, metadata={"description": "The result's page on the site."})
    title = fields.String(
        required=True,
        metadata={"description": "The statement, name or title; a prediction's quote."},
    )
    title_html = fields.String(
        required=True,
        metadata={"description": "``title`` as HTML: escaped, the matched words in <mark>."},
    )
    excerpt = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Where a longer text matched: criteria, a source's text."},
    )
    excerpt_html = fields.String(allow_none=True, required=True)
    tags = fields.List(fields.String(), required=True, metadata={"description": "Questions."})
    pundit = fields.String(
        allow_none=True, required=True, metadata={"description": "A prediction's pundit (slug)."}
    )
    question = fields.String(
        allow_none=True, required=True, metadata={"description": "A prediction's question (slug)."}
    )
    score = fields.Float(
        required=True,
        metadata={"description": "The engine's rank score, higher is better (bm25 or ts_rank)."},
    )


class SearchGroupOut(_PageOut):
    kind = fields.String(required=True, metadata={"enum": list(search.KINDS)})
    more = fields.Boolean(
        required=True,
        metadata={
            "description": f"More than {search.CANDIDATES} matches: total counts "
            f"{search.CANDIDATES}, ranked among the newest; add words to narrow."
        },
    )
    items = fields.List(fields.Nested(SearchHitOut), required=True)


class SearchOut(ma.Schema):
    q = fields.String(required=True)
    words = fields.List(fields.String(), required=True, metadata={"description": "As read."})
    kind = fields.String(allow_none=True, required=True)
    groups = fields.List(
        fields.Nested(SearchGroupOut),
        required=True,
        metadata={"description": "One per kind: questions, pundits, sources, predictions."},
    )


class FiltersOut(ma.Schema):
    tag = _nullable_string()
    since = fields.Date(allow_none=True, required=True)
    until = fields.Date(allow_none=True, required=True)
    kind = _nullable_string()
    min_n = fields.Integer(required=True)


class LeaderboardPage(_PageOut):
    filters = fields.Nested(FiltersOut, required=True)
    items = fields.List(
        fields.Nested(LeaderboardRowOut),
        required=True,
        metadata={
            "description": "Ranked pundits by rank, then the unranked by number of forecasts."
        },
    )


class FieldErrorOut(ma.Schema):
    field = fields.String(
        required=True,
        metadata={"description": "The field refused (body, query or path for the whole)."},
    )
    rule = fields.String(required=True, metadata={"description": "The rule it broke."})


class ErrorOut(ma.Schema):
    errors = fields.List(fields.Nested(FieldErrorOut), required=True)
    message = fields.String(required=True)
    current = fields.Dict(
        metadata={
            "description": "409 only: the row's current values (a question for a stale "
            "expected_resolution_id)."
        }
    )


class SourceOut(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    outlet = fields.String(required=True)
    url = _nullable_string()
    published_on = fields.Date(required=True)
    note = fields.String(required=True)
    has_full_text = fields.Boolean(required=True)
    author_pundit_id = fields.Integer(allow_none=True, required=True)
    version = fields.Integer(required=True)
