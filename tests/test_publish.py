"""`forecasts publish`: a static copy whose links all resolve, a valid Atom feed, and data
files that load with pandas and match the database; only public data; the same twice."""

from __future__ import annotations

import filecmp
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from forecasts import scores, services
from forecasts.cli import cli
from forecasts.db import make_engine, make_session_factory
from forecasts.models import Question
from forecasts.seeding import load_seeds
from rival_pundits import add_rivals, leaderboard_rows, min_n_of, peer_cell, standing_on_page
from web import publish as web_publish

ATOM = "{http://www.w3.org/2005/Atom}"
LINK = re.compile(r'(?:href|src)="([^"]*)"')


def _publish_seeds(url: str, outdir: Path) -> tuple[str, Path]:
    """The seeds and an editor with an e-mail address in the registry at ``url``,
    published to ``outdir``."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        load_seeds(session)
        services.create_user(
            session,
            services.Actor.system(),
            name="secret-editor",
            role="editor",
            password="correct horse",
            email="hidden@example.org",
        )
    engine.dispose()
    result = CliRunner().invoke(cli, ["--database-url", url, "publish", str(outdir)])
    assert result.exit_code == 0, result.output
    assert "published 24 pages" in result.output  # 14 of the registry, 10 of the scales
    return url, outdir


@pytest.fixture
def published(database_url, tmp_path):
    """A publish of the test's own: for the tests that change the registry or the copy."""
    return _publish_seeds(database_url, tmp_path / "site")


@pytest.fixture(scope="module")
def published_once(module_database_url, tmp_path_factory):
    """One publish per backend, shared by the tests that only read it."""
    return _publish_seeds(module_database_url, tmp_path_factory.mktemp("published") / "site")


def test_every_internal_link_resolves(published_once):
    _, outdir = published_once
    pages = list(outdir.rglob("*.html"))
    assert len(pages) == 24
    checked = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for link in LINK.findall(html):
            if link.startswith(("http://", "https://", "#", "mailto:")):
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link}"
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(outdir)} links to missing {link}"
            checked += 1
    assert checked > 100


def test_only_public_data(published_once):
    _, outdir = published_once
    everything = "".join(
        p.read_text(encoding="utf-8")
        for p in outdir.rglob("*")
        if p.is_file() and p.suffix != ".css"
    )
    for secret in (
        "secret-editor",
        "hidden@example.org",
        "password",
        "pbkdf2",
        "scrypt",
        "csrf_token",
        "Sign in",
        "/login",
    ):
        assert secret not in everything


def test_feed_is_valid_atom(published_once):
    _, outdir = published_once
    root = ET.parse(outdir / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 6  # four seed resolutions and two automatic annulments
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        for required in ("id", "title", "updated", "author/" + ATOM + "name", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        updated = entry.findtext(f"{ATOM}updated")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", updated)
        href = entry.find(f"{ATOM}link").get("href")
        assert (outdir / href).is_file()


def test_data_files_match_the_database(published_once):
    url, outdir = published_once
    engine = make_engine(url)
    session = make_session_factory(engine)()
    frame = scores.prediction_frame(session)
    csv = pd.read_csv(outdir / "data" / "predictions.csv")
    data = pd.read_json(outdir / "data" / "predictions.json")
    for table in (csv, data):
        assert len(table) == len(frame) == 7
        assert sorted(table["prediction_id"]) == sorted(frame["prediction_id"])
        merged = table.merge(frame, on="prediction_id", suffixes=("", "_db"))
        assert (merged["status"] == merged["status_db"]).all()
        scored = merged[merged["status"] == scores.SCORED]
        assert len(scored) == 4
        assert (scored["brier"] - scored["brier_db"]).abs().max() < 1e-12
    board = scores.records(scores.leaderboard(session))
    assert json.loads((outdir / "data" / "leaderboard.json").read_text()) == board
    assert pd.read_csv(outdir / "data" / "leaderboard.csv")["brier"].tolist() == [
        row["brier"] for row in board
    ]
    session.close()
    engine.dispose()


def test_publishing_twice_gives_the_same_files(published_once, tmp_path):
    url, outdir = published_once
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, ["--database-url", url, "publish", str(again)]).exit_code == 0
    comparison = filecmp.dircmp(outdir, again)
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for sub in ("data", "questions", "pundits", "sources", "static"):
        nested = filecmp.dircmp(outdir / sub, again / sub)
        assert not nested.diff_files and not nested.left_only, sub
    refused = CliRunner().invoke(
        cli, ["--database-url", url, "publish", str(Path(__file__).parent)]
    )
    assert refused.exit_code == 1 and "outdir:" in refused.output


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _site_folders(parent: Path) -> list[str]:
    """The site and any staging or previous copy beside it (the database lives there too)."""
    return sorted(p.name for p in parent.iterdir() if p.is_dir() and "site" in p.name)


def _fail_on_fifth_page(monkeypatch) -> None:
    """Make the fifth page's render raise, after four pages have been written."""
    rendered = []
    real = web_publish._relative_links

    def render(html, here, pages):
        rendered.append(here)
        if len(rendered) == 5:
            raise RuntimeError("render failed midway")
        return real(html, here, pages)

    monkeypatch.setattr(web_publish, "_relative_links", render)


def _add_pundit(url: str, name: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        services.add_pundit(session, services.Actor.system(), name=name)
    engine.dispose()


def test_a_publish_failing_midway_leaves_the_previous_copy_intact(published, monkeypatch):
    url, outdir = published
    _add_pundit(url, "New Pundit")  # a finished publish would change the copy
    before = _files(outdir)
    _fail_on_fifth_page(monkeypatch)
    with pytest.raises(RuntimeError, match="midway"):
        web_publish.publish(url, outdir)
    assert _files(outdir) == before
    assert _site_folders(outdir.parent) == ["site"]  # no staging folder left
    monkeypatch.undo()
    web_publish.publish(url, outdir)
    assert (outdir / "pundits" / "new-pundit.html").is_file()
    assert _site_folders(outdir.parent) == ["site"]  # nor the old copy


def test_a_first_publish_that_fails_leaves_nothing(database_url, session, monkeypatch, tmp_path):
    load_seeds(session)
    _fail_on_fifth_page(monkeypatch)
    with pytest.raises(RuntimeError, match="midway"):
        web_publish.publish(database_url, tmp_path / "site")
    assert _site_folders(tmp_path) == []


def test_a_failed_rename_puts_the_previous_copy_back(published, monkeypatch):
    url, outdir = published
    before = _files(outdir)
    real = os.replace

    def replace(source, target):
        if Path(source).name.startswith(".site.publishing-"):
            raise OSError("rename refused")
        real(source, target)

    monkeypatch.setattr(web_publish.os, "replace", replace)
    with pytest.raises(OSError, match="rename refused"):
        web_publish.publish(url, outdir)
    assert _files(outdir) == before
    assert _site_folders(outdir.parent) == ["site"]


def test_names_the_chart_library_would_read_as_maths_publish(database_url, session, tmp_path):
    load_seeds(session)
    pundit = services.add_pundit(session, services.Actor.system(), name="Cash $\\foo{x}$ Man")
    question = session.scalars(select(Question).order_by(Question.id)).first()
    services.log_prediction(
        session,
        services.Actor.system(),
        question_id=question.id,
        pundit_id=pundit.id,
        made_at="2020-01-01",
        probability=0.4,
    )
    web_publish.publish(database_url, tmp_path / "site")
    page = (tmp_path / "site" / "questions" / f"{question.slug}.html").read_text()
    # the chart's line, titled with the name as typed
    assert "<title>Cash $\\foo{x}$ Man: 1 forecast, latest 40%</title>" in page


def test_published_pundit_pages_show_their_published_leaderboard_row(
    database_url, session, tmp_path, monkeypatch
):
    load_seeds(session)
    rivals = add_rivals(session)
    boards = []
    # Every board, from the kept totals or from rows, is made by board_from_statistics.
    computed = scores.board_from_statistics
    monkeypatch.setattr(
        scores, "board_from_statistics", lambda *a, **k: boards.append(a) or computed(*a, **k)
    )
    web_publish.publish(database_url, tmp_path / "site")
    # One board for the data files, one that the leaderboard and all 6 pundit pages share.
    assert len(boards) == 2
    site = tmp_path / "site"
    board_html = (site / "leaderboard.html").read_text(encoding="utf-8")
    rows = leaderboard_rows(board_html)
    data = {row["pundit"]: row for row in json.loads((site / "data/leaderboard.json").read_text())}
    ranked = [slug for slug, row in rows.items() if row["list"] == "ranked"]
    # The board under test: three ranked pundits in three places, with shared questions.
    assert sorted(int(rows[slug]["Rank"]) for slug in ranked) == [1, 2, 3]
    assert set(rows) == set(data) and rivals["Silent Sam"] not in rows

    for slug, row in sorted(rows.items(), key=lambda item: item[1]["list"]):  # ranked first
        page = standing_on_page((site / "pundits" / f"{slug}.html").read_text(encoding="utf-8"))
        peer_brier, n_peer = peer_cell(row["Peer Brier"])
        assert (page["peer_brier"], page["n_peer"]) == (peer_brier, n_peer), slug
        assert n_peer == data[slug]["n_peer"], slug
        if row["list"] == "ranked":
            assert page["rank"] == int(row["Rank"]) == data[slug]["rank"], slug
            assert page["ranked_pundits"] == len(ranked), slug
        else:
            assert page["rank"] is None and data[slug]["rank"] is None, slug
            assert page["not_ranked"].groups() == (row["Scored"], str(min_n_of(board_html)))
        (link,) = page["links"]
        assert link == f"../leaderboard.html#pundit-{slug}"
    silent = (site / "pundits" / f"{rivals['Silent Sam']}.html").read_text(encoding="utf-8")
    assert standing_on_page(silent)["no_scores"]
