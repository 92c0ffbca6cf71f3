"""The scoring package is pure: numbers in, numbers out, numpy and pandas only."""

import ast
import sys
from pathlib import Path

import forecasts.scoring

ALLOWED = {"numpy", "pandas", "__future__"}


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_scoring_imports_only_numpy_pandas_and_the_standard_library():
    package = Path(forecasts.scoring.__file__).parent
    files = sorted(package.glob("*.py"))
    assert files
    for path in files:
        for module in imported_modules(path):
            assert module in ALLOWED or module in sys.stdlib_module_names, (path.name, module)
