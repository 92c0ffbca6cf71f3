"""Public pages are stored for anonymous readers and never outlive a change to the registry;
long lists come a page at a time."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import scores, services
from forecasts.models import Pundit, Question
from web.pagecache import HEADER

AUTHOR = "op-ed-author-iran-us-iraq-2020"
WAR = "us-iran-war-by-end-2020"
ADMIN = services.Actor.system("test")


def _brier_of_author(engine) -> float:
    with Session(engine) as session:
        board = scores.leaderboard(session, min_n=1).set_index("pundit")
    return float(board.loc[AUTHOR, "brier"])


def test_a_stored_page_lasts_until_a_resolution_changes_the_board(as_role, engine):
    client = as_role(None)
    first = client.get("/leaderboard?min_n=1")
    again = client.get("/leaderboard?min_n=1")
    assert (first.headers[HEADER], again.headers[HEADER]) == ("miss", "hit")
    assert again.data == first.data
    before = _brier_of_author(engine)
    assert f"{before:.3f}" in first.get_data(as_text=True)

    with Session(engine) as session:  # the war did break out, after all
        war = session.scalar(select(Question).where(Question.slug == WAR))
        services.resolve_question(
            session, ADMIN, war.id, outcome="yes", known_at="2020-12-31", note="Corrected."
        )
    after = _brier_of_author(engine)
    assert after != before
    changed = client.get("/leaderboard?min_n=1")
    assert changed.headers[HEADER] == "miss"
    html = changed.get_data(as_text=True)
    assert f"{after:.3f}" in html and f"{before:.3f}" not in html
    question = client.get(f"/questions/{WAR}").get_data(as_text=True)
    assert "Corrected." in question


def test_an_edit_shows_at_once_and_signed_in_users_are_never_served_a_stored_page(as_role, engine):
    reader = as_role(None)
    assert reader.get(f"/pundits/{AUTHOR}").headers[HEADER] == "miss"
    assert reader.get(f"/pundits/{AUTHOR}").headers[HEADER] == "hit"
    with Session(engine) as session:
        pundit = session.scalar(select(Pundit).where(Pundit.slug == AUTHOR))
        services.edit_pundit(
            session,
            ADMIN,
            pundit.id,
            expected_version=pundit.version,
            name="The op-ed's author, renamed",
        )
    for path in (f"/pundits/{AUTHOR}", "/pundits/", "/leaderboard"):
        response = reader.get(path)
        assert response.headers[HEADER] == "miss", path
        assert "The op-ed&#39;s author, renamed" in response.get_data(as_text=True), path

    editor = as_role("editor")
    for _ in range(2):
        response = editor.get(f"/pundits/{AUTHOR}")
        assert HEADER not in response.headers
        html = response.get_data(as_text=True)
        assert "Sign out" in html and "Log a prediction by" in html


def test_a_page_carrying_a_message_is_neither_served_from_nor_put_in_the_store(as_role):
    client = as_role(None)
    client.get("/phrases")  # stored
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "A message for this reader only.")]
    shown = client.get("/phrases")
    assert HEADER not in shown.headers
    assert "A message for this reader only." in shown.get_data(as_text=True)
    later = client.get("/phrases")
    assert later.headers[HEADER] == "hit"
    assert "A message for this reader only." not in later.get_data(as_text=True)


def test_turned_off_every_request_renders_afresh(make_app):
    client = make_app(PAGE_CACHE=False).test_client()
    for _ in range(2):
        response = client.get("/leaderboard")
        assert response.status_code == 200 and HEADER not in response.headers


def test_a_pundits_predictions_come_a_page_at_a_time(make_app, engine):
    client = make_app(PAGE_SIZE=2).test_client()
    with Session(engine) as session:
        pundit = session.scalar(select(Pundit).where(Pundit.slug == AUTHOR))
        frame = scores.prediction_frame(session, pundit_id=pundit.id)
    total = len(frame)
    assert total > 4
    pages = -(-total // 2)
    seen = []
    for page in range(1, pages + 1):
        html = client.get(f"/pundits/{AUTHOR}?page={page}").get_data(as_text=True)
        assert f"Page {page} of {pages}" in html
        assert f'Predictions <small class="muted">({total})</small>' in html
        seen += re.findall(
            r'<li class="prediction"[^>]*>.*?<time datetime="([^"]+)"', html, flags=re.S
        )
        # the whole record's accuracy is on every page, not only this page's
        assert f"{_brier_of_author(engine):.3f}" in html
    assert len(seen) == total
    assert seen == sorted(seen)  # oldest first, across the pages
    assert client.get(f"/pundits/{AUTHOR}?page={pages + 1}").status_code == 404
    assert client.get(f"/pundits/{AUTHOR}?page=0").status_code == 404
    questions = client.get("/?page=2").get_data(as_text=True)
    assert "Page 2 of" in questions


def test_readers_arriving_together_wait_for_one_computation(app):
    import threading
    import time

    from web import pagecache

    calls, answers = [], []
    together = threading.Barrier(3)

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.3)  # long enough for the others to arrive meanwhile
        return {"board": len(calls)}

    def reader():
        with app.test_request_context("/leaderboard"):
            together.wait()
            answers.append(pagecache.remember("test-board", ("all",), compute))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert answers == [{"board": 1}] * 3


def _a_pundit_answering(session: Session, name: str, question: Question) -> Pundit:
    pundit = services.add_pundit(session, ADMIN, name=name)
    services.log_prediction(
        session,
        ADMIN,
        question_id=question.id,
        pundit_id=pundit.id,
        made_at="2020-01-02",
        probability=0.4,
    )
    return pundit


def test_a_pundit_or_question_page_outlives_writes_elsewhere_not_writes_it_shows(as_role, engine):
    """A pundit's and a question's pages are keyed by what they show: a forecast on
    another question leaves them stored; one that moves their scores or lists renders
    them anew, with the change."""
    reader = as_role(None)
    with Session(engine) as session:
        elsewhere = services.add_question(
            session, ADMIN, statement="Will an unrelated thing happen?", resolution_criteria="."
        )
        loner = _a_pundit_answering(session, "Unrelated Una", elsewhere)
        ids = (elsewhere.id, loner.id)
    pages = (f"/pundits/{AUTHOR}", f"/questions/{WAR}")
    for path in pages:
        assert reader.get(path).headers[HEADER] == "miss"
        assert reader.get(path).headers[HEADER] == "hit"

    with Session(engine) as session:  # another pundit, another question
        services.log_prediction(
            session,
            ADMIN,
            question_id=ids[0],
            pundit_id=ids[1],
            made_at="2020-01-03",
            probability=0.7,
        )
    for path in pages:
        assert reader.get(path).headers[HEADER] == "hit", path
    assert reader.get("/leaderboard").headers[HEADER] == "miss"  # any write can move it

    with Session(engine) as session:  # a rival on the author's question: peer scores move
        war = session.scalar(select(Question).where(Question.slug == WAR))
        _a_pundit_answering(session, "Rival Rhea", war)
    for path in pages:
        response = reader.get(path)
        assert response.headers[HEADER] == "miss", path
    assert "Rival Rhea" in reader.get(f"/questions/{WAR}").get_data(as_text=True)


def test_a_reader_arriving_while_a_page_is_rendered_gets_the_previous_one_marked(
    as_role, engine, monkeypatch
):
    """While one reader renders a page anew, others are served its previous rendering,
    saying when it is as of, instead of each rendering it again."""
    from web import pagecache

    reader = as_role(None)
    first = reader.get("/leaderboard")
    assert first.headers[HEADER] == "miss"
    assert b"as of" not in first.data
    with Session(engine) as session:
        war = session.scalar(select(Question).where(Question.slug == WAR))
        _a_pundit_answering(session, "Late Lars", war)
    busy = pagecache.threading.Lock()
    busy.acquire()  # another thread of this process is rendering the address
    monkeypatch.setitem(pagecache._computing, "render:/leaderboard?", busy)
    stale = reader.get("/leaderboard")
    assert stale.headers[HEADER] == "stale"
    note = re.search(r"This page shows the registry as of [0-9: -]+ UTC", stale.get_data(True))
    assert note, "the previous page says how old it is"
    assert stale.data.replace(note.group(0).encode(), b"") != first.data  # otherwise the same
    busy.release()
    monkeypatch.delitem(pagecache._computing, "render:/leaderboard?")
    fresh = reader.get("/leaderboard")
    assert fresh.headers[HEADER] == "miss" and b"as of" not in fresh.data


def test_the_api_leaderboard_is_stored_until_a_write(as_role, engine):
    reader = as_role(None)
    path = "/api/v1/leaderboard?per_page=5"
    first, again = reader.get(path), reader.get(path)
    assert (first.headers[HEADER], again.headers[HEADER]) == ("miss", "hit")
    assert again.get_json() == first.get_json()
    with Session(engine) as session:
        war = session.scalar(select(Question).where(Question.slug == WAR))
        _a_pundit_answering(session, "Api Ava", war)
    changed = reader.get(path)
    assert changed.headers[HEADER] == "miss"
    assert changed.get_json()["total"] == first.get_json()["total"] + 1
