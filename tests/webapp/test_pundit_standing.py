"""A pundit's page shows the rank, peer Brier and shared questions of their row on the
leaderboard page (the default board), read from the board the leaderboard computed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import scores
from forecasts.models import Pundit
from rival_pundits import (
    add_rivals,
    leaderboard_rows,
    min_n_of,
    peer_cell,
    read_page,
    standing_on_page,
)

AUTHOR = "op-ed-author-iran-us-iraq-2020"


@pytest.fixture
def rivals(engine):
    with Session(engine) as session:
        return add_rivals(session)


def test_each_pundit_page_shows_their_leaderboard_row(as_role, rivals):
    client = as_role(None)
    board_html = client.get("/leaderboard").get_data(as_text=True)
    rows = leaderboard_rows(board_html)
    min_n = min_n_of(board_html)
    ranked = [slug for slug, row in rows.items() if row["list"] == "ranked"]
    # The board under test: three ranked pundits in three places, two not ranked yet.
    assert sorted(int(rows[slug]["Rank"]) for slug in ranked) == [1, 2, 3]
    assert {slug for slug in rows if slug not in ranked} == {AUTHOR, rivals["Newcomer Dan"]}
    assert sorted(peer_cell(rows[slug]["Peer Brier"])[1] for slug in ranked) == [4, 6, 6]

    for slug, row in sorted(rows.items(), key=lambda item: item[1]["list"]):  # ranked first
        page = standing_on_page(client.get(f"/pundits/{slug}").get_data(as_text=True))
        peer_brier, n_peer = peer_cell(row["Peer Brier"])
        assert (page["peer_brier"], page["n_peer"]) == (peer_brier, n_peer), slug
        assert page["n"] == int(row["Scored"]), slug
        assert page["brier"] == row["Brier (95% interval)"].split()[0], slug
        if row["list"] == "ranked":
            assert (page["rank"], page["ranked_pundits"]) == (int(row["Rank"]), len(ranked)), slug
            assert page["not_ranked"] is None, slug
        else:
            assert page["rank"] is None, slug
            assert page["not_ranked"].groups() == (row["Scored"], str(min_n)), slug

    silent = standing_on_page(client.get(f"/pundits/{rivals['Silent Sam']}").get_data(as_text=True))
    assert rivals["Silent Sam"] not in rows
    assert silent["no_scores"] and silent["rank"] is None


def test_the_page_links_to_its_row_on_the_leaderboard_page_that_lists_it(make_app, engine):
    with Session(engine) as session:
        add_rivals(session)
    client = make_app(PAGE_SIZE=1).test_client()  # one row a page: each on a page of its own
    everyone = leaderboard_rows(make_app().test_client().get("/leaderboard").get_data(as_text=True))
    assert len(everyone) == 5
    for slug in everyone:
        (link,) = standing_on_page(client.get(f"/pundits/{slug}").get_data(as_text=True))["links"]
        target = urlsplit(link)
        assert target.fragment == f"pundit-{slug}", link
        listed = client.get(f"{target.path}?{target.query}")
        assert f"pundit-{slug}" in read_page(listed.get_data(as_text=True)).ids, link
        assert slug in leaderboard_rows(listed.get_data(as_text=True)), link


def test_a_warm_leaderboard_serves_every_pundit_page_without_computing_a_board(
    as_role, rivals, monkeypatch
):
    client = as_role(None)
    rows = leaderboard_rows(client.get("/leaderboard").get_data(as_text=True))
    boards = []
    # Every board, from the kept totals or from rows, is made by board_from_statistics.
    computed = scores.board_from_statistics
    monkeypatch.setattr(
        scores, "board_from_statistics", lambda *a, **k: boards.append(a) or computed(*a, **k)
    )
    for slug in rows:
        response = client.get(f"/pundits/{slug}")
        assert response.status_code == 200 and response.headers["X-Page-Cache"] == "miss"
    assert boards == []
    # The count does see a board being computed: a filtered one is another board.
    client.get("/leaderboard?tag=iran&min_n=1")
    assert len(boards) == 1


def test_a_pundit_page_gives_the_corp_decomposition_with_intervals(as_role):
    page = as_role(None).get("/pundits/op-ed-author-iran-us-iraq-2020").get_data(as_text=True)
    assert "Calibration without bins" in page
    assert "Miscalibration" in page and "Discrimination" in page and "95% interval" in page
    assert 'aria-label="Reliability (CORP): said' in page


def test_a_rank_that_moves_renders_the_page_again_but_not_the_record(
    as_role, rivals, engine, monkeypatch
):
    """When only the pundit's place on the board moves (someone else became ranked),
    their page is made again with the new standing, but what it shows of their own
    forecasts (scores, calibration, phrases) is reused, not computed again."""
    from forecasts import services
    from web import pundits

    computed = []
    real = pundits._record
    monkeypatch.setattr(pundits, "_record", lambda *a: computed.append(a) or real(*a))
    client = as_role(None)
    ann = rivals["Accurate Ann"]
    before = standing_on_page(client.get(f"/pundits/{ann}").get_data(as_text=True))
    assert len(computed) == 1
    actor = services.Actor.system("test")
    with Session(engine) as session:  # Dan answers four more questions: now ranked
        dan = session.scalar(select(Pundit).where(Pundit.slug == rivals["Newcomer Dan"]))
        for i in range(4):
            question = services.add_question(
                session,
                actor,
                statement=f"Will Dan's question {i} resolve yes?",
                resolution_criteria=".",
                resolve_by="2020-12-31",
            )
            services.log_prediction(
                session,
                actor,
                question_id=question.id,
                pundit_id=dan.id,
                made_at="2020-01-01",
                probability=0.6,
            )
            services.resolve_question(
                session, actor, question.id, outcome="yes", known_at="2021-01-01"
            )
    response = client.get(f"/pundits/{ann}")
    after = standing_on_page(response.get_data(as_text=True))
    assert response.headers["X-Page-Cache"] == "miss"
    assert after["ranked_pundits"] == before["ranked_pundits"] + 1
    assert len(computed) == 1  # the record under Ann's unchanged stamp was reused
