"""Parsers for typed values: each refusal names the field and the rule."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.errors import ValidationError
from forecasts.validation import (
    check_url,
    parse_date,
    parse_datetime,
    parse_distribution,
    parse_probability,
    parse_scale_reference,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("0.05", 0.05),
        ("5%", 0.05),
        ("5", 0.05),
        (" 12.5 % ", 0.125),
        ("100%", 1.0),
        ("0", 0.0),
        ("1%", 0.01),
        ("100", 1.0),
        (0.3, 0.3),
        (70, 0.7),
    ],
)
def test_probability_rule(text, value):
    assert parse_probability(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("120%", "must be between 0% and 100%"),
        ("-1", "must be between 0 and 1"),
        ("150", "must be between 0% and 100%"),
        ("likely", "must be a probability"),
        ("nan", "must be a finite number"),
        ("", "is required"),
        (True, "must be a probability"),
        ("1", "1 alone could mean 100% or 1%: write 100% or 1%"),
        (" 1.0 ", "1 alone could mean 100% or 1%"),
        (1, "1 alone could mean 100% or 1%"),
    ],
)
def test_probability_refusals(text, rule):
    with pytest.raises(ValidationError) as caught:
        parse_probability(text)
    assert caught.value.field == "probability" and rule in caught.value.rule


def test_dates_and_times():
    assert parse_date("2020-01-01", "known_at") == dt.date(2020, 1, 1)
    assert parse_datetime("2020-01-01", "made_at") == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert parse_datetime("2020-01-01T12:00+02:00", "made_at").hour == 10
    for bad in ("01/02/2020", "2020-02-30", "soon"):
        with pytest.raises(ValidationError, match="known_at: must be a date as YYYY-MM-DD"):
            parse_date(bad, "known_at")
    with pytest.raises(ValidationError, match="made_at: must be a time between years 1 and"):
        parse_datetime("0001-01-01T00:00:00+01:00", "made_at")


def test_links_distributions_and_scales():
    assert check_url(" https://example.org/a ", "url") == "https://example.org/a"
    assert check_url("", "url") is None
    for bad in ("javascript:alert(1)", "ftp://example.org", "https://", "example.org"):
        with pytest.raises(ValidationError, match="url: must be an http:// or https:// link"):
            check_url(bad, "url")
    assert parse_distribution("Red: 50%\nBlue: 0.3\n\nDraw: 20") == {
        "Red": 0.5,
        "Blue": 0.3,
        "Draw": 0.2,
    }
    with pytest.raises(ValidationError, match="line 2 must look like 'Option: 30%'"):
        parse_distribution("Red: 50%\nBlue")
    with pytest.raises(ValidationError, match="line 2 repeats the option 'Red'"):
        parse_distribution("Red: 50%\nRed: 50%")
    assert parse_scale_reference("icd-203@2015") == ("icd-203", "2015")
    with pytest.raises(ValidationError, match="scale: must be NAME@VERSION"):
        parse_scale_reference("icd-203")


def test_dates_before_1900_are_refused_with_the_field_and_the_rule():
    for parse, field in ((parse_date, "published_on"), (parse_datetime, "made_at")):
        with pytest.raises(ValidationError, match=f"{field}: must be on or after 1900-01-01"):
            parse("0001-01-01", field)
        with pytest.raises(ValidationError, match="got 1899-12-31"):
            parse("1899-12-31", field)
    assert parse_date("1900-01-01", "known_at") == dt.date(1900, 1, 1)
    assert parse_date("0001-01-01", "since", bounded=False) == dt.date(1, 1, 1)


def test_a_reading_says_how_bare_numbers_are_read():
    assert parse_probability("1", reading="fraction") == 1.0
    assert parse_probability("1", reading="percent") == pytest.approx(0.01)
    assert parse_probability("0.5", reading="percent") == pytest.approx(0.005)
    assert parse_probability("50%", reading="fraction") == pytest.approx(0.5)  # % is explicit
    with pytest.raises(ValidationError, match="read as fractions"):
        parse_probability("40", reading="fraction")


def test_a_bare_one_in_a_distribution_is_read_by_the_entries_beside_it():
    assert parse_distribution("A: 1\nB: 99") == pytest.approx({"A": 0.01, "B": 0.99})
    assert parse_distribution("A: 1%\nB: 99%") == pytest.approx({"A": 0.01, "B": 0.99})
    assert parse_distribution("A: 1\nB: 0") == {"A": 1.0, "B": 0.0}
    assert parse_distribution("A: 1\nB: 0", reading="percent") == {"A": 0.01, "B": 0.0}
