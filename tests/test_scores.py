"""Scores from the registry on SQLite and PostgreSQL: what counts, and that the numbers are
the scoring module's (checked here against sums written out by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecasts import scores, scoring, services
from forecasts.cli import cli
from forecasts.demo import generate_demo
from forecasts.seeding import load_seeds

ADMIN = services.Actor.system("test")


def _question(session, statement, **extra):
    fields = dict(resolution_criteria="Clear criteria.", resolve_by="2021-12-31")
    fields.update(extra)
    return services.add_question(session, ADMIN, statement=statement, **fields)


@pytest.fixture
def registry(session):
    """Two pundits, ann and bob, on shared questions, with every kind of exclusion."""
    ann = services.add_pundit(session, ADMIN, name="Ann")
    bob = services.add_pundit(session, ADMIN, name="Bob")
    q = {
        name: _question(session, f"Will {name} happen?", tags=tags)
        for name, tags in [
            ("rain", ["weather"]),
            ("snow", ["weather"]),
            ("war", ["politics"]),
            ("peace", ["politics"]),
        ]
    }
    q["spread"] = _question(
        session,
        "If war, will it spread?",
        condition_question_id=q["war"].id,
        condition_outcome="yes",
    )
    q["vague"] = _question(session, "Will the vague thing happen?")
    q["cup"] = _question(
        session, "Who wins the cup?", kind="multiple_choice", options=["Red", "Blue", "Draw"]
    )

    def log(pundit, question, p, made="2020-01-01", **extra):
        if isinstance(p, dict):
            extra["distribution"] = p
            p = None
        return services.log_prediction(
            session,
            ADMIN,
            question_id=question.id,
            pundit_id=pundit.id,
            made_at=made,
            probability=p,
            **extra,
        )

    log(ann, q["rain"], 0.8)
    log(ann, q["rain"], 0.9, made="2020-03-01")  # a revision: the final one counts
    log(bob, q["rain"], 0.4)
    log(ann, q["snow"], 0.3)
    log(bob, q["snow"], 0.1)
    log(ann, q["war"], 0.2)
    log(ann, q["spread"], 0.7)  # condition fails: not scored
    log(ann, q["vague"], 0.6)  # annulled: not scored
    log(bob, q["peace"], 0.5, made="2020-07-01")  # made after the outcome: look-ahead
    log(bob, q["peace"], 0.7)
    log(ann, q["cup"], {"Red": 0.5, "Blue": 0.3, "Draw": 0.2})

    def resolve(name, outcome, known="2020-06-30"):
        services.resolve_question(session, ADMIN, q[name].id, outcome=outcome, known_at=known)

    resolve("rain", "yes")
    resolve("snow", "no")
    resolve("war", "no")  # annuls "spread" automatically
    resolve("peace", "yes", known="2020-06-30")
    resolve("cup", "Blue")
    services.annul_question(session, ADMIN, q["vague"].id, reason="Unclear.", known_at="2020-06-30")
    return {"ann": ann, "bob": bob, "q": q}


def test_what_counts_and_why(session, registry):
    frame = scores.prediction_frame(session)
    by_question = frame.groupby("question_slug")["status"].agg(set).to_dict()
    assert by_question["if-war-will-it-spread"] == {scores.CONDITION_NOT_MET}
    assert by_question["will-the-vague-thing-happen"] == {scores.ANNULLED}
    peace = frame[frame["question_slug"] == "will-peace-happen"].set_index("probability")
    assert peace.loc[0.5, "status"] == scores.LOOK_AHEAD
    assert peace.loc[0.7, "status"] == scores.SCORED
    rain = frame[(frame["question_slug"] == "will-rain-happen") & (frame["pundit_slug"] == "ann")]
    assert rain.set_index("probability")["final"].to_dict() == {0.8: False, 0.9: True}


def test_a_frame_of_some_columns_has_the_same_rows_and_scores(session, registry):
    full = scores.prediction_frame(session)
    lean = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
    assert list(lean.columns) == scores.LEADERBOARD_INPUT + scores.SCORE_COLUMNS
    pd.testing.assert_frame_equal(lean, full[list(lean.columns)], check_exact=True)
    pd.testing.assert_frame_equal(
        scores.leaderboard_from(lean, 1), scores.leaderboard_from(full, 1), check_exact=True
    )
    # the score columns come whether named or not; the text not asked for is not read
    few = scores.prediction_frame(session, columns=["quote", "brier"])
    assert list(few.columns) == ["quote", *scores.SCORE_COLUMNS]
    assert few["quote"].tolist() == full["quote"].tolist()
    empty = scores.prediction_frame(
        session, scores.Filters(tag="no-such-tag"), columns=["pundit_slug"]
    )
    assert list(empty.columns) == ["pundit_slug", *scores.SCORE_COLUMNS] and empty.empty
    with pytest.raises(ValueError, match="columns: must be among .* \\(got 'colour'\\)"):
        scores.prediction_frame(session, columns=["colour"])


def test_a_synthetic_registry_s_board_matches_the_scoring_functions(session):
    # Revisions, ties, look-ahead, multiple choice: the board's per-pundit numbers are the
    # scoring package's public functions applied to the frame's final and binary rows.
    generate_demo(session, 30, 60, 11)
    frame = scores.prediction_frame(session)
    board = scores.leaderboard(session, min_n=1).set_index("pundit")
    final = frame[frame["final"]]
    intervals = scoring.bootstrap_mean_intervals(final["brier"], final["pundit_slug"])
    assert board["n"].to_dict() == intervals["n"].to_dict()
    for column, expected in (
        ("brier", "mean"),
        ("brier_ci_low", "ci_low"),
        ("brier_ci_high", "ci_high"),
    ):
        assert board[column].to_dict() == pytest.approx(intervals[expected].to_dict(), abs=1e-14)
    binary = frame[(frame["status"] == scores.SCORED) & (frame["kind"] == "binary")]
    per_pair = scoring.time_averaged_brier_by_group(
        binary.assign(known_at=pd.to_datetime(binary["known_at"])),
        by=["pundit_slug", "question_id"],
    )
    expected = per_pair.groupby("pundit_slug")["time_averaged_brier"].mean()
    assert board["time_averaged_brier"].dropna().to_dict() == pytest.approx(
        expected.to_dict(), abs=1e-14
    )
    assert board["time_averaged_brier"].notna().sum() == len(expected) > 0


def test_leaderboard_numbers_match_hand_worked_sums(session, registry):
    board = scores.leaderboard(session, min_n=1).set_index("pundit")
    # ann's final forecasts: rain 0.9 (yes), snow 0.3 (no), war 0.2 (no), cup Blue 0.3.
    # Brier: (0.1^2, 0.3^2, 0.2^2, multi-category (0.25 + 0.49 + 0.04) / 2 = 0.39)
    ann_brier = [0.01, 0.09, 0.04, 0.39]
    assert board.loc["ann", "n"] == 4
    assert board.loc["ann", "brier"] == pytest.approx(np.mean(ann_brier), abs=1e-12)
    ann_log = [math.log(0.9), math.log(0.7), math.log(0.8), math.log(0.3)]
    assert board.loc["ann", "log_score"] == pytest.approx(np.mean(ann_log), abs=1e-12)
    # bob: rain 0.4 (yes) 0.36, snow 0.1 (no) 0.01, peace 0.7 (yes) 0.09; the look-ahead 0.5
    # on peace is out.
    assert board.loc["bob", "brier"] == pytest.approx((0.36 + 0.01 + 0.09) / 3, abs=1e-12)
    # Peer Brier on the two shared questions: ann - bob on rain and snow, and the reverse.
    ann_peer = ((0.01 - 0.36) + (0.09 - 0.01)) / 2
    assert board.loc["ann", "peer_brier"] == pytest.approx(ann_peer, abs=1e-12)
    assert board.loc["bob", "peer_brier"] == pytest.approx(-ann_peer, abs=1e-12)
    assert board.loc["ann", "n_peer"] == 2
    # Ranks by Brier, lower first (ann 0.1325, bob 0.1533); intervals contain the mean.
    assert list(board.sort_values("rank").index) == ["ann", "bob"]
    for row in board.itertuples():
        assert row.brier_ci_low <= row.brier <= row.brier_ci_high


def test_time_averaged_brier_of_a_revision(session, registry):
    board = scores.leaderboard(session, min_n=1).set_index("pundit")
    # ann on rain: 0.8 from 2020-01-01 (60 days to 2020-03-01), then 0.9 until the outcome
    # was known on 2020-06-30 (121 days); snow and war: one forecast each, standing all along.
    rain = (60 * 0.04 + 121 * 0.01) / 181
    assert board.loc["ann", "time_averaged_brier"] == pytest.approx(
        (rain + 0.09 + 0.04) / 3, abs=1e-12
    )


def test_min_n_filters_and_unranked(session, registry):
    board = scores.leaderboard(session, min_n=4).set_index("pundit")
    assert board.loc["ann", "rank"] == 1 and board["rank"].isna()["bob"]
    weather = scores.leaderboard(session, scores.Filters(tag="weather"), min_n=1)
    assert weather.set_index("pundit")["n"].to_dict() == {"ann": 2, "bob": 2}
    binary = scores.leaderboard(session, scores.Filters(kind="binary"), min_n=1)
    assert binary.set_index("pundit").loc["ann", "n"] == 3
    import datetime as dt

    early = scores.leaderboard(session, scores.Filters(until=dt.date(2020, 2, 1)), min_n=1)
    # ann's revision of 2020-03-01 is outside the range: her 0.8 on rain is final there.
    frame = scores.prediction_frame(session, scores.Filters(until=dt.date(2020, 2, 1)))
    assert frame[
        frame["final"]
        & (frame["question_slug"] == "will-rain-happen")
        & (frame["pundit_slug"] == "ann")
    ]["probability"].tolist() == [0.8]
    assert early.set_index("pundit").loc["ann", "n"] == 4


def test_re_resolution_changes_the_board(session, registry):
    before = scores.leaderboard(session, min_n=1).set_index("pundit")
    services.resolve_question(
        session,
        ADMIN,
        registry["q"]["rain"].id,
        outcome="no",
        known_at="2020-07-01",
        note="Corrected: it was fog.",
    )
    after = scores.leaderboard(session, min_n=1).set_index("pundit")
    # ann's rain forecast 0.9 now scores 0.81 instead of 0.01.
    assert after.loc["ann", "brier"] - before.loc["ann", "brier"] == pytest.approx(0.8 / 4)
    assert list(after.sort_values("rank").index) == ["bob", "ann"]  # the order flips
    # bob's 0.4 scores 0.16 instead of 0.36
    assert after.loc["bob", "brier"] == pytest.approx((0.16 + 0.01 + 0.09) / 3)


def test_phrase_table_and_calibration(session, registry):
    services.log_prediction(
        session,
        ADMIN,
        question_id=registry["q"]["war"].id,
        pundit_id=registry["bob"].id,
        made_at="2020-02-01",
        probability=0.05,
        hedge_phrase="Tiny possibility",
        probability_origin="mapped",
        scale_name="icd-203",
        scale_version="2015",
    )
    frame = scores.prediction_frame(session)
    table = scores.phrase_table(frame).set_index("hedge_phrase")
    lean = scores.prediction_frame(session, columns=scores.PHRASE_INPUT)
    pd.testing.assert_frame_equal(scores.phrase_table(lean).set_index("hedge_phrase"), table)
    assert table.loc["tiny possibility", "n"] == 1
    assert table.loc["tiny possibility", "came_true"] == 0
    # 0 of 1: Wilson's interval from 0 to z^2 / (1 + z^2) = 0.793
    assert table.loc["tiny possibility", "ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert table.loc["tiny possibility", "ci_high"] == pytest.approx(
        1.959963984540054**2 / (1 + 1.959963984540054**2)
    )
    result = scores.calibration(frame[frame["pundit_slug"] == "ann"])
    assert result["table"]["n"].sum() == 3  # ann's final binary forecasts
    assert result["decomposition"].brier == pytest.approx((0.01 + 0.09 + 0.04) / 3)


def test_seed_registry_author_is_scored_but_unranked(session):
    load_seeds(session)
    board = scores.leaderboard(session)
    (row,) = scores.records(board)
    assert row["pundit"] == "op-ed-author-iran-us-iraq-2020"
    assert row["n"] == 4 and row["rank"] is None  # below the minimum of 5: not ranked
    # 0.05 no, 0.5 no, 0.9 no, 0.9 yes
    assert row["brier"] == pytest.approx((0.0025 + 0.25 + 0.81 + 0.01) / 4)
    phrases = scores.phrase_table(scores.prediction_frame(session))
    assert "tiny possibility" in set(phrases["hedge_phrase"])


def test_a_pundits_standing_is_their_row_and_place_on_the_whole_board(session):
    generate_demo(session, 30, 60, 11)
    frame = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
    min_n = int(scores.leaderboard_from(frame, 1)["n"].median())
    board = scores.leaderboard_from(frame, min_n)
    ranked, unranked = scores.board_lists(board)
    assert len(ranked) and len(unranked)  # both lists, so both places are checked
    numbers = [name for name in scores.LEADERBOARD_COLUMNS if name not in ("pundit", "name")]
    for listed in (ranked, unranked):
        for place, row in enumerate(scores.records(listed), start=1):
            standing = scores.pundit_standing(board, row["pundit"], min_n)
            assert standing.place == place, row["pundit"]
            assert {name: getattr(standing, name) for name in numbers} == {
                name: row[name] for name in numbers
            }
            assert standing.as_dict()["ranked_pundits"] == len(ranked)
            assert standing.as_dict()["min_n"] == min_n
    # The page of one pundit alone would rank them first and find no shared question.
    last = scores.records(ranked)[-1]
    assert last["rank"] > 1 and last["n_peer"] > 0
    nobody = scores.pundit_standing(board, "no-such-pundit", min_n)
    assert (nobody.rank, nobody.n, nobody.n_peer, nobody.place) == (None, 0, 0, None)


def test_the_board_says_what_a_pundit_adds_and_how_sure_each_rank_is(session):
    generate_demo(session, 30, 60, 11)
    frame = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
    board = scores.leaderboard_from(frame, 3).set_index("pundit")
    final = frame[frame["final"].to_numpy(dtype=bool)]
    adjusted = scoring.adjusted_scores(
        final["brier"], final["pundit_slug"], final["question_id"], n_resamples=0
    ).set_index("pundit")
    shrunk = scoring.shrunk_means(final["brier"], final["pundit_slug"]).set_index("pundit")
    np.testing.assert_allclose(board["adjusted_brier"], adjusted["adjusted"][board.index])
    np.testing.assert_allclose(board["shrunk_brier"], shrunk["shrunk"][board.index])
    ranked = board[board["rank"].notna()]
    assert (ranked["rank_low"] <= ranked["rank"]).all()
    assert (ranked["rank"] <= ranked["rank_high"]).all()
    assert ranked["rank_high"].max() <= len(ranked)
    # the rank interval is what the intervals allow: a pundit whose interval lies wholly
    # below another's is ranked ahead at worst
    for slug, row in ranked.iterrows():
        clearly_better = (ranked["brier_ci_high"] < row["brier_ci_low"]).sum()
        assert row["rank_low"] == clearly_better + 1, slug
    assert board[board["rank"].isna()]["rank_low"].isna().all()


def test_repeated_forecasts_weigh_one_question_once(session, registry):
    # ann's revisions on one question weigh as much together as one forecast elsewhere
    board = scores.leaderboard(session, min_n=1).set_index("pundit")
    frame = scores.prediction_frame(session)
    scored = frame[frame["status"] == scores.SCORED]
    ann = scored[scored["pundit_slug"] == "ann"]
    assert ann["question_id"].duplicated().any()  # ann revised one forecast
    per_question = ann.groupby("question_id")["brier"].mean()
    assert board.loc["ann", "weighted_brier"] == pytest.approx(per_question.mean())
    assert board.loc["ann", "weighted_brier"] != pytest.approx(ann["brier"].mean())


def test_equal_means_share_a_rank_whatever_the_last_bits_of_the_float():
    frame = pd.DataFrame(
        {
            "pundit_id": [1, 1, 2, 2],
            "pundit_slug": ["a", "a", "b", "b"],
            "pundit_name": ["A", "A", "B", "B"],
            "question_id": [1, 2, 1, 2],
            "kind": "binary",
            "made_at": pd.Timestamp("2020-01-01", tz="UTC"),
            "probability": 0.5,
            "known_at": pd.Timestamp("2020-06-01").date(),
            "status": scores.SCORED,
            "outcome": 1,
            "brier": [0.1, 0.2, 0.15, 0.15],  # means 0.15000000000000002 and 0.15
            "log_score": -0.5,
            "final": True,
        }
    )
    board = scores.leaderboard_from(frame, 1)
    assert board["brier"][0] != board["brier"][1]
    assert board["rank"].tolist() == [1, 1]


def test_standing_places_follow_the_leaderboard_order_through_ties():
    # Sorted as leaderboard_from sorts (Brier, then slug); two ranked pundits tie on
    # Brier (one rank, slug order), two unranked ones on n (slug order after the larger).
    board = pd.DataFrame(
        {
            "rank": pd.array([1, 2, 2, None, None, None, 4], dtype="Int64"),
            "pundit": ["ann", "bob", "cat", "dan", "eve", "fay", "gus"],
            "name": ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus"],
            "n": [5, 6, 5, 2, 4, 2, 9],
            "brier": [0.1, 0.2, 0.2, 0.25, 0.3, 0.3, 0.4],
        }
    ).reindex(columns=scores.LEADERBOARD_COLUMNS)
    places = {slug: scores.pundit_standing(board, slug, 5).place for slug in board["pundit"]}
    assert places == {"ann": 1, "bob": 2, "cat": 3, "gus": 4, "eve": 1, "dan": 2, "fay": 3}
    ranked, unranked = scores.board_lists(board)
    assert list(ranked["pundit"]) == ["ann", "bob", "cat", "gus"]
    assert list(unranked["pundit"]) == ["eve", "dan", "fay"]


def test_leaderboard_command_outputs(database_url, session):
    load_seeds(session)
    runner = CliRunner()
    result = runner.invoke(cli, ["--database-url", database_url, "leaderboard", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    (row,) = json.loads(result.output)
    assert row["rank"] is None and row["n"] == 4
    assert set(row) >= {
        "pundit",
        "rank",
        "n",
        "brier",
        "brier_ci_low",
        "brier_ci_high",
        "log_score",
        "peer_brier",
    }
    csv = runner.invoke(
        cli, ["--database-url", database_url, "leaderboard", "--format", "csv", "--min-n", "1"]
    )
    assert csv.output.splitlines()[1].startswith("1,op-ed-author-iran-us-iraq-2020,")
    bad = runner.invoke(cli, ["--database-url", database_url, "leaderboard", "--since", "May"])
    assert bad.exit_code == 1 and "since: must be a date as YYYY-MM-DD" in bad.output
