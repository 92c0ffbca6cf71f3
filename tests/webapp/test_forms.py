"""Every form: the happy path, and refused input that names the field and the rule, keeps
what was typed, and leaves the database unchanged."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts.models import AuditEvent, Prediction, Pundit, Question, Resolution, Source, User
from support import PASSWORD

WAR = "us-iran-war-by-end-2020"


def rows(engine, model):
    with Session(engine) as session:
        return session.scalars(select(model)).all()


def refused(client, engine, snapshot_of, path, data, *expected, status=422):
    before = snapshot_of(engine)
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    for text in expected:
        assert text in html, text
    assert snapshot_of(engine) == before
    return html


NEW_EVERYTHING = {
    "pundit": "new",
    "new_pundit_name": "Ann Analyst",
    "source": "new",
    "new_source_title": "The weekly column",
    "new_source_outlet": "The Daily",
    "new_source_url": "https://example.org/weekly",
    "new_source_published_on": "2020-01-05",
    "question": "new",
    "new_question_statement": "Will the strait be closed in 2020?",
    "new_question_resolution_criteria": "Yes if shipping stops for a day.",
    "new_question_resolve_by": "2020-12-31",
    "new_question_kind": "binary",
    "new_question_tags": "iran, shipping",
    "quote": "There is a tiny possibility the strait closes.",
    "hedge_phrase": "tiny possibility",
    "probability": "5%",
    "probability_origin": "mapped",
    "scale": "icd-203@2015",
}


def test_log_prediction_creating_pundit_source_and_question(as_role, engine):
    client = as_role("editor")
    page = client.get("/predictions/new").get_data(as_text=True)
    assert "Log a prediction" in page and 'data-picker="pundit"' in page
    response = client.post("/predictions/new", data=NEW_EVERYTHING)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/questions/will-the-strait-be-closed-in-2020")
    (prediction,) = [p for p in rows(engine, Prediction) if p.quote.startswith("There is")]
    assert prediction.probability == 0.05
    assert (prediction.scale_name, prediction.scale_version) == ("icd-203", "2015")
    # made-at defaults to the source's publication date
    assert prediction.made_at == dt.datetime(2020, 1, 5, tzinfo=dt.UTC)
    actions = [e.action for e in rows(engine, AuditEvent) if e.actor_name == "editor"]
    assert actions == ["pundit.create", "source.create", "question.create", "prediction.create"]
    # The editor is told the number that was read.
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Prediction logged at 5%." in shown


@pytest.mark.parametrize(
    "probability, rule",
    [
        ("120%", "must be between 0% and 100%"),
        ("1.5e9", "must be between 0% and 100%"),
        ("likely", "must be a probability"),
        ("", "is required for a binary question"),
        ("1", "1 alone could mean 100% or 1%: write 100% or 1%"),
    ],
)
def test_log_prediction_refuses_bad_probability(as_role, engine, snapshot_of, probability, rule):
    data = {**NEW_EVERYTHING, "probability": probability}
    if not probability:  # with no phrase to read either (a phrase alone is mapped)
        data |= {"hedge_phrase": "", "probability_origin": "stated"}
    html = refused(
        as_role("editor"), engine, snapshot_of, "/predictions/new", data, f"Probability: {rule}"
    )
    assert "Ann Analyst" in html and "There is a tiny possibility" in html  # kept as typed


def test_a_phrase_without_a_number_is_read_on_the_chosen_scale(as_role, engine, snapshot_of):
    client = as_role("editor")
    form = client.get("/predictions/new").get_data(as_text=True)
    assert '<option selected value="registry-default@' in form  # the default scale
    data = {**NEW_EVERYTHING, "hedge_phrase": "almost certain", "probability": ""}
    data |= {"scale": "registry-default", "quote": "It is almost certain, they say."}
    saved = client.post("/predictions/new", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1500]
    (prediction,) = [p for p in rows(engine, Prediction) if p.quote.startswith("It is almost")]
    assert prediction.probability == 0.95 and prediction.probability_origin == "mapped"
    assert prediction.scale_name == "registry-default"
    refused(
        client,
        engine,
        snapshot_of,
        "/predictions/new",
        {**data, "hedge_phrase": "a purple elephant", "new_question_statement": "Another?"},
        "Hedge phrase: is not a phrase the scale registry-default@",
    )
    html = refused(
        client,
        engine,
        snapshot_of,
        "/predictions/new",
        {**data, "scale": "icd-203@1999", "new_question_statement": "Yet another?"},
        "Scale: icd-203 has no version &#39;1999&#39;",
    )
    assert "scale_name" not in html and "scale_version" not in html


def test_log_prediction_reports_every_bad_field(as_role, engine, snapshot_of):
    data = {
        **NEW_EVERYTHING,
        "new_pundit_name": "",
        "new_source_url": "ftp://x",
        "new_question_resolve_by": "soon",
        "scale": "no-such-scale",
    }
    refused(
        as_role("editor"),
        engine,
        snapshot_of,
        "/predictions/new",
        data,
        "New pundit&#39;s name: is required",
        "Link: must be an http:// or https:// link",
        "Resolve by: must be a date as YYYY-MM-DD",
        "Scale: no scale named &#39;no-such-scale&#39;",
    )


def test_log_multiple_choice_distribution(as_role, engine):
    client = as_role("editor")
    data = {
        **NEW_EVERYTHING,
        "new_question_statement": "Who wins the 2020 cup?",
        "new_question_kind": "multiple_choice",
        "new_question_options": "Red\nBlue\nDraw",
        "probability": "",
        "distribution": "Red: 50%\nBlue: 0.3\nDraw: 20",
        "probability_origin": "estimated",
        "scale": "",
    }
    assert client.post("/predictions/new", data=data).status_code == 302
    (prediction,) = [p for p in rows(engine, Prediction) if p.probability is None]
    with Session(engine) as session:
        stored = session.get(Prediction, prediction.id)
        assert {e.option.label: e.probability for e in stored.distribution} == {
            "Red": 0.5,
            "Blue": 0.3,
            "Draw": 0.2,
        }


def test_log_on_existing_question_after_its_deadline_is_refused(as_role, engine, snapshot_of):
    with Session(engine) as session:
        question = session.scalar(select(Question).where(Question.slug == WAR))
        pundit = session.scalar(select(Pundit))
    data = {
        "pundit": str(pundit.id),
        "source": "",
        "question": str(question.id),
        "probability": "0.3",
        "made_at": "2021-02-01",
        "probability_origin": "stated",
    }
    refused(
        as_role("editor"),
        engine,
        snapshot_of,
        "/predictions/new",
        data,
        "must be on or before the question&#39;s resolve-by date (2020-12-31)",
    )


def test_pundit_forms_duplicate_slug_and_conflict(as_role, engine, snapshot_of):
    client = as_role("editor")
    refused(
        client,
        engine,
        snapshot_of,
        "/pundits/new",
        {"name": "Someone", "slug": "op-ed-author-iran-us-iraq-2020"},
        "Slug: must be unique",
    )
    path = "/pundits/op-ed-author-iran-us-iraq-2020/edit"
    form = {"name": "Op-ed author", "slug": "op-ed-author-iran-us-iraq-2020", "version": "1"}
    assert client.post(path, data=form).status_code == 302
    html = refused(
        client,
        engine,
        snapshot_of,
        path,
        {**form, "name": "Stale name"},
        "Someone else changed this",
        "Op-ed author",
        status=409,
    )
    assert 'value="Stale name"' in html  # the stale edit is kept in the form


def test_source_form_refuses_non_http_link(as_role, engine, snapshot_of):
    refused(
        as_role("editor"),
        engine,
        snapshot_of,
        "/sources/new",
        {"title": "A", "url": "javascript:alert(1)", "published_on": "2020-01-01"},
        "Link: must be an http:// or https:// link",
    )
    response = as_role("editor").post(
        "/sources/new",
        data={"title": "A column", "url": "https://example.org/a", "published_on": "2020-02-02"},
    )
    assert response.status_code == 302


def test_question_create_and_edit_with_conflict(as_role, engine, snapshot_of):
    client = as_role("editor")
    response = client.post(
        "/questions/new",
        data={
            "statement": "Will oil pass $100 in 2020?",
            "resolution_criteria": "Brent close.",
            "resolve_by": "2020-12-31",
            "kind": "binary",
            "tags": "oil",
        },
    )
    assert response.status_code == 302
    refused(
        client,
        engine,
        snapshot_of,
        "/questions/new",
        {"statement": "", "resolution_criteria": "", "kind": "binary", "resolve_by": "2020-13-01"},
        "Statement: is required",
        "Resolve by: must be a date",
    )
    path = "/questions/will-oil-pass-100-in-2020/edit"
    edit = {
        "statement": "Will oil pass $100 in 2020?",
        "resolution_criteria": "Brent, daily close, ICE.",
        "resolve_by": "2020-12-31",
        "tags": "oil",
        "version": "1",
    }
    assert client.post(path, data=edit).status_code == 302
    refused(client, engine, snapshot_of, path, edit, "Brent, daily close, ICE.", status=409)


def test_resolve_from_the_due_queue(as_role, engine, snapshot_of):
    client = as_role("editor")
    client.post(
        "/questions/new",
        data={
            "statement": "Will it snow in Rome in 2020?",
            "resolution_criteria": "Any snow.",
            "resolve_by": "2020-03-01",
            "kind": "binary",
        },
    )
    due_page = client.get("/due").get_data(as_text=True)
    assert "Will it snow in Rome in 2020?" in due_page
    assert '<span class="count" aria-label="1 questions due">1</span>' in due_page
    path = "/questions/will-it-snow-in-rome-in-2020/resolve"
    refused(
        client,
        engine,
        snapshot_of,
        path,
        {"outcome": "no", "known_at": "2020-03-02", "evidence_url": "file:///etc/passwd"},
        "Evidence link: must be an http:// or https:// link",
    )
    refused(
        client,
        engine,
        snapshot_of,
        path,
        {"outcome": "maybe", "known_at": "2020-03-02"},
        "Outcome: must be one of yes, no, annulled",
    )
    ok = client.post(
        path,
        data={
            "outcome": "no",
            "known_at": "2020-03-02",
            "evidence_url": "https://example.org/weather",
        },
    )
    assert ok.status_code == 302
    assert "Will it snow in Rome" not in client.get("/due").get_data(as_text=True)
    # A second resolver who loaded the form before the first saved gets a conflict.
    refused(
        client,
        engine,
        snapshot_of,
        path,
        {"outcome": "yes", "known_at": "2020-03-02", "expected_resolution_id": ""},
        "Someone else resolved this question",
        status=409,
    )


def test_admin_manages_users_and_reads_the_audit_log(as_role, engine, snapshot_of):
    client = as_role("admin")
    assert (
        client.post(
            "/admin/users", data={"name": "newbie", "role": "editor", "password": PASSWORD}
        ).status_code
        == 302
    )
    refused(
        client,
        engine,
        snapshot_of,
        "/admin/users",
        {"name": "newbie", "role": "boss", "password": "short"},
        "Name: must be unique",
        "Role: must be one of reader, editor, admin",
        "Password: must be at least 8 characters",
    )
    with Session(engine) as session:
        newbie = session.scalar(select(User).where(User.name == "newbie"))
        admin = session.scalar(select(User).where(User.name == "admin"))
    assert (
        client.post(
            f"/admin/users/{newbie.id}", data={"role": "reader", "is_active": "y", "version": "1"}
        ).status_code
        == 302
    )
    refused(
        client,
        engine,
        snapshot_of,
        f"/admin/users/{admin.id}",
        {"role": "editor", "is_active": "y", "version": str(admin.version)},
        "the last active admin must stay an active admin",
    )
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "user.update" in audit
    assert '<th scope="row">role</th><td>editor</td><td>reader</td>' in audit


def test_sign_in_failures_next_and_rate_limit(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    bad = client.post("/login", data={"name": "editor", "password": "wrong"})
    assert bad.status_code == 401 and "Name or password is wrong" in bad.get_data(as_text=True)
    for target, expected in [
        ("/due", "/due"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = client.post(
            f"/login?next={target}", data={"name": "editor", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target
    client.post("/login", data={"name": "editor", "password": "wrong"})
    client.post("/login", data={"name": "editor", "password": "wrong"})
    limited = client.post("/login", data={"name": "editor", "password": PASSWORD})
    assert limited.status_code == 429


def test_deactivated_user_cannot_sign_in(as_role, engine):
    admin = as_role("admin")
    with Session(engine) as session:
        editor = session.scalar(select(User).where(User.name == "editor"))
    admin.post(f"/admin/users/{editor.id}", data={"role": "editor", "version": "1"})
    response = as_role(None).post("/login", data={"name": "editor", "password": PASSWORD})
    assert response.status_code == 401


def test_look_ahead_flag_on_pages(as_role, engine):
    client = as_role("editor")
    with Session(engine) as session:
        question = session.scalar(
            select(Question).where(Question.slug == "baghdad-tahrir-sit-in-ends-by-end-2020")
        )
        pundit = session.scalar(select(Pundit))
    client.post(
        "/predictions/new",
        data={
            "pundit": str(pundit.id),
            "source": "",
            "question": str(question.id),
            "probability": "99%",
            "made_at": "2020-11-02",
            "probability_origin": "stated",
        },
    )
    for path in (f"/questions/{question.slug}", f"/pundits/{pundit.slug}", "/"):
        html = as_role(None).get(path).get_data(as_text=True)
        assert "made after the outcome was known: not scored" in html, path
    assert len(rows(engine, Resolution)) == 6


def test_source_edit_and_sign_out(as_role, engine):
    client = as_role("editor")
    page = client.get("/sources/1/edit").get_data(as_text=True)
    assert 'value="Untitled op-ed on the Iran-US confrontation in Iraq"' in page
    response = client.post(
        "/sources/1/edit",
        data={
            "title": "Untitled op-ed (Iran, US, Iraq)",
            "published_on": "2020-01-01",
            "full_text": "kept",
            "version": "1",
        },
    )
    assert response.status_code == 302
    with Session(engine) as session:
        source = session.get(Source, 1)
        assert (source.title, source.version) == ("Untitled op-ed (Iran, US, Iraq)", 2)
    assert client.get("/logout").status_code == 405  # signing out is a POST
    assert client.post("/logout").status_code == 302
    assert client.get("/due").status_code == 302  # back to anonymous: sent to sign in


def test_pickers_match_typed_text_on_saving_and_show_ids_as_people_read_them(
    as_role, engine, snapshot_of
):
    client = as_role("editor")
    prefilled = client.get("/predictions/new?pundit=1&source=1").get_data(as_text=True)
    assert 'value="op-ed-author-iran-us-iraq-2020"' in prefilled  # not the bare id
    assert 'value="#1 Untitled op-ed' in prefilled
    data = {
        **NEW_EVERYTHING,
        "pundit": "Author of the op-ed on the Iran-US crisis in Iraq (1 January 2020)",
        "source": "#1 Untitled op-ed on the Iran-US confrontation in Iraq",
        "question": "us-iran-war-by-end-2020",
        "quote": "A typed pick.",
        "made_at": "2020-01-02",
    }
    saved = client.post("/predictions/new", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1500]
    (prediction,) = [p for p in rows(engine, Prediction) if p.quote == "A typed pick."]
    assert (prediction.pundit_id, prediction.source_id) == (1, 1)
    refused(
        client,
        engine,
        snapshot_of,
        "/predictions/new",
        {**data, "pundit": "Nobody Known", "question": "no-such-question", "quote": "Again."},
        "Pundit: names no pundit (&#39;Nobody Known&#39;): type to search, or new",
        "Question: names no question",
    )


def test_a_question_page_offers_revisions_and_the_form_says_what_was_said_before(as_role):
    client = as_role("editor")
    page = client.get("/questions/us-iran-war-by-end-2020").get_data(as_text=True)
    link = re.search(r'href="(/predictions/new\?pundit=\d+&amp;question=\d+)"', page)
    assert link and "Log a revision by" in page
    form = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "A revision:" in form and "already forecast this question" in form
    assert "5% on 2020-01-01" in form
    assert "A revision:" not in as_role(None).get("/questions/us-iran-war-by-end-2020").get_data(
        as_text=True
    )
    duplicate = client.post(
        "/predictions/new",
        data={
            **NEW_EVERYTHING,
            "new_question_statement": html.unescape(
                re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()
            ),
        },
    )
    assert duplicate.status_code == 422
    assert "its slug is &#39;us-iran-war-by-end-2020&#39;: pick that question instead" in (
        duplicate.get_data(as_text=True)
    )


def test_a_typed_id_too_large_for_a_row_names_no_row(as_role, engine, snapshot_of):
    huge = str(2**63)
    client = as_role("editor")
    assert client.get(f"/predictions/new?pundit={huge}&question={huge}").status_code == 200
    refused(
        client,
        engine,
        snapshot_of,
        "/predictions/new",
        {**NEW_EVERYTHING, "question": huge, "source": f"#{huge} x"},
        "Question: names no question",
        "Source: names no source",
    )
