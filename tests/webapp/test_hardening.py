"""The app's own defences: one signing key for every worker, a bounded request size."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from forecasts.db import SECRET_KEY_FILE, stored_secret_key
from support import PASSWORD
from web import create_app


def test_without_a_configured_key_every_worker_uses_the_one_kept_in_home(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECASTS_HOME", str(tmp_path))
    monkeypatch.delenv("FORECASTS_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(4) as pool:  # workers starting at once agree on one key
        keys = set(pool.map(lambda _: stored_secret_key(), range(8)))
    apps = [create_app({"DATABASE_URL": "sqlite://"}) for _ in range(2)]
    assert len(keys) == 1 and {app.secret_key for app in apps} == keys
    path = tmp_path / SECRET_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.setenv("FORECASTS_SECRET_KEY", "configured")
    assert create_app({"DATABASE_URL": "sqlite://"}).secret_key == "configured"


def test_a_page_request_larger_than_the_cap_is_413_with_a_plain_sentence(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    page = app.test_client().post("/login", data={"name": "x" * 2000})
    assert page.status_code == 413 and "larger than this server accepts" in page.get_data(True)


ABSURD = "9" * 24


@pytest.mark.parametrize(
    "path",
    [
        f"/questions/?page={ABSURD}",
        f"/pundits/?page={ABSURD}",
        f"/sources/?page={ABSURD}",
        f"/admin/audit?page={ABSURD}",
        "/sources/2147483648",
        f"/sources/{ABSURD}",
        f"/sources/{ABSURD}/candidates",
        "/sources/1/candidates?scale=nope",
    ],
)
def test_absurd_numbers_and_unknown_names_in_a_url_are_a_404_or_400_never_a_500(as_role, path):
    assert as_role("admin").get(path).status_code in (400, 404)


def test_a_next_address_with_a_line_break_cannot_steer_the_sign_in(app):
    response = app.test_client().post(
        "/login?next=%0d%0aSet-Cookie:%20x=1", data={"name": "admin", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "Set-Cookie" not in response.headers.get(
        "Location", ""
    )


def test_two_editors_posting_one_version_of_an_edit_form_at_once_one_gets_the_conflict(
    database_url,
):
    """Through the web form, on both databases: of two saves of the same version sent
    together, one is saved (302) and the other is shown the conflict (409), round after
    round, and the stored row is the winner's."""
    import threading

    from forecasts import services
    from forecasts.db import make_engine, make_session_factory
    from forecasts.models import Pundit

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        for name in ("ann", "bob"):
            services.create_user(
                session, services.Actor.system(), name=name, role="editor", password=PASSWORD
            )
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    clients = []
    for name in ("ann", "bob"):
        client = app.test_client()
        assert client.post("/login", data={"name": name, "password": PASSWORD}).status_code == 302
        clients.append(client)
    try:
        for round_ in range(6):
            with make_session_factory(engine)() as session:
                pundit = services.add_pundit(
                    session, services.Actor.system(), name=f"Racer {round_}"
                )
                slug, version = pundit.slug, pundit.version
            barrier = threading.Barrier(2)

            def save(client, name, slug=slug, version=version, barrier=barrier):
                barrier.wait()
                return client.post(
                    f"/pundits/{slug}/edit",
                    data={"name": name, "slug": slug, "version": str(version)},
                )

            with ThreadPoolExecutor(2) as pool:
                names = (f"Ann's {round_}", f"Bob's {round_}")
                responses = list(pool.map(save, clients, names))
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [302, 409], [r.get_data(as_text=True)[:300] for r in responses]
            winner = names[[r.status_code for r in responses].index(302)]
            loser = responses[[r.status_code for r in responses].index(409)]
            assert "Someone else changed this since you opened it" in loser.get_data(as_text=True)
            with make_session_factory(engine)() as session:
                stored = session.query(Pundit).filter_by(slug=slug).one()
                assert (stored.name, stored.version) == (winner, version + 1)
    finally:
        app.extensions["forecasts.engine"].dispose()
        engine.dispose()


def test_two_resolutions_of_one_question_sent_at_once_through_the_api_one_gets_409(
    database_url,
):
    """Through the API, on both databases: two editors resolve one open question with
    opposite outcomes at the same moment; one is stored (201), the other is a 409 that
    shows the standing resolution, round after round."""
    import threading

    from forecasts import services, tokens
    from forecasts.db import make_engine, make_session_factory
    from forecasts.models import Resolution

    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    raw = []
    with sessions() as session:
        for name in ("ann", "bob"):
            user = services.create_user(
                session, services.Actor.system(), name=name, role="editor", password=PASSWORD
            )
            raw.append(tokens.create_token(session, services.Actor.of(user), name="race")[1])
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        for round_ in range(6):
            with sessions() as session:
                question = services.add_question(
                    session,
                    services.Actor.system(),
                    statement=f"Will race {round_} end?",
                    resolution_criteria="It ends.",
                    resolve_by="2020-01-31",
                )
                slug, question_id = question.slug, question.id
            barrier = threading.Barrier(2)

            def resolve(token, outcome, slug=slug, barrier=barrier):
                client = app.test_client()
                barrier.wait()
                return client.post(
                    f"/api/v1/questions/{slug}/resolve",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "outcome": outcome,
                        "known_at": "2020-02-01",
                        "expected_resolution_id": None,  # none standing, as both saw
                    },
                )

            with ThreadPoolExecutor(2) as pool:
                responses = list(pool.map(resolve, raw, ("yes", "no")))
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [201, 409], [r.get_json() for r in responses]
            loser = next(r for r in responses if r.status_code == 409)
            assert "the standing resolution is now" in str(loser.get_json())
            with sessions() as session:
                stored = session.query(Resolution).filter_by(question_id=question_id).all()
                assert len(stored) == 1
    finally:
        app.extensions["forecasts.engine"].dispose()
        engine.dispose()
