"""Time expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from forecasts.phrases.deadlines import find_deadline, find_deadlines, find_event

PUBLISHED = dt.date(2024, 3, 10)  # a Sunday


@pytest.mark.parametrize(
    "text, expected",
    [
        ("by the end of the year", "2024-12-31"),
        ("by the end of next year", "2025-12-31"),
        ("by the end of the month", "2024-03-31"),
        ("next month", "2024-04-30"),
        ("this month", "2024-03-31"),
        ("next week", "2024-03-17"),
        ("this week", "2024-03-10"),
        ("this year", "2024-12-31"),
        ("next year", "2025-12-31"),
        ("within weeks", "2024-05-05"),
        ("within days", "2024-03-24"),
        ("within months", "2024-09-10"),
        ("within six months", "2024-09-10"),
        ("within a year", "2025-03-10"),
        ("in the next twelve months", "2025-03-10"),
        ("over the coming weeks", "2024-05-05"),
        ("in two years", "2026-03-10"),
        ("by 2030", "2030-12-31"),
        ("in 2026", "2026-12-31"),
        ("before 2026", "2025-12-31"),
        ("in March", "2024-03-31"),
        ("in January", "2025-01-31"),
        ("by June", "2024-06-30"),
        ("before September", "2024-08-31"),
        ("in May 2025", "2025-05-31"),
        ("by the end of April", "2024-04-30"),
        ("on 28 February", "2025-02-28"),
        ("by March 15", "2024-03-15"),
        ("on Saturday", "2024-03-16"),
        ("tomorrow", "2024-03-11"),
        ("by Christmas", "2024-12-25"),
        ("before Christmas", "2024-12-24"),
        ("through the summer", "2024-08-31"),
        ("next winter", "2025-02-28"),
        ("before next spring", "2025-02-28"),
        ("by the middle of next year", "2025-06-30"),
        ("early 2025", "2025-03-31"),
        ("in the first quarter", "2024-03-31"),  # the first one that has not ended
        ("in the second quarter of next year", "2025-06-30"),
        ("by the end of the decade", "2029-12-31"),
        ("a December cut", "2024-12-31"),
    ],
)
def test_resolved_against_the_publication_date(text, expected):
    deadline = find_deadline(text, PUBLISHED)
    assert deadline is not None, text
    assert deadline.date == dt.date.fromisoformat(expected)
    assert deadline.phrase in text


def test_offsets_locate_the_phrase():
    text = "I think the Fed will cut rates by the end of the year, not before."
    deadline = find_deadline(text, PUBLISHED)
    assert text[deadline.start : deadline.end] == deadline.phrase == "by the end of the year"
    assert deadline.wording == "by 31 December 2024"


@pytest.mark.parametrize(
    "text",
    [
        "sooner or later",
        "in the long run",
        "eventually",
        "the march of progress",
        "prices may spring back",
        "it may rain",
        "into the 2040s",
    ],
)
def test_no_date_where_the_text_gives_none(text):
    assert find_deadline(text, PUBLISHED) is None


def test_past_times_are_not_deadlines():
    assert find_deadline("they did exactly that in 2019", PUBLISHED) is None
    assert [d.phrase for d in find_deadlines("in 2019, and again by 2030", PUBLISHED)] == [
        "in 2019",
        "by 2030",
    ]
    assert find_deadline("in 2019, and again by 2030", PUBLISHED).phrase == "by 2030"


def test_an_event_has_no_date_but_is_reported():
    assert find_deadline("they will cut before the election", PUBLISHED) is None
    assert find_event("they will cut before the election") == "before the election"
