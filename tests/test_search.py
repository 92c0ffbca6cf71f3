"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): every write path keeps
the index current (the services, an import, the demo generator), results are ranked,
paged and bounded, matched words are marked in escaped text, and no query errors."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from forecasts import search, services
from forecasts.demo import generate_demo
from forecasts.errors import ValidationError
from forecasts.transfer.importing import import_file

SYSTEM = services.Actor.system()


def found(session, query: str, kind: str, **kwargs) -> list:
    """The rows of one kind the query finds, best first."""
    results = search.search(session, query, kind=kind, **kwargs)
    return [hit.item for hit in results.groups[0].page.items]


def _question(session, statement: str, criteria: str = "Reported by two outlets.", **fields):
    return services.add_question(
        session, SYSTEM, statement=statement, resolution_criteria=criteria, **fields
    )


def test_every_kind_written_through_the_services_is_found(session):
    pundit = services.add_pundit(session, SYSTEM, name="Zoë Okonkwo-Lindqvist")
    source = services.add_source(
        session,
        SYSTEM,
        title="A column on harvests",
        outlet="The Quarterly Ledger",
        published_on="2021-02-01",
        full_text="Long text. The monsoon will arrive late, the author says.",
    )
    question = _question(
        session,
        "Will the monsoon reach Kerala before June?",
        criteria="Yes if the weather office declares its onset.",
        tags=["weather", "agriculture"],
    )
    prediction = services.log_prediction(
        session,
        SYSTEM,
        question_id=question.id,
        pundit_id=pundit.id,
        source_id=source.id,
        made_at="2021-02-01",
        probability=0.3,
        quote="I doubt the rains come early.",
    )
    assert found(session, "okonkwo", "pundit") == [pundit]
    assert found(session, "lindqvist zoë", "pundit") == [pundit]
    assert found(session, "quarterly ledger", "source") == [source]  # outlet
    assert found(session, "monsoon late", "source") == [source]  # the source's text
    assert found(session, "kerala", "question") == [question]
    assert found(session, "agricult", "question") == [question]  # a tag, by its start
    assert found(session, "onset", "question") == [question]  # the criteria
    assert found(session, "doubt rains", "prediction") == [prediction]
    everything = search.search(session, "monsoon")
    assert {group.kind: group.page.total for group in everything.groups} == {
        "question": 1,
        "pundit": 0,
        "source": 1,
        "prediction": 0,
    }


def test_edits_replace_the_words_they_change(session):
    question = _question(session, "Will the bridge open in 2022?", tags=["transport"])
    pundit = services.add_pundit(session, SYSTEM, name="Ada Oldname")
    source = services.add_source(session, SYSTEM, title="Bridge notes", published_on="2021-01-01")
    services.edit_question(
        session,
        SYSTEM,
        question.id,
        expected_version=question.version,
        statement="Will the tunnel open in 2022?",
        resolution_criteria=question.resolution_criteria,
        resolve_by=None,
        tags=["infrastructure"],
    )
    services.edit_pundit(
        session, SYSTEM, pundit.id, expected_version=pundit.version, name="Ada New"
    )
    services.edit_source(
        session,
        SYSTEM,
        source.id,
        expected_version=source.version,
        title="Tunnel notes",
        published_on="2021-01-01",
    )
    assert found(session, "bridge", "question") == []
    assert found(session, "transport", "question") == []
    assert found(session, "tunnel", "question") == [question]
    assert found(session, "infrastructure", "question") == [question]
    assert found(session, "oldname", "pundit") == []
    assert found(session, "ada new", "pundit") == [pundit]
    assert found(session, "bridge", "source") == []
    assert found(session, "tunnel", "source") == [source]


def test_a_word_in_the_statement_ranks_above_one_in_the_criteria(session):
    in_criteria = _question(
        session, "Will the port reopen by May?", criteria="Yes if the harbour authority says so."
    )
    in_statement = _question(session, "Will the harbour reopen by May?")
    hits = search.search(session, "harbour", kind="question").groups[0].page.items
    assert [hit.item for hit in hits] == [in_statement, in_criteria]
    assert hits[0].score > hits[1].score


def test_results_come_a_page_at_a_time(session):
    pundits = {
        services.add_pundit(session, SYSTEM, name=f"Pundit Marlowe {n}").id for n in range(25)
    }
    pages = [search.search(session, "marlowe", kind="pundit", page=n, size=10) for n in (1, 2, 3)]
    seen = [hit.item.id for results in pages for hit in results.groups[0].page.items]
    assert [len(results.groups[0].page.items) for results in pages] == [10, 10, 5]
    assert set(seen) == pundits and len(seen) == 25
    assert {results.groups[0].page.total for results in pages} == {25}
    assert pages[0].groups[0].page.pages == 3
    assert search.search(session, "marlowe", kind="pundit", page=4, size=10).total == 25
    assert (
        search.search(session, "marlowe", kind="pundit", page=4, size=10).groups[0].page.items == []
    )


def test_a_query_matching_more_than_the_candidates_says_so(session, monkeypatch):
    for n in range(8):
        services.add_pundit(session, SYSTEM, name=f"Common Name {n}")
    monkeypatch.setattr(search, "CANDIDATES", 5)
    group = search.search(session, "common", kind="pundit", size=3).groups[0]
    assert group.more and group.page.total == 5 and group.page.pages == 2
    assert len(group.page.items) == 3
    rest = search.search(session, "common", kind="pundit", page=2, size=3).groups[0]
    assert len(rest.page.items) == 2  # only the candidates are paged through
    few = search.search(session, "name 3", kind="pundit").groups[0]
    assert not few.more and few.page.total == 1


def test_matched_words_are_marked_in_escaped_text(session):
    services.add_pundit(session, SYSTEM, name='<script>alert("x")</script> Okafor & Sons')
    hit = search.search(session, "okafor", kind="pundit").groups[0].page.items[0]
    assert hit.title.html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Okafor</mark> &amp; Sons"
    )
    assert hit.title.__html__() == hit.title.html
    assert hit.title.text == '<script>alert("x")</script> Okafor & Sons'


def test_a_long_text_is_cut_around_its_first_match():
    marker = search.Marker(["harvest"])
    text = ("Filler words here. " * 40) + "The harvest failed. " + ("More words. " * 40)
    excerpt = marker.excerpt(text, width=120)
    assert excerpt.text.startswith("… ") and excerpt.text.endswith(" …")
    assert "<mark>harvest</mark>" in excerpt.html and len(excerpt.text) < 140
    assert marker.excerpt("nothing to see", width=120) is None


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("", "must contain a word to search for (letters or digits)"),
        ('"" * () - : ^ ~', "must contain a word to search for (letters or digits)"),
        ("x" * 201, "must be at most 200 characters (got 201)"),
        (" ".join(f"w{n}" for n in range(11)), "must have at most 10 different words (got 11)"),
    ],
)
def test_queries_that_cannot_be_read_are_refused_naming_the_field(session, query, rule):
    with pytest.raises(ValidationError) as refused:
        search.search(session, query)
    assert [(error.field, error.rule) for error in refused.value.errors] == [("q", rule)]


def test_bad_kinds_and_pages_are_refused_naming_the_field(session):
    with pytest.raises(ValidationError) as refused:
        search.search(session, "iran", kind="user", page=0, size=1000)
    assert [error.field for error in refused.value.errors] == ["kind", "page", "per_page"]


HOSTILE = [
    '"unclosed',
    "NEAR(a b)",
    "a AND OR NOT b",
    "title:secret",
    "-minus +plus",
    "star* ^caret",
    "'; DROP TABLE pundits; --",
    "100% _under_ %",
    "\\ backslash \\",
    "Zoë ß 日本語 العربية 🙂",
    "nul\x00byte",
    "a" * 200,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_read_as_words(session, query):
    services.add_pundit(session, SYSTEM, name="Title Secret Zoë")
    results = search.search(session, query)
    assert all(word.isalnum() for word in results.query.words)
    assert results.total >= 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=60))
def test_any_text_is_searched_or_refused_naming_q(session, query):
    try:
        results = search.search(session, query)
    except ValidationError as refused:
        assert {error.field for error in refused.errors} == {"q"}
    else:
        assert len(results.groups) == len(search.KINDS)


def _csv(path, rows: list[dict]):
    header = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_an_import_is_found(session, tmp_path):
    path = _csv(
        tmp_path / "import.csv",
        [
            {
                "pundit": "Imogen Quillfeather",
                "source_title": "Why the glacier retreats",
                "source_url": "https://example.org/glacier",
                "source_published_on": "2021-03-01",
                "statement": "Will the glacier lose a tenth of its area by 2030?",
                "resolution_criteria": "Per the national survey.",
                "resolve_by": "2030-12-31",
                "tags": "climate|ice",
                "probability": "60%",
                "quote": "The ice is going faster than the models said.",
                "made_at": "2021-03-01",
            }
        ],
    )
    import_file(session, path, actor=SYSTEM)
    session.expire_all()
    assert [p.name for p in found(session, "quillfeather", "pundit")] == ["Imogen Quillfeather"]
    assert len(found(session, "glacier retreats", "source")) == 1
    assert len(found(session, "glacier ice", "question")) == 1  # a tag and the statement
    assert len(found(session, "faster models", "prediction")) == 1


def test_a_demo_registry_is_found(session):
    counts = generate_demo(session, pundits=12, questions=30, seed=3, predictions=90)
    results = search.search(session, "synthetic", size=100)
    totals = {group.kind: group.page.total for group in results.groups}
    assert totals["pundit"] == counts["pundits"]  # every name ends "(synthetic)"
    assert totals["question"] == counts["questions"]  # every question has the tag
    assert totals["source"] == counts["sources"]
    quotes = search.search(session, "probably happen", kind="prediction").groups[0]
    assert quotes.page.total > 0
    assert all("probably" in hit.item.quote.lower() for hit in quotes.page.items)


def _index_is_whole(session) -> None:
    """Every pundit, source, question and prediction has exactly one row in the index;
    on SQLite FTS5's own integrity check also agrees with the registry's text."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    for index, table, key in (
        ("search_pundits", "pundits", "pundit_id"),
        ("search_sources", "sources", "source_id"),
        ("search_questions", "questions", "question_id"),
        ("search_predictions", "predictions", "prediction_id"),
    ):
        rows = session.scalar(text(f"SELECT count(*) FROM {table}"))
        if sqlite:
            indexed = session.scalar(text(f"SELECT count(*) FROM {index}_docsize"))
            session.execute(
                text(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
            )
        else:
            indexed = session.scalar(
                text(
                    f"SELECT count(*) FROM {index} AS s JOIN {table} AS r ON r.id = s.{key} "
                    f"WHERE s.document = {index}_document(r)"
                )
            )
        assert indexed == rows, index


def test_bulk_writes_leave_the_index_whole_and_the_triggers_live(session, tmp_path):
    services.add_pundit(session, SYSTEM, name="Written Before")
    generate_demo(session, pundits=12, questions=30, seed=5, predictions=90, allow_mixed=True)
    bad = _csv(tmp_path / "bad.csv", [{"pundit": "Refused Row", "statement": "?", "made_at": "x"}])
    with pytest.raises(ValidationError):
        import_file(session, bad, actor=SYSTEM)
    if session.get_bind().dialect.name == "sqlite":  # the refusal's rollback ended the pause
        paused = "SELECT count(*) FROM pragma_table_info('search_paused', 'temp')"
        assert session.scalar(text(paused)) == 0
    else:
        paused = "SELECT current_setting('forecasts.search_paused', true)"
        assert session.scalar(text(paused)) in (None, "", "off")
    good = _csv(
        tmp_path / "good.csv",
        [
            {
                "pundit": "Imported Later",
                "statement": "Will the lighthouse be restored by 2031?",
                "resolution_criteria": "Per the harbour board.",
                "tags": "heritage",
                "probability": "30%",
                "quote": "The lighthouse keeper doubts it.",
                "made_at": "2021-03-01",
            }
        ],
    )
    import_file(session, good, actor=SYSTEM)
    session.expire_all()
    _index_is_whole(session)
    # After the bulk writes (and the refused one), a write is indexed by its trigger.
    services.add_pundit(session, SYSTEM, name="Written Afterwards")
    question = _question(session, "Will the ferry run daily?", tags=["transport"])
    assert [p.name for p in found(session, "afterwards", "pundit")] == ["Written Afterwards"]
    assert found(session, "ferry transport", "question") == [question]
    assert len(found(session, "lighthouse heritage", "question")) == 1
    _index_is_whole(session)
