"""Every import shows a progress bar on standard error when it is a terminal, and nothing
but its report when it is not (a pipe, a log, these tests' own runner)."""

from __future__ import annotations

import csv
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from forecasts.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _references(tmp_path: Path) -> Path:
    with (DOCS / "sample-import.csv").open(newline="", encoding="utf-8") as handle:
        statement = next(csv.DictReader(handle))["statement"]
    path = tmp_path / "market.csv"
    path.write_text(
        f'question,source,time,probability\n"{statement}",A market,2020-01-02T09:00Z,7%\n',
        encoding="utf-8",
    )
    return path


_MAIN = "import sys; from forecasts.cli import main; sys.argv[0] = 'forecasts'; main()"


def _on_a_terminal(url: str, *args: str) -> tuple[int, str, str]:
    """Run the command with standard error on a pseudo-terminal: (status, out, err)."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _MAIN, "--database-url", url, *args],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "100"},
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once its last writer is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
        return done.returncode, done.stdout, b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_a_terminal_sees_the_bar_of_each_import(database_url, tmp_path):
    status, out, err = _on_a_terminal(database_url, "import", str(DOCS / "sample-import.csv"))
    assert status == 0, err
    assert "Importing sample-import.csv" in err and "100%" in err
    assert out.startswith("imported sample-import.csv: 7 rows; added") and "Importing" not in out
    status, out, err = _on_a_terminal(
        database_url, "import", "references", str(_references(tmp_path))
    )
    assert status == 0, err
    assert "Checking market.csv" in err and "100%" in err
    assert out == "market.csv: added 1 reference point\n"


def test_a_pipe_sees_only_the_report(database_url, tmp_path):
    runner = CliRunner()
    first = runner.invoke(
        cli, ["--database-url", database_url, "import", str(DOCS / "sample-import.csv")]
    )
    assert first.exit_code == 0, first.output
    assert first.stderr == "" and "added" in first.stdout
    references = runner.invoke(
        cli, ["--database-url", database_url, "import", "references", str(_references(tmp_path))]
    )
    assert references.exit_code == 0, references.output
    assert references.stderr == "" and references.stdout.count("\n") == 1
