"""The examples in the scoring package's docstrings run and give what they show.

Each module of :mod:`forecasts.scoring` is one case, so a failing example names
its module. A case also fails when a public function or class of the module
(its ``__all__``, or else the names ``forecasts.scoring`` exports from it) has
no ``Examples`` section with a doctest, or when the module holds no example at
all: examples that are deleted cannot silently stop being checked.
"""

import doctest
import importlib
import inspect
import pkgutil

import pytest

import forecasts.scoring

OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
MODULES = [forecasts.scoring.__name__] + [
    info.name
    for info in pkgutil.walk_packages(
        forecasts.scoring.__path__, prefix=forecasts.scoring.__name__ + "."
    )
]


def public_objects(module):
    """The functions and classes *module* defines and makes public."""
    names = getattr(module, "__all__", forecasts.scoring.__all__)
    objects = [getattr(module, name) for name in names if hasattr(module, name)]
    return [
        obj
        for obj in objects
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__
    ]


def has_examples(obj):
    """Whether *obj*'s docstring has a numpydoc ``Examples`` section with a doctest."""
    doc = inspect.getdoc(obj) or ""
    _, heading, section = doc.partition("\nExamples\n--------\n")
    return bool(heading) and ">>> " in section


def run_doctests(module):
    """Run every example of *module*; return (failed, attempted, report)."""
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report = []
    results = [runner.run(test, out=report.append) for test in doctest.DocTestFinder().find(module)]
    failed = sum(result.failed for result in results)
    attempted = sum(result.attempted for result in results)
    return failed, attempted, "".join(report)


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name):
    module = importlib.import_module(name)
    missing = [obj.__qualname__ for obj in public_objects(module) if not has_examples(obj)]
    assert missing == [], f"{name}: no Examples section in {missing}"
    failed, attempted, report = run_doctests(module)
    assert failed == 0, report
    assert attempted > 0, f"{name} has no examples"


def test_every_module_is_collected():
    assert {"forecasts.scoring.metrics", "forecasts.scoring.report"} <= set(MODULES)
