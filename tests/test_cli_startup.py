"""The command line starts light: building it, and asking it for help, loads none of the
heavy libraries its commands use; those are imported by each command when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from forecasts import scores, scoring
from forecasts.cli import defaults
from forecasts.models import Role
from forecasts.transfer import report

HEAVY = ("flask", "matplotlib", "pandas", "alembic")

# Run in a fresh interpreter: this test process has long since imported all of them.
PROBE = """
import json, sys
heavy = json.loads(sys.argv[1])

def loaded():
    return sorted(name for name in heavy if name in sys.modules)

import forecasts.cli
from click.testing import CliRunner

seen = {"import": loaded()}
for args in (["--help"], ["score", "--help"]):
    result = CliRunner().invoke(forecasts.cli.cli, args, prog_name="forecasts")
    assert result.exit_code == 0, result.output
    assert "Usage: forecasts" in result.output, result.output
    seen[" ".join(args)] = loaded()
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def loaded_after() -> dict[str, list[str]]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize("stage", ["import", "--help", "score --help"])
def test_the_command_line_loads_no_heavy_library(loaded_after, stage):
    assert loaded_after[stage] == []


def test_the_help_defaults_are_the_librarys():
    assert defaults.BINS == scoring.DEFAULT_BINS
    assert defaults.EPS == scoring.DEFAULT_EPS
    assert defaults.MIN_N == scores.DEFAULT_MIN_N
    assert defaults.MAX_LISTED_ERRORS == report.MAX_LISTED_ERRORS
    assert tuple(role.value for role in Role) == defaults.ROLES
