"""Generated hostile input through the editor's write forms and the public pages: never a
server error, and a refused form writes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from forecasts import services
from forecasts.db import make_session_factory
from forecasts.errors import ValidationError
from forecasts.models import Question, QuestionKind

# Text that has broken pages before: maths markup, formula starters, controls, NUL,
# zero-width and right-to-left marks, markup, huge numbers, surrogate-free Unicode.
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "$\\foo{x}$",
            "_hidden",
            '=HYPERLINK("http://x")',
            "+1+1",
            "\x00",
            "\u200b\u200d\u2060",
            "\u202e evil",
            "<script>alert(1)</script>",
            "9" * 40,
            "0001-01-01",
            "-1",
            "1e309",
            "%",
            "../../etc/passwd",
        ]
    ),
)
FORMS = {
    "/pundits/new": ("name", "slug", "affiliation", "bio", "links"),
    "/sources/new": ("title", "url", "published_on", "outlet", "note", "full_text"),
    "/questions/new": ("statement", "resolution_criteria", "resolve_by", "kind", "options", "tags"),
    "/predictions/new": (
        "pundit",
        "source",
        "question",
        "quote",
        "hedge_phrase",
        "probability",
        "distribution",
        "made_at",
        "scale",
        "new_pundit_name",
        "new_question_statement",
    ),
}
CHECKS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@CHECKS
@given(path=st.sampled_from(sorted(FORMS)), data=st.data())
def test_hostile_form_input_is_never_a_server_error_and_a_refusal_writes_nothing(
    as_role, engine, snapshot_of, path, data
):
    values = {field: data.draw(HOSTILE, label=field) for field in FORMS[path]}
    before = snapshot_of(engine)
    response = as_role("editor").post(path, data=values)
    assert response.status_code < 500, (values, response.get_data(as_text=True)[:500])
    if response.status_code != 302:  # refused: nothing written
        assert response.status_code in (200, 400, 409, 413, 422), values
        assert snapshot_of(engine) == before, values


@CHECKS
@given(name=HOSTILE)
def test_public_pages_render_any_name_the_registry_accepts(app, engine, name):
    """A pundit named anything the rules let through, forecasting a seeded question:
    their page, the question's page (with its chart legend), the lists and the board."""
    with make_session_factory(engine)() as session:
        try:
            pundit = services.add_pundit(session, services.Actor.system("test"), name=name)
        except ValidationError:
            return  # refused, with its rule: the name never reaches a page
        question = session.scalars(
            select(Question).where(Question.kind == QuestionKind.BINARY.value)
        ).first()
        services.log_prediction(
            session,
            services.Actor.system("test"),
            question_id=question.id,
            pundit_id=pundit.id,
            made_at="2020-01-02",
            probability=0.3,
        )
        paths = (f"/pundits/{pundit.slug}", f"/questions/{question.slug}")
    client = app.test_client()
    for path in (*paths, "/", "/pundits/", "/leaderboard"):
        response = client.get(path)
        assert response.status_code == 200, (path, name, response.get_data(as_text=True)[:300])
