"""Reading the audit log: the field-by-field changes of an event, and the filter read
from a query string (bad values refused by field and rule)."""

from __future__ import annotations

import datetime as dt

from forecasts.audit import AuditFilter, changes, read_filter, shown


def test_changes_lists_only_what_differs_with_nested_fields_by_path():
    before = {"id": 3, "statement": "Will it rain?", "outcome": None, "tags": ["weather"]}
    after = {
        "id": 3,
        "statement": "Will it rain?",
        "outcome": "yes",
        "tags": ["weather", "uk"],
        "resolution": {"outcome": "yes", "known_at": "2020-05-01"},
    }
    got = [(c.field, c.before, c.after, c.kind) for c in changes(before, after)]
    assert got == [
        ("outcome", None, "yes", "added"),
        ("tags", ["weather"], ["weather", "uk"], "changed"),
        ("resolution.outcome", None, "yes", "added"),
        ("resolution.known_at", None, "2020-05-01", "added"),
    ]
    created = changes(None, {"id": 1, "name": "Ann"})
    assert [(c.field, c.kind) for c in created] == [("id", "added"), ("name", "added")]
    assert changes({"a": 1}, {"a": 1}) == []
    assert [(c.field, c.kind) for c in changes({"a": 1, "b": 2}, {"a": 1})] == [("b", "removed")]


def test_values_read_as_text_not_json():
    assert shown("it's") == "it's"  # no \\u0027
    assert shown(["a", "b"]) == "a, b" and shown([]) == "(none)"
    assert shown(None) == "—" and shown(True) == "yes"
    assert len(shown("x" * 1000)) == 200


def test_read_filter_takes_good_values_and_names_bad_ones():
    good, errors = read_filter(
        {"who": " ada ", "kind": "question", "since": "2020-01-01", "until": "2020-01-31"}
    )
    assert not errors.items
    assert good == AuditFilter(
        who="ada", kind="question", since=dt.date(2020, 1, 1), until=dt.date(2020, 1, 31)
    )
    assert good.query_args() == {
        "who": "ada",
        "kind": "question",
        "since": "2020-01-01",
        "until": "2020-01-31",
    }
    bad, errors = read_filter({"since": "May", "until": "2020-01-01", "who": "x" * 81})
    rules = {e.field: e.rule for e in errors.items}
    assert set(rules) == {"since", "who"}
    assert "YYYY-MM-DD" in rules["since"] and "at most 80" in rules["who"]
    assert bad == AuditFilter(until=dt.date(2020, 1, 1))
    _, errors = read_filter({"since": "2020-02-01", "until": "2020-01-01"})
    assert [(e.field, e.rule) for e in errors.items] == [("until", "must be on or after since")]
