"""``forecasts import --from PLATFORM``: each adapter imports its sample in docs/samples
(SQLite and PostgreSQL) and a generated file of 100,000 forecasts in its platform's
format (SQLite), and the registry's Brier scores equal a computation straight from the
file with pandas; a newer dump adds only what is new; bad files are refused naming the
row and the field, and change nothing."""

from __future__ import annotations

import ast
import importlib.util
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from forecasts import scores, services
from forecasts.cli import cli
from forecasts.models import Prediction, Pundit, Question, ReferenceForecast, Resolution
from forecasts.transfer import ImportRefused, import_file
from forecasts.transfer.platforms import Options

ADMIN = services.Actor.system("test-admin")
SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"
SAMPLE = {
    "predictionbook": SAMPLES / "predictionbook.json",
    "fatebook": SAMPLES / "fatebook.csv",
    "metaculus": SAMPLES / "metaculus",
    "manifold": SAMPLES / "manifold.json",
}
_spec = importlib.util.spec_from_file_location(
    "platform_files", Path(__file__).with_name("platform_files.py")
)
platform_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(platform_files)


# ------------------------------------------------------------ independent computation


def _day(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values), utc=True, format="ISO8601").dt.floor("D")


def expected_briers(platform: str, path: Path, timezone: str = "UTC") -> pd.DataFrame:
    """(handle, brier) of every forecast the registry should score, from the file alone:
    resolved yes or no, made before the day the outcome was known."""
    if platform == "predictionbook":
        data = json.loads(path.read_text())
        rows = []
        for p in data:
            judgements = p.get("judgements") or []
            known = max((j["created_at"] for j in judgements), default=p["updated_at"])
            for r in p["responses"]:
                rows.append(
                    (
                        r["user_label"],
                        p["id"],
                        r["created_at"],
                        r["confidence"],
                        p["outcome"],
                        p["withdrawn"],
                        known,
                    )
                )
        frame = pd.DataFrame(
            rows, columns=["handle", "q", "made", "confidence", "outcome", "withdrawn", "known"]
        )
        frame = frame[frame.confidence.notna() & frame.outcome.notna() & ~frame.withdrawn]
        p, o = frame.confidence.astype(float) / 100, frame.outcome.astype(float)
        made, known = _day(frame.made), _day(frame.known)
    elif platform == "fatebook":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = frame[frame["Resolution"].isin(["YES", "NO"])]
        frame["handle"] = frame["Forecast created by"]
        frame["q"] = frame["Question title"] + frame["Multiple choice option"]

        def local(column):
            parts = frame[column].str.extract(r"(.*):(\d+)$")
            text = parts[0] + ":" + parts[1].str.zfill(2)
            moments = pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S")
            return moments.dt.tz_localize(timezone).dt.tz_convert("UTC").dt.floor("D")

        p = frame["Forecast (scale = 0-1)"].astype(float)
        o = (frame["Resolution"] == "YES").astype(float)
        made, known = local("Forecast created at"), local("Resolved at")
        frame["made"] = made
    elif platform == "metaculus":
        questions = pd.read_csv(path / "question_data.csv", dtype=str, keep_default_na=False)
        forecasts = pd.read_csv(path / "forecast_data.csv", dtype=str, keep_default_na=False)
        resolved = ~questions["Resolution"].isin(["", "annulled", "ambiguous"])
        questions = questions[
            questions["Question Type"].isin(["binary", "multiple_choice"]) & resolved
        ]
        frame = forecasts[forecasts["Forecaster ID"] != ""].merge(
            questions, on="Question ID", how="inner"
        )
        frame["handle"], frame["q"] = frame["Forecaster Username"], frame["Question ID"]
        frame["made"] = frame["Start Time"]
        binary = frame["Question Type"] == "binary"
        p = pd.to_numeric(frame["Probability Yes"], errors="coerce")
        o = (frame["Resolution"] == "yes").astype(float)
        # Multiple choice: the registry's Brier score over the options, half the sum of
        # (p_k - o_k)^2 (on the binary score's 0-1 range), written here as (p - o)^2 with
        # p = its square root and o = 0.
        multi = [
            np.sqrt(
                0.5
                * sum(
                    ((value or 0) - (label == outcome)) ** 2
                    for label, value in zip(
                        ast.literal_eval(labels), ast.literal_eval(values), strict=True
                    )
                )
            )
            for labels, values, outcome in zip(
                frame.loc[~binary, "MC Options (All)"],
                frame.loc[~binary, "Probability Yes Per Category"],
                frame.loc[~binary, "Resolution"],
                strict=True,
            )
        ]
        p[~binary], o[~binary] = multi, 0.0
        made, known = _day(frame["Start Time"]), _day(frame["Resolution Known Time"])
    else:
        data = json.loads(path.read_text())
        markets = pd.DataFrame(data["markets"])
        markets = markets[
            (markets.outcomeType == "BINARY") & markets.resolution.isin(["YES", "NO"])
        ]
        bets = pd.DataFrame(data["bets"])
        for flag in ("isRedemption", "isAnte", "isLiquidityProvision"):
            flagged = bets[flag].fillna(False).astype(bool) if flag in bets else False
            bets = bets[~flagged] if flag in bets else bets
        bets = bets[(bets.shares.fillna(0) != 0) | (bets.amount.fillna(0) != 0)]
        bets = bets.rename(columns={"createdTime": "made_ms"})
        markets = markets[["id", "resolution", "resolutionTime"]]
        frame = bets.merge(markets, left_on="contractId", right_on="id", how="inner")
        frame["handle"], frame["q"], frame["made"] = (
            frame.userUsername,
            frame.contractId,
            frame.made_ms,
        )
        p = frame.probAfter.astype(float)
        o = (frame.resolution == "YES").astype(float)
        made = pd.to_datetime(frame.made_ms, unit="ms", utc=True).dt.floor("D")
        known = pd.to_datetime(frame.resolutionTime, unit="ms", utc=True).dt.floor("D")
    scored = pd.DataFrame(
        {
            "handle": frame["handle"].to_numpy(),
            "q": frame["q"].astype(str).to_numpy(),
            "made": frame["made"].astype(str).to_numpy(),
            "p": p.to_numpy(),
            "brier": ((p.to_numpy() - o.to_numpy()) ** 2),
            "keep": made.to_numpy() < known.to_numpy(),
        }
    )
    # The registry counts a repeated forecast (same pundit, question, moment, number) once.
    scored = scored[scored.keep].drop_duplicates(["handle", "q", "made", "p"])
    return scored[["handle", "brier"]]


def registry_briers(session) -> pd.DataFrame:
    frame = scores.prediction_frame(session)
    frame = frame[frame.status == scores.SCORED]
    handles = dict(session.execute(select(Pundit.slug, Pundit.platform_handle)).tuples().all())
    return pd.DataFrame({"handle": frame.pundit_slug.map(handles), "brier": frame.brier})


def assert_same_scores(session, platform: str, path: Path, timezone: str = "UTC") -> int:
    got, want = registry_briers(session), expected_briers(platform, path, timezone)
    assert len(got) == len(want) > 0
    np.testing.assert_allclose(np.sort(got.brier), np.sort(want.brier), rtol=0, atol=1e-12)
    by_pundit = got.groupby("handle").brier.mean()
    expected = want.groupby("handle").brier.mean()
    pd.testing.assert_series_equal(
        by_pundit.sort_index(), expected.sort_index(), check_names=False, atol=1e-12
    )
    return len(got)


def counts(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Pundit, Question, Prediction, Resolution, ReferenceForecast)
    }


# --------------------------------------------------------------------------- samples


@pytest.mark.parametrize("platform", list(SAMPLE))
def test_each_sample_imports_scores_as_the_file_says_and_again_adds_nothing(session, platform):
    timezone = "Europe/Lisbon" if platform == "fatebook" else None
    report = import_file(
        session,
        SAMPLE[platform],
        actor=ADMIN,
        platform=platform,
        options=Options(timezone=timezone),
    )
    assert report.platform == platform and report.added["predictions"] > 0
    assert report.origins and all(count > 0 for count in report.skipped.values())
    before = counts(session)
    # Every pundit and question carries its provenance.
    assert set(session.scalars(select(Pundit.platform))) == {platform}
    assert set(session.scalars(select(Question.platform))) == {platform}
    assert None not in set(session.scalars(select(Question.platform_id)))
    assert_same_scores(session, platform, SAMPLE[platform], timezone or "UTC")
    again = import_file(
        session,
        SAMPLE[platform],
        actor=ADMIN,
        platform=platform,
        options=Options(timezone=timezone),
    )
    assert not again.changed and again.already_present == report.added["predictions"]
    assert counts(session) == before


def test_predictionbook_sample_mapping(session):
    report = import_file(session, SAMPLE["predictionbook"], actor=ADMIN, platform="predictionbook")
    assert report.skipped == {"responses with no confidence (a comment alone)": 1}
    assert report.late == 1  # cyd's forecast after the deadline, before the judgement
    # Two predictions word one statement: two questions, with opposite outcomes.
    snow = session.scalars(
        select(Question).where(
            Question.statement == "It will snow in the capital on New Year's Day"
        )
    ).all()
    assert sorted(q.platform_id for q in snow) == ["9102", "9103"]
    assert sorted(q.standing_resolution.outcome for q in snow) == ["no", "yes"]
    withdrawn = session.scalar(select(Question).where(Question.platform_id == "9104"))
    assert withdrawn.standing_resolution.outcome == "annulled"
    assert "withdrawn" in withdrawn.standing_resolution.note
    assert withdrawn.platform_url == "https://predictionbook.com/predictions/9104"
    assert all(q.resolution_criteria == "" for q in session.scalars(select(Question)))
    one_percent = session.scalar(select(Prediction).where(Prediction.quote.like("One percent%")))
    assert one_percent.probability == 0.01  # an integer percent: 1 is 1%, not certainty
    ada = session.scalar(select(Pundit).where(Pundit.platform_handle == "ada"))
    assert (ada.name, ada.platform) == ("ada", "predictionbook")


def test_fatebook_sample_mapping(session):
    report = import_file(
        session,
        SAMPLE["fatebook"],
        actor=ADMIN,
        platform="fatebook",
        options=Options(timezone="Europe/Lisbon"),
    )
    assert report.late == 1
    # 09:07:5 in Lisbon (winter: UTC+0) and 14:30:12 in summer time (UTC+1).
    made = sorted(p.made_at.isoformat() for p in session.scalars(select(Prediction)))
    assert "2024-03-05T09:07:05+00:00" in made
    assert "2024-07-01T07:15:44+00:00" in made
    picnic = session.scalar(select(Question).where(Question.statement.like("Will it rain%")))
    assert picnic.standing_resolution.outcome == "annulled"
    assert "AMBIGUOUS" in picnic.standing_resolution.note
    # Multiple-choice options, summing to 0.9, are one binary question each.
    offsite = session.scalars(
        select(Question).where(Question.statement.like("Which city hosts the offsite?:%"))
    ).all()
    assert sorted(q.statement.split(": ")[1] for q in offsite) == ["Berlin", "Lisbon", "Tallinn"]
    assert {q.kind for q in offsite} == {"binary"}


def test_metaculus_sample_mapping_from_its_zip(session, tmp_path):
    archive = tmp_path / "metaculus-download.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("README.md", "question_data.csv", "forecast_data.csv"):
            out.write(SAMPLE["metaculus"] / name, f"download/{name}")
    report = import_file(session, archive, actor=ADMIN, platform="metaculus")
    assert report.skipped == {
        "numeric questions (not yes/no or options)": 1,
        "forecasts on the questions skipped": 1,
        "aggregate forecasts on multiple-choice questions": 1,
    }
    assert report.references == 3
    sources = set(session.scalars(select(ReferenceForecast.source)))
    assert sources == {"Metaculus recency_weighted"}
    assert not session.scalar(select(Pundit).where(Pundit.name == "recency_weighted"))
    long = session.scalar(select(Question).where(Question.platform_id == "7003"))
    assert len(long.statement) > 500 and long.standing_resolution.outcome == "annulled"
    # The same title on two Metaculus questions: two questions.
    bridges = session.scalars(select(Question).where(Question.statement.like("Will the harbour%")))
    assert sorted(q.platform_id for q in bridges) == ["7001", "7005"]
    notes = [p.note for p in session.scalars(select(Prediction)) if p.note]
    assert notes == ["withdrawn (or expired) on Metaculus at 2024-04-01 00:00:00+00:00"]
    party = session.scalar(select(Question).where(Question.platform_id == "7002"))
    assert party.option_labels() == ["Blue", "Green", "Red"]
    assert party.standing_resolution.outcome_label == "Green"


def test_manifold_sample_mapping(session):
    report = import_file(session, SAMPLE["manifold"], actor=ADMIN, platform="manifold")
    assert report.skipped["redemptions (automatic, not a trader's choice)"] == 1
    assert report.skipped["limit orders that filled nothing (no trade)"] == 1
    assert report.skipped["pseudo_numeric markets (not yes/no)"] == 1
    ivy = session.scalars(
        select(Prediction.probability).join(Pundit).where(Pundit.platform_handle == "Ivy")
    ).all()
    assert sorted(ivy) == [0.4, 0.6, 0.62, 0.8]  # each trade's probAfter
    ferry = session.scalar(select(Question).where(Question.platform_id == "mSample02"))
    assert ferry.standing_resolution.outcome == "annulled"
    assert "MKT at 40%" in ferry.standing_resolution.note
    cancelled = session.scalar(select(Question).where(Question.platform_id == "mSample03"))
    assert "N/A" in cancelled.standing_resolution.note
    library = session.scalar(select(Question).where(Question.platform_id == "mSample01"))
    assert library.resolution_criteria.startswith("Resolves YES")
    assert session.scalar(select(func.count()).select_from(ReferenceForecast)) == report.references


def test_a_newer_dump_adds_only_what_is_new(session, tmp_path):
    data = json.loads(SAMPLE["manifold"].read_text())
    older = tmp_path / "older.json"
    older.write_text(json.dumps({"markets": data["markets"], "bets": data["bets"][:6]}))
    first = import_file(session, older, actor=ADMIN, platform="manifold")
    newer = import_file(session, SAMPLE["manifold"], actor=ADMIN, platform="manifold")
    assert newer.already_present == first.added["predictions"]
    # The bake sale and the bridge markets' first trades, and Rook, are new.
    assert (newer.added["questions"], newer.added["pundits"]) == (2, 1)
    assert first.added["predictions"] + newer.added["predictions"] == 8
    assert newer.references_present == first.references


def test_the_command_line_reports_what_came_from_where(database_url):
    result = CliRunner().invoke(
        cli,
        [
            "--database-url",
            database_url,
            "import",
            "--from",
            "predictionbook",
            str(SAMPLE["predictionbook"]),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "from predictionbook.json: 5 PredictionBook predictions" in result.output
    assert "skipped 1: responses with no confidence" in result.output
    assert "judged late" in result.output


# ------------------------------------------------------------------------ bad files


def _bad_predictionbook(tmp_path):
    data = json.loads(SAMPLE["predictionbook"].read_text())
    data[1]["responses"][0]["confidence"] = 150
    path = tmp_path / "pb.json"
    path.write_text(json.dumps(data))
    return path, "line 2, column prediction 9102, response 1: confidence, value '150'"


def _bad_fatebook(tmp_path):
    lines = SAMPLE["fatebook"].read_text().splitlines()
    lines[3] = lines[3].replace("2024-03-07 8:5:9", "7 March")
    path = tmp_path / "fb.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, "line 4, column Forecast created at, value '7 March'"


def _bad_metaculus(tmp_path):
    folder = tmp_path / "mc"
    folder.mkdir()
    (folder / "question_data.csv").write_text(
        (SAMPLE["metaculus"] / "question_data.csv").read_text()
    )
    text = (SAMPLE["metaculus"] / "forecast_data.csv").read_text().replace(",0.75,", ",1.75,")
    (folder / "forecast_data.csv").write_text(text)
    return folder, "line 3, column probability, value '1.75'"


def _bad_manifold(tmp_path):
    data = json.loads(SAMPLE["manifold"].read_text())
    data["bets"][4]["probAfter"] = "high"
    path = tmp_path / "mf.json"
    path.write_text(json.dumps(data))
    return path, "line 5, column bet b005: probAfter, value 'high'"


@pytest.mark.parametrize("platform", list(SAMPLE))
def test_a_bad_file_is_refused_naming_row_and_field_and_changes_nothing(
    session, tmp_path, platform
):
    path, where = globals()[f"_bad_{platform}"](tmp_path)
    before = counts(session)
    with pytest.raises(ImportRefused) as refused:
        import_file(session, path, actor=ADMIN, platform=platform)
    assert any(line.startswith(where) for line in refused.value.report_lines()), (
        refused.value.report_lines()
    )
    session.rollback()
    assert counts(session) == before


def test_a_file_not_in_the_platforms_format_is_refused(session, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(Exception, match="not a Fatebook export: no column 'Question title'"):
        import_file(session, path, actor=ADMIN, platform="fatebook")
    with pytest.raises(Exception, match="not a Metaculus data download: no question_data.csv"):
        import_file(session, path, actor=ADMIN, platform="metaculus")
    assert counts(session) == dict.fromkeys(counts(session), 0)


# ------------------------------------------------------------------ 100,000 forecasts


@pytest.mark.parametrize("platform", list(SAMPLE))
def test_a_generated_file_of_100000_forecasts_scores_as_the_file_says(
    sqlite_session, tmp_path, platform
):
    suffix = {"fatebook": ".csv", "metaculus": ""}.get(platform, ".json")
    path = platform_files.write(platform, tmp_path / f"{platform}{suffix}", 100_000)
    report = import_file(sqlite_session, path, actor=ADMIN, platform=platform)
    assert report.added["predictions"] > 50_000
    scored = assert_same_scores(sqlite_session, platform, path)
    assert scored > 30_000


@pytest.fixture
def sqlite_session(tmp_path, sqlite_template):
    import shutil

    from forecasts.db import make_engine, make_session_factory

    target = tmp_path / "big.db"
    shutil.copy(sqlite_template, target)
    engine = make_engine(f"sqlite:///{target}")
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()
