"""The `forecasts score FILE` command, run through click's CliRunner."""

import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

from forecasts.cli.score import score
from forecasts.scoring import score_table

SMALL = """forecaster,question,probability,outcome
alice,q1,0.9,1
bob,q1,0.6,1
alice,q2,0.2,0
carol,q2,0.5,0
bob,q3,0.7,0
"""


def write(tmp_path, text, name="forecasts.csv", mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def run(*args):
    return CliRunner().invoke(score, list(args))


def test_json_shape_and_values(tmp_path):
    result = run(write(tmp_path, SMALL), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert overall["n"] == 5
    # Brier: 0.1^2, 0.4^2, 0.2^2, 0.5^2, 0.7^2 = 0.01, 0.16, 0.04, 0.25, 0.49; mean 0.95/5 = 0.19
    assert overall["brier"] == pytest.approx(0.19, abs=1e-15)
    # log: (ln 0.9 + ln 0.6 + ln 0.8 + ln 0.5 + ln 0.3) / 5
    logs = [math.log(x) for x in (0.9, 0.6, 0.8, 0.5, 0.3)]
    assert overall["log_score"] == pytest.approx(sum(logs) / 5, abs=1e-15)
    # skill: 1 - 0.19/0.25 = 0.24; base rate 2/5: 1 - 0.19/0.24 = 0.208333
    assert overall["brier_skill_vs_uniform"] == pytest.approx(0.24)
    assert overall["brier_skill_vs_base_rate"] == pytest.approx(1 - 0.19 / 0.24)
    # one forecast per bin (bins 9, 6, 2, 5, 7): reliability = brier, no within-bin term
    # resolution = (0.6^2 + 0.6^2 + 0.4^2 + 0.4^2 + 0.4^2) / 5 = 1.2/5 = 0.24 = uncertainty
    assert overall["reliability"] == pytest.approx(0.19)
    assert overall["resolution"] == pytest.approx(0.24)
    assert overall["uncertainty"] == pytest.approx(0.24)
    assert overall["within_bin"] == pytest.approx(0.0, abs=1e-15)
    assert [row["bin_lower"] for row in overall["calibration"]] == [0.2, 0.5, 0.6, 0.7, 0.9]
    assert overall["brier_ci_low"] <= 0.19 <= overall["brier_ci_high"]

    ranked = report["by_forecaster"]
    assert [row["forecaster"] for row in ranked] == ["alice", "carol", "bob"]
    alice, carol, bob = ranked
    assert alice["n"] == 2 and alice["brier"] == pytest.approx(0.025)  # (0.01 + 0.04) / 2
    # peers: q1 alice 0.01 vs bob 0.16; q2 alice 0.04 vs carol 0.25; q3 bob alone
    assert alice["peer_brier"] == pytest.approx((-0.15 - 0.21) / 2) and alice["n_peer"] == 2
    assert bob["peer_brier"] == pytest.approx(0.15) and bob["n_peer"] == 1
    assert carol["peer_brier"] == pytest.approx(0.21) and carol["n_peer"] == 1
    assert carol["brier_ci_low"] == carol["brier_ci_high"] == 0.25
    # the command prints exactly what the library computes
    assert report == json.loads(json.dumps(score_table(pd.read_csv(tmp_path / "forecasts.csv"))))


def test_json_is_the_default_and_options_are_passed(tmp_path):
    path = write(tmp_path, SMALL)
    default = json.loads(run(path).stdout)
    assert default == json.loads(run(path, "--format", "json").stdout)
    three_bins = json.loads(run(path, "--bins", "3", "--eps", "0.2").stdout)
    assert len(three_bins["overall"]["calibration"]) == 3
    # eps 0.2 clips 0.9 to 0.8: ln 0.8 for alice's first forecast
    logs = [math.log(x) for x in (0.8, 0.6, 0.8, 0.5, 0.3)]
    assert three_bins["overall"]["log_score"] == pytest.approx(sum(logs) / 5)


def test_without_forecaster_column(tmp_path):
    path = write(tmp_path, "probability,outcome\n0.3,0\n0.8,1\n")
    report = json.loads(run(path).stdout)
    assert "by_forecaster" not in report
    path = write(tmp_path, "forecaster,probability,outcome\na,0.3,0\nb,0.8,1\n", "b.csv")
    rows = json.loads(run(path).stdout)["by_forecaster"]
    assert all(row["peer_brier"] is None and row["n_peer"] is None for row in rows)


def test_table_output(tmp_path):
    result = run(write(tmp_path, SMALL), "--format", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Brier score" in out and "Reliability" in out and "Calibration (10 bins" in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Rank"))
    table = lines[start : start + 4]
    assert [line.split()[1] for line in table[1:]] == ["alice", "carol", "bob"]
    assert len({len(line) for line in table}) == 1  # aligned: every row as wide as the header
    assert "0.0250" in table[1] and "-0.1800" in table[1]
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("Bin"))
    calibration = lines[first : first + 6]
    assert len({len(line) for line in calibration}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "probability,outcome\n0.5,1\n0.3,0\n1.2,1\n",
            "line 4, column 'probability': must be between 0 and 1 (got 1.2)",
        ),
        (
            "probability,outcome\n0.5,1\n70%,1\n",
            "line 3, column 'probability': must be a number between 0 and 1 (got '70%')",
        ),
        (
            "probability,outcome\n0.5,1\n0.3,maybe\n",
            "line 3, column 'outcome': must be 1 or 0, yes or no, true or false, y or n "
            "(any case) (got 'maybe')",
        ),
        (
            "probability,outcome\n0.5,1\n0.3,2\n",
            "line 3, column 'outcome': must be 1 or 0, yes or no",
        ),
        (
            "probability,outcome,made_at,known_at\n0.5,1,2020-01-01,2020-02-01\n"
            "0.3,0,2020-13-01,2020-02-01\n",
            "line 3, column 'made_at': must be an ISO 8601 date (YYYY-MM-DD) or moment "
            "(YYYY-MM-DDTHH:MM[:SS][+HH:MM]) (got '2020-13-01')",
        ),
        (
            "probability,outcome,made_at,known_at\n0.5,1,2020-01-01,2020-02-01\n"
            "0.3,0,2020-01-01,soon\n",
            "line 3, column 'known_at': must be an ISO 8601 date",
        ),
        (
            "probability,outcome,made_at,known_at\n0.5,1,2020-01-01,2020-02-01\n0.3,0,,2020-02-01\n",
            "line 3, column 'made_at': must not be empty",
        ),
        (  # a bad probability after a row left out is named by its own line
            "probability,outcome,made_at,known_at\n0.5,1,2020-03-01,2020-02-01\n"
            "0.2,0,2020-01-01,2020-02-01\n1.5,0,2020-01-01,2020-02-01\n",
            "line 4, column 'probability': must be between 0 and 1 (got 1.5)",
        ),
        (
            "probability,outcome,made_at\n0.5,1,2020-01-01\n",
            "column 'made_at' needs a column 'known_at' too",
        ),
        (
            "probability,outcome,made_at,known_at\n0.5,1,2020-03-01,2020-02-01\n",
            "nothing to score: every forecast was made after its outcome was known",
        ),
        ("probability,outcome\n0.5,1\n,1\n", "line 3, column 'probability': must not be empty"),
        ("probability,outcome\n0.5,1\n0.4\n", "line 3, column 'outcome': must not be empty"),
        (
            "forecaster,probability,outcome\na,0.5,1\n,0.4,1\n",
            "line 3, column 'forecaster': must not be empty",
        ),
        (
            "forecaster,probability,outcome\na,0.5,1\n  ,0.4,1\n",
            "line 3, column 'forecaster': must not be blank",
        ),
        # blank lines and a quoted field over two lines still give the file's line number
        (
            'note,probability,outcome\n\n"two\nlines",0.5,1\n\nx,1.5,0\n',
            "line 6, column 'probability'",
        ),
        ("probability,outcome\n0.5,1\n0.2,0,9\n", "line 3: has 3 fields but the header has 2"),
        ("probability,outcome\n0.5,1,9\n", "line 2: has 3 fields but the header has 2"),
    ],
)
def test_bad_row(tmp_path, text, expected):
    result = run(write(tmp_path, text))
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "probability,result\n0.5,1\n",
            "missing required column 'outcome' (columns found: 'probability', 'result')",
        ),
        ("", "the file is empty"),
        ("probability,outcome\n", "no forecasts (the file has a header but no rows)"),
        (b"\xff\xfe\x00p\x00r\x00", "not UTF-8 text"),
    ],
)
def test_bad_file(tmp_path, content, expected):
    mode = "wb" if isinstance(content, bytes) else "w"
    result = run(write(tmp_path, content, mode=mode))
    assert result.exit_code != 0
    assert result.stdout == ""
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file(tmp_path):
    result = run(str(tmp_path / "nope.csv"))
    assert result.exit_code != 0 and result.stdout == ""
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--bins", "0"),
        ("--bins", "x"),
        ("--eps", "0"),
        ("--eps", "0.5"),
        ("--eps", "-1"),
        ("--format", "xml"),
    ],
)
def test_bad_options_name_the_option(tmp_path, option, value):
    result = run(write(tmp_path, SMALL), option, value)
    assert result.exit_code != 0 and result.stdout == ""
    assert f"Invalid value for '{option}'" in result.stderr


def test_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "--format [json|table]" in result.stdout and "--eps" in result.stdout


def test_outcomes_are_spelled_as_import_reads_them(tmp_path):
    spelled = SMALL.replace("q1,0.9,1", "q1,0.9,YES").replace("q1,0.6,1", "q1,0.6,true")
    spelled = spelled.replace("q2,0.2,0", "q2,0.2,No").replace("q3,0.7,0", "q3,0.7,n")
    assert spelled != SMALL
    same = json.loads(run(write(tmp_path, SMALL)).stdout)
    result = run(write(tmp_path, spelled, name="spelled.csv"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == same


TIMED = """forecaster,question,probability,outcome,made_at,known_at
alice,q1,0.9,1,2021-06-01T14:00:00Z,2021-06-01T17:00:00+02:00
bob,q1,0.6,1,2021-06-01T16:00:00Z,2021-06-01T15:00:00Z
alice,q2,0.2,0,2021-05-01,2021-06-01
carol,q2,0.5,0,2021-06-01T08:00:00Z,2021-06-01
bob,q3,0.7,0,2021-05-31 23:00,2021-06-01T00:30+01:00
"""


def test_made_at_and_known_at_leave_out_what_was_made_after(tmp_path):
    """alice's q1 (1 h before the moment) is scored, bob's q1 (1 h after) is not; carol's
    same-day forecast against a date falls back to the day and is left out; bob's q3 at
    23:00 UTC is 30 minutes before 23:30 UTC and is kept."""
    result = run(write(tmp_path, TIMED))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["excluded"] == {
        "look_ahead": 2,
        "compared_by_moment": 1,
        "compared_by_day": 1,
        "reason": "made after the outcome was known (not scored)",
    }
    kept = pd.read_csv(tmp_path / "forecasts.csv").iloc[[0, 2, 4]]
    expected = score_table(kept[["forecaster", "question", "probability", "outcome"]])
    assert {k: v for k, v in report.items() if k != "excluded"} == json.loads(json.dumps(expected))
    assert report["overall"]["n"] == 3
    table = run(write(tmp_path, TIMED), "--format", "table").stdout
    assert (
        "Left out: 2 forecasts made after the outcome was known (not scored) "
        "(1 compared by moment, 1 by day)" in table
    )
