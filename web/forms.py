"""WTForms classes. Fields carry the service layer's names, so a ValidationError from a
service lands next to the field it names; the rules themselves live in forecasts/."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from forecasts.errors import ValidationError
from forecasts.models import ProbabilityOrigin, QuestionKind, Role, UnscorableReason

DATE = {"type": "date"}
TIME = {"type": "time", "step": "1"}
_TIME_HELP = "Optional, in UTC: when the source gives the time."


def when_text(day: str | None, time: str | None, field: str) -> str:
    """A date field and its optional time field (UTC) as one value for the services: the
    date alone (a day), or the date and time as an ISO 8601 moment."""
    day, time = (day or "").strip(), (time or "").strip()
    if not time:
        return day
    if not day:
        raise ValidationError(field, "needs a date for the time given")
    return f"{day}T{time}+00:00"


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


KINDS = [
    (QuestionKind.BINARY.value, "Binary (yes / no)"),
    (QuestionKind.MULTIPLE_CHOICE.value, "Multiple choice"),
]
ROLES = [(role.value, role.value.capitalize()) for role in Role]


class LoginForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("is required")],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("is required")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in")


class PunditForm(FlaskForm):
    name = StringField("Name")
    slug = StringField("Slug", description="In the pundit's address; made from the name if empty.")
    affiliation = StringField("Affiliation")
    bio = TextAreaField("Short bio")
    links = TextAreaField("Links", description="One http(s) link per line.")
    version = HiddenField()


class SourceForm(FlaskForm):
    title = StringField("Title")
    outlet = StringField("Outlet")
    url = StringField("Link", description="http or https.", render_kw={"type": "url"})
    published_on = StringField("Published on", render_kw=DATE)
    author = StringField(
        "Author",
        description="When a pundit wrote it (an op-ed, a column): their name or slug. The "
        "review queue proposes them as the pundit of the forecasts it finds.",
    )
    full_text = TextAreaField("Full text", description="Optional: kept for extraction.")
    note = TextAreaField("Note")
    version = HiddenField()


class QuestionForm(FlaskForm):
    statement = StringField(
        "Statement", description="A question two careful people would resolve the same way."
    )
    resolution_criteria = TextAreaField("Resolution criteria")
    resolve_by = StringField(
        "Resolve by",
        render_kw=DATE,
        description="Leave empty if no deadline was given: the question is kept but never scored.",
    )
    kind = SelectField("Kind", choices=choices(KINDS), validate_choice=False)
    options = TextAreaField("Options", description="Multiple choice only: one option per line.")
    tags = StringField("Tags", description="Comma-separated.")
    condition_question_id = SelectField(
        "Condition",
        validate_choice=False,
        description="Only if another question resolves a given way; otherwise it is annulled.",
    )
    condition_outcome = StringField(
        "Condition outcome", description="yes, no, or one of its options."
    )
    note = TextAreaField("Note")
    version = HiddenField()


class PredictionForm(FlaskForm):
    pundit = StringField(
        "Pundit",
        description="Type to search; a slug or an exact name also works, or new for a new pundit.",
        render_kw={"data-picker": "pundit", "autocomplete": "off"},
    )
    new_pundit_name = StringField("New pundit's name")
    source = StringField(
        "Source",
        description="Type to search (title or link); empty for none, new for a new source.",
        render_kw={"data-picker": "source", "autocomplete": "off"},
    )
    new_source_title = StringField("New source's title")
    new_source_outlet = StringField("Outlet")
    new_source_url = StringField("Link", render_kw={"type": "url"})
    new_source_published_on = StringField("Published on", render_kw=DATE)
    question = StringField(
        "Question",
        description="Type to search; a slug or the exact statement also works, or new.",
        render_kw={"data-picker": "question", "autocomplete": "off"},
    )
    new_question_statement = StringField("New question")
    new_question_resolution_criteria = TextAreaField("Resolution criteria")
    new_question_resolve_by = StringField("Resolve by", render_kw=DATE)
    new_question_kind = SelectField("Kind", choices=choices(KINDS), validate_choice=False)
    new_question_options = TextAreaField("Options", description="One per line.")
    new_question_tags = StringField("Tags", description="Comma-separated.")
    quote = TextAreaField("Verbatim quote")
    hedge_phrase = StringField(
        "Hedge phrase", description='The words that carry the confidence: "tiny possibility".'
    )
    probability = StringField(
        "Probability",
        description="5%, 0.05 or 5 (a bare number above 1 is a percent); certainty is 100%.",
        render_kw={"inputmode": "decimal", "data-probability": ""},
    )
    distribution = TextAreaField(
        "Distribution", description="Multiple choice: one 'Option: 30%' per line."
    )
    made_at = StringField(
        "Made on", render_kw=DATE, description="Defaults to the source's publication date."
    )
    made_time = StringField("At (UTC)", render_kw=TIME, description=_TIME_HELP)
    probability_origin = SelectField(
        "Where the number came from",
        choices=choices(
            [
                (ProbabilityOrigin.MAPPED.value, "Mapped from the phrase with a scale"),
                (ProbabilityOrigin.STATED.value, "Stated by the pundit"),
                (ProbabilityOrigin.ESTIMATED.value, "Editor's estimate"),
            ]
        ),
        validate_choice=False,
    )
    scale = SelectField(
        "Scale",
        description="The published scale that reads the hedge phrase as a number; with no "
        "probability typed, the phrase is read on it.",
        validate_choice=False,
    )
    note = TextAreaField("Note")
    unscorable_reason = SelectField(
        "Can it be scored?",
        description="A claim with no deadline, no criteria, an escape clause or vague "
        "wording is logged as said, with the reason: it counts in the pundit's share of "
        "scorable claims and is listed on their page, never scored. It needs no question "
        "or probability.",
        choices=choices(
            [("", "Yes: log it as a prediction")]
            + [(reason.value, f"No: {reason.label}") for reason in UnscorableReason]
        ),
        validate_choice=False,
    )
    unscorable_note = TextAreaField(
        "Why it cannot be scored", description="Optional; required for another reason."
    )
    # The review-queue candidate this prediction comes from ("SOURCE:START-END"): saving
    # the prediction marks it accepted, in the same transaction.
    candidate = HiddenField()


class ResolveForm(FlaskForm):
    outcome = SelectField("Outcome", validate_choice=False)
    known_at = StringField("Became known on", render_kw=DATE)
    known_time = StringField("At (UTC)", render_kw=TIME, description=_TIME_HELP)
    evidence_url = StringField(
        "Evidence link", render_kw={"type": "url"}, description="http or https."
    )
    note = TextAreaField("Note", description="Required when annulling: the reason.")
    expected_resolution_id = HiddenField()
    resolve_next = SubmitField("Save and resolve the next due question")


class UserCreateForm(FlaskForm):
    name = StringField("Name", render_kw={"autocomplete": "off"})
    email = StringField("Email", render_kw={"type": "email"})
    role = SelectField("Role", choices=choices(ROLES), validate_choice=False)
    password = PasswordField(
        "Password", description="At least 8 characters.", render_kw={"autocomplete": "new-password"}
    )


class UserEditForm(FlaskForm):
    role = SelectField("Role", choices=choices(ROLES), validate_choice=False)
    is_active = BooleanField("Active (may sign in)")
    version = HiddenField()


class PasswordResetForm(FlaskForm):
    """An admin sets another user's password."""

    new_password = PasswordField(
        "New password",
        description="At least 8 characters. Every session of the user ends.",
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (sign out)."""


class ExtractForm(FlaskForm):
    source = SelectField("Source", validate_choice=False)
    title = StringField("Title", description="For a pasted text: the new source's title.")
    outlet = StringField("Outlet")
    url = StringField("Link", render_kw={"type": "url"})
    published_on = StringField(
        "Published on",
        render_kw=DATE,
        description="Deadlines like 'by the end of the year' are read against this date.",
    )
    full_text = TextAreaField(
        "Text", description="Paste the column, transcript or post.", render_kw={"rows": 12}
    )


class CorrectionForm(FlaskForm):
    """A correction of the record of what a pundit said (the pundit and question stay:
    a forecast logged against the wrong one is retracted and logged again)."""

    quote = TextAreaField("Verbatim quote")
    hedge_phrase = StringField("Hedge phrase")
    probability = StringField(
        "Probability",
        description="5%, 0.05 or 5 (a bare number above 1 is a percent); certainty is 100%.",
        render_kw={"inputmode": "decimal", "data-probability": ""},
    )
    distribution = TextAreaField(
        "Distribution", description="Multiple choice: one 'Option: 30%' per line."
    )
    probability_origin = SelectField(
        "Where the number came from",
        choices=PredictionForm.probability_origin.kwargs["choices"],
        validate_choice=False,
    )
    scale = SelectField("Scale", validate_choice=False, description="For a mapped number.")
    made_at = StringField("Made on", render_kw=DATE)
    made_time = StringField("At (UTC)", render_kw=TIME, description=_TIME_HELP)
    source = StringField(
        "Source",
        description="Type to search (title or link); empty for none.",
        render_kw={"data-picker": "source", "autocomplete": "off"},
    )
    note = TextAreaField("Note")
    reason = TextAreaField(
        "Reason for the correction",
        description="Shown in the prediction's public history: what was wrong.",
    )
    version = HiddenField()


class RetractionForm(FlaskForm):
    reason = TextAreaField(
        "Reason", description="Shown beside the struck-through prediction, for everyone."
    )
    version = HiddenField()


class MergeForm(FlaskForm):
    into = StringField(
        "Merge into",
        description="Type to search: the row to keep. This one's address will lead there.",
        render_kw={"autocomplete": "off"},
    )
    version = HiddenField()


class DeleteForm(FlaskForm):
    version = HiddenField()
