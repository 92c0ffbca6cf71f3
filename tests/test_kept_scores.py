"""Kept scores equal scores computed from scratch, after every kind of write, on SQLite
and PostgreSQL: random sequences of writes drive the registry, and after each the kept
rows are compared with a fresh computation (``kept.verify``) and the board read from
them with the board computed from the rows."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from sqlalchemy import select

from forecasts import claims, kept, scores, services
from forecasts.errors import RegistryError
from forecasts.models import Prediction, PredictionScore, Pundit, PunditScore, Question
from forecasts.references import add_references

ADMIN = services.Actor.system("test")


def _board_from_rows(session) -> pd.DataFrame:
    frame = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
    return scores.leaderboard_from(frame, min_n=1, claims=claims.claim_counts(session))


def _assert_kept(session, done=()) -> None:
    assert kept.verify(session) == [], f"after {list(done)}"
    expected = _board_from_rows(session)
    pd.testing.assert_frame_equal(scores.leaderboard(session, min_n=1), expected)
    # The kept glyphs are the calibration glyphs computed from the rows.
    found = kept.kept_board(session, min_n=1)
    if found is not None:
        frame = scores.prediction_frame(session, columns=scores.LEADERBOARD_INPUT)
        slugs = list(expected["pundit"])
        computed = scores.calibration_by_pundit(frame, slugs)
        for slug in slugs:
            glyph = kept.glyphs_of(found.glyphs.get(slug, ""))
            if computed[slug] is None:
                assert glyph is None, slug
            else:
                assert pd.DataFrame(glyph["bins"]).to_numpy() == pytest.approx(
                    pd.DataFrame(computed[slug]["bins"]).to_numpy()
                ), slug


def _question(session, rng, i, **extra):
    return services.add_question(
        session,
        ADMIN,
        statement=f"Question {i}: will thing {i} happen?",
        resolution_criteria="It happens.",
        resolve_by="2021-12-31",
        **extra,
    )


def _write(session, rng: random.Random, step: int) -> str:
    """One random write of a random kind; refusals are part of the game."""
    pundits = list(session.scalars(select(Pundit)))
    questions = list(session.scalars(select(Question)))
    predictions = list(session.scalars(select(Prediction)))
    kind = rng.choice(
        [
            "log",
            "log",
            "log",
            "resolve",
            "annul",
            "correct",
            "retract",
            "restore",
            "merge_pundits",
            "merge_questions",
            "edit_deadline",
            "reference",
            "conditional",
            "claim",
        ]
    )
    try:
        if kind == "log" and pundits and questions:
            question = rng.choice(questions)
            if question.kind != "binary":
                return "skip"
            services.log_prediction(
                session,
                ADMIN,
                question_id=question.id,
                pundit_id=rng.choice(pundits).id,
                made_at=f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                probability=round(rng.random(), 3),
            )
        elif kind in ("resolve", "annul") and questions:
            question = rng.choice(questions)
            known = f"2021-{rng.randint(1, 12):02d}-15"
            if kind == "resolve":
                services.resolve_question(
                    session, ADMIN, question.id, outcome=rng.choice(["yes", "no"]), known_at=known
                )
            else:
                services.annul_question(session, ADMIN, question.id, reason="void", known_at=known)
        elif kind == "correct" and predictions:
            p = rng.choice(predictions)
            services.correct_prediction(
                session,
                ADMIN,
                p.id,
                expected_version=p.version,
                reason="fix",
                changes={"probability": round(rng.random(), 3)},
            )
        elif kind in ("retract", "restore") and predictions:
            p = rng.choice(predictions)
            action = (
                services.retract_prediction if kind == "retract" else services.restore_prediction
            )
            action(session, ADMIN, p.id, expected_version=p.version, reason="why")
        elif kind == "merge_pundits" and len(pundits) > 2:
            a, b = rng.sample(pundits, 2)
            services.merge_pundits(session, ADMIN, a.id, into_id=b.id, expected_version=a.version)
        elif kind == "merge_questions" and len(questions) > 2:
            a, b = rng.sample(questions, 2)
            services.merge_questions(session, ADMIN, a.id, into_id=b.id, expected_version=a.version)
        elif kind == "edit_deadline" and questions:
            q = rng.choice(questions)
            services.edit_question(
                session,
                ADMIN,
                q.id,
                expected_version=q.version,
                statement=q.statement,
                resolution_criteria=q.resolution_criteria,
                resolve_by=rng.choice(["2021-12-31", "2020-06-30", ""]) or None,
                condition_question_id=q.condition_question_id,
                condition_outcome=q.condition_outcome,
            )
        elif kind == "reference" and questions:
            q = rng.choice(questions)
            add_references(
                session,
                ADMIN,
                [
                    {
                        "question": q.slug,
                        "source": "A market",
                        "time": f"2020-0{rng.randint(1, 9)}-01",
                        "probability": f"{rng.randint(1, 99)}%",
                    }
                ],
            )
        elif kind == "conditional" and questions:
            condition = rng.choice(questions)
            _question(
                session,
                rng,
                1000 + step,
                condition_question_id=condition.id,
                condition_outcome=rng.choice(["yes", "no"]),
            )
        elif kind == "claim" and pundits:
            services.log_unscorable_claim(
                session,
                ADMIN,
                pundit_id=rng.choice(pundits).id,
                made_at="2020-05-01",
                reason="no_deadline",
                quote="It will all end badly.",
            )
        else:
            return "skip"
    except RegistryError:
        session.rollback()
        return f"{kind} refused"
    return kind


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_scores_follow_random_writes(session, seed):
    rng = random.Random(seed)
    for i in range(4):
        services.add_pundit(session, ADMIN, name=f"Pundit {i}")
    for i in range(5):
        _question(session, rng, i)
    done = []
    for step in range(40):
        done.append(_write(session, rng, step))
        _assert_kept(session, done)
    assert session.scalar(select(PredictionScore.prediction_id).limit(1)) is not None
    kinds = {d for d in done if d != "skip" and not d.endswith("refused")}
    assert {"log", "resolve", "correct"} <= kinds, done


def test_verify_names_a_kept_row_that_went_wrong(session):
    pundit = services.add_pundit(session, ADMIN, name="Jane")
    question = _question(session, random.Random(0), 0)
    prediction = services.log_prediction(
        session,
        ADMIN,
        question_id=question.id,
        pundit_id=pundit.id,
        made_at="2020-01-01",
        probability=0.3,
    )
    services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at="2021-01-01")
    assert kept.verify(session) == []
    row = session.get(PredictionScore, prediction.id)
    row.brier = 0.5  # a copy that drifted (written behind the registry's back)
    session.flush()
    problems = kept.verify(session)
    assert problems == [f"prediction {prediction.id}: brier kept 0.5, computed 0.49"]
    session.rollback()
    totals = session.get(PunditScore, pundit.id)
    totals.n_peer = 3
    session.flush()
    assert kept.verify(session) == [f"pundit {pundit.id}: n_peer kept 3, computed 0"]
    session.rollback()


def test_the_adjusted_scores_are_shown_as_of_their_fit_until_refitted(session):
    rng = random.Random(5)
    pundits = [services.add_pundit(session, ADMIN, name=f"P{i}") for i in range(3)]
    questions = [_question(session, rng, i) for i in range(4)]
    for question in questions:
        for pundit in pundits:
            services.log_prediction(
                session,
                ADMIN,
                question_id=question.id,
                pundit_id=pundit.id,
                made_at="2020-03-01",
                probability=round(rng.random(), 2),
            )
        services.resolve_question(session, ADMIN, question.id, outcome="yes", known_at="2021-01-01")
    first = kept.kept_board(session, min_n=1)
    assert first.adjusted_stale and first.adjusted_as_of is None
    assert first.board["adjusted_brier"].isna().all()
    assert kept.refit(session)
    session.commit()
    fitted = kept.kept_board(session, min_n=1)
    assert not fitted.adjusted_stale and fitted.adjusted_as_of is not None
    pd.testing.assert_frame_equal(fitted.board, _board_from_rows(session))
    assert not kept.refit(session)  # nothing changed since
    # A new forecast: the totals follow at once, the fit is as of before it.
    services.log_prediction(
        session,
        ADMIN,
        question_id=questions[0].id,
        pundit_id=pundits[0].id,
        made_at="2020-04-01",
        probability=0.99,
    )
    after = kept.kept_board(session, min_n=1)
    assert after.adjusted_stale and after.adjusted_as_of == fitted.adjusted_as_of
    expected = _board_from_rows(session)
    assert after.board["brier"].tolist() == pytest.approx(expected["brier"].tolist())
    assert after.board["adjusted_brier"].tolist() != pytest.approx(
        expected["adjusted_brier"].tolist()
    )
    pd.testing.assert_frame_equal(scores.leaderboard(session, min_n=1), expected)


def test_an_import_and_a_demo_keep_their_scores(session):
    from pathlib import Path

    from forecasts.demo import generate_demo
    from forecasts.transfer.importing import import_file

    import_file(session, Path("docs/sample-import.csv"), actor=ADMIN)
    assert session.scalar(select(PredictionScore.prediction_id).limit(1)) is not None
    _assert_kept(session)
    generate_demo(session, 30, 60, seed=3, allow_mixed=True)
    _assert_kept(session)
