"""Reference forecasts: imported from CSV or JSON (every bad cell named, nothing written;
a second import adds only what is new), the value standing at each prediction's made-at
(the median over sources of each one's latest point), and the score against it on the
leaderboard, worked by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from forecasts import scores, services
from forecasts.cli import cli
from forecasts.errors import ValidationError
from forecasts.models import ReferenceForecast
from forecasts.references import add_references

ACTOR = services.Actor.system()


@pytest.fixture
def question(session):
    pundit = services.add_pundit(session, ACTOR, name="Ada Pundit")
    question = services.add_question(
        session,
        ACTOR,
        statement="Will the bill pass by June?",
        resolution_criteria="The official record.",
        resolve_by="2024-06-30",
    )
    for made_at, probability in (("2024-01-10", 0.7), ("2024-03-10", 0.6)):
        services.log_prediction(
            session,
            ACTOR,
            pundit_id=pundit.id,
            question_id=question.id,
            made_at=made_at,
            probability=probability,
        )
    return question


def _points(slug: str) -> list[dict]:
    return [
        {"question": slug, "source": "Market", "time": "2024-01-01", "probability": "80%"},
        {"question": slug, "source": "Market", "time": "2024-03-01T12:00:00Z", "probability": 0.9},
        {
            "question": slug,
            "source": "Panel",
            "time": "2024-02-01",
            "probability": "0.7",
            "url": "https://panel.example.org/q1",
            "licence": "CC BY 4.0",
        },
    ]


def test_the_standing_reference_and_the_score_against_it(session, question):
    report = add_references(session, ACTOR, _points(question.slug))
    assert (report.added, report.already_present) == (3, 0)
    again = add_references(session, ACTOR, _points(question.slug))
    assert (again.added, again.already_present) == (0, 3)
    services.resolve_question(session, ACTOR, question.id, outcome="yes", known_at="2024-06-01")
    frame = scores.prediction_frame(session).sort_values("made_at")
    # 2024-01-10: the market alone (80%); 2024-03-10: market 90% and panel 70%: median 80%
    assert frame["reference"].round(6).tolist() == [0.8, 0.8]
    board = scores.records(scores.leaderboard(session, min_n=1))
    (row,) = board
    # the final forecast, 60% against 80%, happened: 0.16 - 0.04 = 0.12 worse
    assert row["n_reference"] == 1
    assert row["vs_reference_brier"] == pytest.approx(0.16 - 0.04)


def test_a_forecast_before_any_reference_has_none(session, question):
    add_references(
        session,
        ACTOR,
        [{"question": question.slug, "source": "Late", "time": "2024-05-01", "probability": "50%"}],
    )
    frame = scores.prediction_frame(session)
    assert frame["reference"].isna().all()


def test_bad_rows_are_named_and_nothing_is_written(session, question, engine, snapshot_of):
    before = snapshot_of(engine)
    rows = [
        {"question": "no-such-question", "source": "M", "time": "2024-01-01", "probability": "5%"},
        {"question": question.slug, "source": "", "time": "yesterday", "probability": "150%"},
        {
            "question": question.slug,
            "source": "M",
            "time": "2024-01-01",
            "probability": "1",
            "colour": "red",
        },
    ]
    with pytest.raises(ValidationError) as error:
        add_references(session, ACTOR, rows)
    fields = {e.field for e in error.value.errors}
    assert {"line 2, question", "line 3, source", "line 3, time", "line 3, probability"} <= fields
    assert "line 4, colour" in fields and "line 4, probability" in fields
    assert snapshot_of(engine) == before


def test_the_command_imports_csv_and_json_and_a_dry_run_writes_nothing(
    database_url, session, question, tmp_path
):
    csv_file = tmp_path / "market.csv"
    csv_file.write_text(
        "question,source,time,probability,url,licence\n"
        f"{question.slug},Market,2024-01-01,80%,https://m.example.org,terms of use\n"
    )
    json_file = tmp_path / "panel.json"
    json_file.write_text(
        json.dumps(
            [
                {
                    "question": question.slug,
                    "source": "Panel",
                    "time": "2024-02-01",
                    "probability": 0.7,
                }
            ]
        )
    )

    def run(*args):
        return CliRunner().invoke(cli, ["--database-url", database_url, "import", *args])

    dry = run("references", str(csv_file), "--dry-run")
    assert dry.exit_code == 0 and "would add 1 reference point" in dry.output
    assert session.scalar(select(func.count(ReferenceForecast.id))) == 0
    assert "added 1 reference point" in run("references", str(csv_file)).output
    assert "added 1 reference point" in run("references", str(json_file)).output
    assert "nothing to add" in run("references", str(csv_file)).output
    bad = tmp_path / "bad.csv"
    bad.write_text("question,source,when\nx,y,z\n")
    refused = run("references", str(bad))
    assert refused.exit_code == 1 and "has no column time, probability" in refused.output
    wrong = run("predictions", str(csv_file))
    assert wrong.exit_code == 2 and "references FILE" in wrong.output
    session.expire_all()
    assert session.scalar(select(func.count(ReferenceForecast.id))) == 2
    urls = set(session.scalars(select(ReferenceForecast.url)))
    assert urls == {"https://m.example.org", None}
    assert np.isfinite(session.scalar(select(func.max(ReferenceForecast.probability))))


def test_the_question_page_lists_the_references_and_draws_them(database_url, session, question):
    from support import make_test_app

    add_references(session, ACTOR, _points(question.slug))
    app = make_test_app(database_url)
    try:
        page = app.test_client().get(f"/questions/{question.slug}").get_data(as_text=True)
    finally:
        app.extensions["forecasts.engine"].dispose()
    assert '<h2 id="references">Reference forecasts</h2>' in page
    assert "https://panel.example.org/q1" in page and "CC BY 4.0" in page
    assert "<title>Market (reference): 2 points, latest 90%</title>" in page


def test_standing_medians_equal_each_rows_own_lookup():
    """The whole-array lookup of each forecast's standing reference against the
    definition, row by row: per source of the question, its latest point at or before
    the moment; the median of those; NaN where no source had spoken."""
    import numpy as np

    from forecasts.scores import _medians_standing

    rng = np.random.default_rng(3)
    for _ in range(100):
        n_questions = int(rng.integers(1, 6))
        n_points, n_rows = int(rng.integers(1, 30)), int(rng.integers(1, 40))
        point_question = rng.integers(0, n_questions, n_points)
        point_source = rng.choice(np.array(["a", "b", "c"], dtype=object), n_points)
        point_us = rng.integers(0, 50, n_points) * 1000
        point_value = np.round(rng.random(n_points), 2)
        question = rng.integers(0, n_questions + 1, n_rows)
        moment = rng.integers(-5, 55, n_rows) * 1000
        got = _medians_standing(
            question, moment, point_question, point_source, point_us, point_value
        )
        for i in range(n_rows):
            standing = []
            for source in set(point_source[point_question == question[i]]):
                mine = np.flatnonzero(
                    (point_question == question[i])
                    & (point_source == source)
                    & (point_us <= moment[i])
                )
                if len(mine):
                    latest = mine[np.lexsort((mine, point_us[mine]))][-1]
                    standing.append(point_value[latest])
            if standing:
                assert got[i] == pytest.approx(np.median(standing)), i
            else:
                assert np.isnan(got[i]), i
