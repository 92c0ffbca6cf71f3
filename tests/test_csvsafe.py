"""Spreadsheet-safe CSV: ``neutralise`` and ``restore`` are inverses for any text, leave
numbers alone, and every CSV the project writes (export, publish, ``leaderboard --format
csv``) writes a formula-looking name as text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from forecasts import services
from forecasts.cli import cli
from forecasts.csvsafe import FORMULA_STARTS, neutralise, restore
from forecasts.transfer.exporting import export
from web.publish import publish

ACTOR = services.Actor.system("csv-test")
FORMULA_NAME = '=HYPERLINK("http://x")'
QUOTE = "+1+1"
NOTE = "@SUM(1)"
PLAIN_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"

# Text that begins with what a spreadsheet reads as a formula, apostrophes included.
risky_text = st.builds(
    lambda head, tail: head + tail,
    st.text(alphabet="'=+-@\t\r", max_size=4),
    st.text(),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers().map(lambda n: f"{n:+d}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:+.3e}"),
)


def _is_safe(cell: str) -> bool:
    """What a spreadsheet will not run: no formula character first, or a plain number."""
    return not cell.startswith(FORMULA_STARTS) or re.fullmatch(PLAIN_NUMBER, cell) is not None


@given(st.one_of(st.text(), risky_text))
def test_restore_undoes_neutralise_for_any_text(text):
    assert restore(neutralise(text)) == text


@given(st.one_of(st.text(), risky_text))
def test_neutralised_text_never_starts_a_formula(text):
    assert _is_safe(neutralise(text))


@given(numbers)
def test_numbers_pass_unchanged(number):
    assert neutralise(number) == number
    assert restore(number) == number


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (FORMULA_NAME, "'" + FORMULA_NAME),
        (QUOTE, "'+1+1"),
        (NOTE, "'@SUM(1)"),
        ("-1+1", "'-1+1"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already quoted", "''=already quoted"),
        ("-inf", "'-inf"),
        ("-0.25", "-0.25"),
        ("+3", "+3"),
        ("1e-5", "1e-5"),
        ("Smith = 5", "Smith = 5"),
        ("'tis", "'tis"),
        ("", ""),
    ],
)
def test_cells_as_written(cell, written):
    assert neutralise(cell) == written
    assert restore(written) == cell


@pytest.fixture
def hostile_registry(session):
    """A pundit named like a formula, with a formula-like quote and note, ranked on the
    leaderboard (five resolved questions, the default minimum)."""
    pundit = services.add_pundit(session, ACTOR, name=FORMULA_NAME)
    for n in range(5):
        question = services.add_question(
            session,
            ACTOR,
            statement=f"Will index {n} rise in 2020?",
            resolution_criteria="Closes the year higher.",
            resolve_by="2020-12-31",
        )
        services.log_prediction(
            session,
            ACTOR,
            question_id=question.id,
            pundit_id=pundit.id,
            made_at="2020-03-01",
            probability=0.25,
            quote=QUOTE,
            note=NOTE,
        )
        services.resolve_question(session, ACTOR, question.id, outcome="no", known_at="2021-01-02")
    return pundit


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_written_as_text(text: str, *expected: str) -> None:
    cells = _cells(text)
    for value in expected:
        assert "'" + value in cells, value
        assert value not in cells, value
    assert all(_is_safe(cell) for cell in cells)


def test_export_writes_formulas_as_text(hostile_registry, session, tmp_path):
    export(session, tmp_path)
    for name in ("predictions", "pundits", "leaderboard"):
        _assert_written_as_text((tmp_path / f"{name}.csv").read_text(), FORMULA_NAME)
    _assert_written_as_text((tmp_path / "predictions.csv").read_text(), QUOTE, NOTE)
    export(session, tmp_path / "json", "json")
    pundits = json.loads((tmp_path / "json" / "pundits.json").read_text())
    assert [row["pundit"] for row in pundits] == [FORMULA_NAME]  # JSON as typed


def test_published_csvs_write_formulas_as_text(hostile_registry, database_url, tmp_path):
    publish(database_url, tmp_path / "site")
    data = tmp_path / "site" / "data"
    _assert_written_as_text((data / "predictions.csv").read_text(), FORMULA_NAME, QUOTE)
    _assert_written_as_text((data / "leaderboard.csv").read_text(), FORMULA_NAME)
    board = json.loads((data / "leaderboard.json").read_text())
    assert [row["name"] for row in board] == [FORMULA_NAME]


def test_leaderboard_csv_writes_formulas_as_text(hostile_registry, database_url):
    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "leaderboard", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    _assert_written_as_text(result.stdout, FORMULA_NAME)


def test_every_writer_is_covered():
    """The writers above are the only places the project writes CSV."""
    root = Path(__file__).resolve().parents[1]
    writers = sorted(
        str(path.relative_to(root))
        for folder in ("forecasts", "web")
        for path in (root / folder).rglob("*.py")
        if "to_csv(" in path.read_text() or "csv.writer(" in path.read_text()
    )
    assert writers == [
        "forecasts/cli/leaderboard.py",
        "forecasts/transfer/exporting.py",
        "web/publish.py",
    ]
