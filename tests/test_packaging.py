"""pyproject.toml lists the packages by hand (mapping migrations/ and seeds/ into the
package needs it): a new package, or a new kind of file in those folders, must not be
left out of the wheel. `.ci/wheel-check` proves the wheel itself migrates, seeds, serves."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def _source_packages() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("forecasts", "web")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_every_package_of_the_source_tree_is_listed():
    mapped = set(SETUPTOOLS["package-dir"])
    assert set(SETUPTOOLS["packages"]) == _source_packages() | mapped


def test_every_file_of_the_mapped_folders_ships():
    for package, folder in SETUPTOOLS["package-dir"].items():
        patterns = SETUPTOOLS["package-data"][package]
        for file in (ROOT / folder).rglob("*"):
            if file.is_dir() or "__pycache__" in file.parts:
                continue
            relative = file.relative_to(ROOT / folder).as_posix()
            module = "/" not in relative and relative.endswith(".py")
            assert module or any(fnmatch(relative, p) for p in patterns), (package, relative)
