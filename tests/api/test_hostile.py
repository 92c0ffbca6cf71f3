"""Generated hostile JSON through every write route of the API: never a server error,
always the JSON error shape, and nothing written when refused."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import bearer

STATUSES: list[int] = []
SEEDED_QUESTION = "iran-us-contest-over-iraq-resolved"
ROUTES = (
    ("/api/v1/predictions", ("question_id", "pundit_id", "made_at", "probability", "quote")),
    ("/api/v1/questions", ("statement", "resolution_criteria", "resolve_by", "kind", "tags")),
    (f"/api/v1/questions/{SEEDED_QUESTION}/resolve", ("outcome", "known_at", "evidence_url")),
    (f"/api/v1/questions/{SEEDED_QUESTION}/annul", ("reason", "known_at")),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["1", "100%", "0001-01-01", "2999-12-31", "\u200b", "$x$", "=1+1"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

# Values of the right JSON type with hostile content, so that most bodies reach the rules.
TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["\u200b\u200d", "$\\x$", "=1+1", " "]))
DATES = st.one_of(st.dates().map(str), st.sampled_from(["0001-01-01", "2020-02-30", "2020-01-02"]))
PLAUSIBLE = {
    "question_id": st.integers(min_value=-5, max_value=2**31 + 5),
    "pundit_id": st.integers(min_value=-5, max_value=12),
    "made_at": DATES,
    "resolve_by": DATES,
    "known_at": DATES,
    "probability": st.one_of(st.floats(-1, 2), st.sampled_from(["1", "100%", "5%", "1e400"])),
    "kind": st.sampled_from(["binary", "multiple_choice", "nope"]),
    "tags": st.lists(TEXT, max_size=3),
    "outcome": st.sampled_from(["yes", "no", "maybe", ""]),
    "evidence_url": st.sampled_from(["https://example.org/x", "javascript:alert(1)", "ftp://x"]),
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(ROUTES), data=st.data())
def test_hostile_json_is_never_a_server_error_and_a_refusal_writes_nothing(
    client, editor_token, engine, snapshot_of, route, data
):
    path, keys = route
    body = {
        key: data.draw(st.one_of(VALUES, PLAUSIBLE.get(key, TEXT)), label=key)
        for key in keys
        if data.draw(st.booleans())
    }
    before = snapshot_of(engine)
    response = client.post(path, headers=bearer(editor_token), json=body)
    assert response.status_code < 500, (body, response.get_data(as_text=True)[:300])
    STATUSES.append(response.status_code)
    if response.status_code >= 400:
        assert response.status_code in (400, 404, 409, 413, 422, 429), body
        assert "errors" in response.get_json(), body
        assert snapshot_of(engine) == before, body
