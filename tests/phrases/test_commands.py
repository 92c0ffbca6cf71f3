"""``forecasts scale list|show|map`` and ``forecasts extract`` through click's runner."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from forecasts.cli.phrases import extract, scale
from forecasts.seeding import SEEDS_DIR

SEED_FILE = SEEDS_DIR / "commentary-2020-01-01-iran-us-iraq.txt"


@click.group()
def root() -> None:
    """A stand-in for the ``forecasts`` group."""


root.add_command(scale)
root.add_command(extract)


def run(*args: str):
    return CliRunner().invoke(root, list(args))


def test_scale_list():
    result = run("scale", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[2].startswith("registry-default@2")
    for ref in ("icd-203@2015", "kent-1964@1964", "survey-2015@2015"):
        assert ref in result.output
    data = json.loads(run("scale", "list", "--format", "json").output)
    assert {row["scale"] for row in data} >= {"icd-203@2015"} and all(
        row["citation"] for row in data
    )


def test_scale_show_table_and_json():
    result = run("scale", "show", "icd-203")
    assert result.exit_code == 0
    assert result.output.startswith("icd-203@2015: ICD 203 terms of likelihood")
    assert "Intelligence Community Directive 203" in result.output
    assert "almost no chance" in result.output and "1%-5%" in result.output
    data = json.loads(run("scale", "show", "registry-default@1", "--format", "json").output)
    assert data["name"] == "registry-default" and data["version"] == "1"
    tiny = next(p for p in data["phrases"] if p["phrase"] == "tiny possibility")
    assert tiny["probability"] == 0.05 and tiny["band"] == [0.02, 0.1] and tiny["why"]
    assert data["softener"]["pull"] == 0.25


def test_scale_map_table():
    result = run("scale", "map", "I believe there is a tiny possibility of war")
    assert result.exit_code == 0
    assert "phrase:      tiny possibility" in result.output
    assert "probability: 5% (band 2%-10%)" in result.output
    assert "negated:     no" in result.output
    assert "scale:       registry-default@2" in result.output


def test_scale_map_json_on_another_scale():
    result = run("scale", "map", "won't", "--scale", "kent-1964@1964", "--format", "json")
    data = json.loads(result.output)
    assert data["negated"] is True and data["probability"] == pytest.approx(0.07)
    assert (data["scale_name"], data["scale_version"]) == ("kent-1964", "1964")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["scale", "map", "the will of the people"],
            "Error: no estimative phrase found in 'the will of the people'",
        ),
        (
            ["scale", "map", "the will of the people", "--format", "json"],
            "Error: no estimative phrase found in 'the will of the people'",
        ),
        (
            ["scale", "map", "likely", "--scale", "nope"],
            "Error: scale: no scale named 'nope'; the scales are registry-default, icd-203, "
            "kent-1964, survey-2015",
        ),
        (
            ["scale", "show", "kent-1964@2000"],
            "Error: scale: kent-1964 has no version '2000' (versions: 1964)",
        ),
    ],
)
def test_scale_errors_are_one_line_with_status_1(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.strip() == message
    assert result.stderr.strip() == message and result.stdout == ""  # on stderr


def test_extract_table_on_the_seed():
    result = run("extract", str(SEED_FILE), "--published", "2020-01-01")
    assert result.exit_code == 0, result.output
    assert "tiny possibility" in result.output
    assert "no deadline given" in result.output
    assert "if the situation reaches that level" in result.output
    assert "forecast candidate(s), read on registry-default@2" in result.output


def test_extract_json_on_the_seed():
    result = run("extract", str(SEED_FILE), "--published", "2020-01-01", "--format", "json")
    data = json.loads(result.output)
    text = SEED_FILE.read_text(encoding="utf-8")
    assert data["published"] == "2020-01-01"
    assert data["scale"] == {"name": "registry-default", "version": "2"}
    for candidate in data["candidates"]:
        assert text[candidate["start"] : candidate["end"]] == candidate["sentence"]
    war = next(c for c in data["candidates"] if "tiny possibility" in c["sentence"])
    assert war["probability"] <= 0.1 and war["deadline"] is None
    assert "no deadline given" in war["flags"]
    assert any(s["reason"].startswith("reported speech") for s in data["set_aside"])


def test_extract_with_another_scale():
    result = run(
        "extract",
        str(SEED_FILE),
        "--published",
        "2020-01-01",
        "--scale",
        "icd-203@2015",
        "--format",
        "json",
    )
    data = json.loads(result.output)
    war = next(c for c in data["candidates"] if "tiny possibility" in c["sentence"])
    assert (war["scale_name"], war["scale_version"], war["probability"]) == (
        "icd-203",
        "2015",
        0.03,
    )


def test_extract_refuses_bad_input_in_one_line(tmp_path):
    missing = run("extract", str(tmp_path / "nope.txt"), "--published", "2020-01-01")
    assert missing.exit_code == 1
    assert missing.output.strip() == f"Error: FILE: no such file: {tmp_path / 'nope.txt'}"
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("The café will close.".encode("latin-1"))
    not_utf8 = run("extract", str(latin), "--published", "2020-01-01")
    assert not_utf8.exit_code == 1 and len(not_utf8.output.strip().splitlines()) == 1
    assert "FILE: must be UTF-8 text (byte 0xe9 at offset 7" in not_utf8.output
    for bad in ("2020-13-01", "01/01/2020", "yesterday"):
        result = run("extract", str(SEED_FILE), "--published", bad)
        assert result.exit_code == 1
        assert result.output.strip() == (
            f"Error: --published: must be a date as YYYY-MM-DD (got '{bad}')"
        )
    no_date = run("extract", str(SEED_FILE))
    assert no_date.exit_code == 1 and "--published: is required" in no_date.output
    future = run("extract", str(SEED_FILE), "--published", "2999-01-01")
    assert future.exit_code == 1 and "--published: must not be in the future" in future.output
    directory = run("extract", str(tmp_path), "--published", "2020-01-01")
    assert directory.exit_code == 1 and "FILE: is a directory" in directory.output


def test_extract_a_text_without_forecasts(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("The protests are still on.\n", encoding="utf-8")
    result = run("extract", str(plain), "--published", "2020-01-01")
    assert result.exit_code == 0 and "no forecasts found" in result.output
