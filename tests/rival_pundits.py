"""Pundits of different skill on shared questions, and reading what the leaderboard and
a pundit's page say of them (the web, API and publish tests share these).

Beside the seed registry's author (4 scored forecasts, no shared question), three
pundits with enough scored forecasts to be ranked, from accurate to wrong, a newcomer
with two, and one with none. Ten questions, made on 2020-01-01 and known on 2021-01-01;
question i resolves yes when i is even. Who answers what (so the shared-question counts
differ): q0-q2 Ann, Bob and Cat; q3-q4 Ann and Bob; q5 Ann and Dan; q6 Bob and Cat;
q7-q8 Cat alone; q9 Dan alone.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from forecasts import services

ACTOR = services.Actor.system("test")

# name: (probability given to what happened, questions answered)
RIVALS = {
    "Accurate Ann": (0.9, [0, 1, 2, 3, 4, 5]),
    "Middling Bob": (0.65, [0, 1, 2, 3, 4, 6]),
    "Wrong Cat": (0.3, [0, 1, 2, 6, 7, 8]),
    "Newcomer Dan": (0.5, [5, 9]),
    "Silent Sam": (None, []),
}


def add_rivals(session) -> dict[str, str]:
    """Add the rivals, their questions and forecasts, and the outcomes; {name: slug}."""
    questions = [
        services.add_question(
            session,
            ACTOR,
            statement=f"Will rival question {i} resolve yes?",
            resolution_criteria="As the test says.",
            resolve_by="2020-12-31",
        )
        for i in range(10)
    ]
    slugs = {}
    for name, (right, answered) in RIVALS.items():
        pundit = services.add_pundit(session, ACTOR, name=name)
        slugs[name] = pundit.slug
        for i in answered:
            services.log_prediction(
                session,
                ACTOR,
                question_id=questions[i].id,
                pundit_id=pundit.id,
                made_at="2020-01-01",
                probability=right if i % 2 == 0 else round(1 - right, 2),
            )
    for i, question in enumerate(questions):
        outcome = "yes" if i % 2 == 0 else "no"
        services.resolve_question(
            session, ACTOR, question.id, outcome=outcome, known_at="2021-01-01"
        )
    return slugs


class _Reader(HTMLParser):
    """The rows of a page's ``table.board`` tables (cells by column header) and the
    terms of its ``dl.facts`` lists, as text; and elements' ids and links' targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []  # {"headers": [...], "rows": [[cell, ...], ...]}
        self.facts: dict[str, str] = {}
        self.fact_links: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self._cell: list[str] | None = None
        self._row: list | None = None
        self._href: str | None = None
        self._in_board = False
        self._term: str | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        classes = (attrs.get("class") or "").split()
        if tag == "table" and "board" in classes:
            self._in_board = True
            self.tables.append({"headers": [], "rows": []})
        elif self._in_board and tag == "tr":
            self._row = []
            self._href = None
        elif self._in_board and tag in ("td", "th"):
            self._cell = []
        elif tag == "a" and "href" in attrs:
            if self._in_board and self._cell is not None and self._href is None:
                self._href = attrs["href"]
            if self._term is not None and self._text is not None:
                self.fact_links.setdefault(self._term, []).append(attrs["href"])
        elif tag in ("dt", "dd"):
            self._text = []

    def handle_endtag(self, tag):
        if tag == "table" and self._in_board:
            self._in_board = False
        elif self._in_board and tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._in_board and tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if not table["headers"]:
                table["headers"] = [re.sub(r"\s*[▲▼]$", "", cell) for cell in self._row]
            else:
                table["rows"].append((self._href, self._row))
            self._row = None
        elif tag in ("dt", "dd") and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag == "dt":
                self._term = text
            else:
                self.facts[self._term] = text
                self._term = None
            self._text = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)


def read_page(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def _slug_of(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def leaderboard_rows(html: str) -> dict[str, dict[str, str]]:
    """Every pundit row of a leaderboard page, ranked and not ranked yet: {slug: {column
    header: cell text}}, with ``"list"`` saying which table it is in."""
    rows = {}
    for kind, table in zip(("ranked", "unranked"), _tables_by_kind(read_page(html)), strict=True):
        for href, cells in table["rows"]:
            rows[_slug_of(href)] = {"list": kind, **dict(zip(table["headers"], cells, strict=True))}
    return rows


def _tables_by_kind(reader: _Reader) -> list[dict]:
    """The ranked table and the not-ranked-yet one (told apart by their Rank column)."""
    ranked = [t for t in reader.tables if t["headers"] and t["headers"][0] == "Rank"]
    unranked = [t for t in reader.tables if t["headers"] and t["headers"][0] != "Rank"]
    empty = {"headers": [], "rows": []}
    return [ranked[0] if ranked else empty, unranked[0] if unranked else empty]


def min_n_of(leaderboard_html: str) -> int:
    """The scored forecasts needed to be ranked, as the leaderboard page says it."""
    match = re.search(r"with fewer than (\d+) scored forecasts", leaderboard_html)
    assert match, "the leaderboard does not say how many forecasts a rank needs"
    return int(match.group(1))


def peer_cell(cell: str) -> tuple[str, int]:
    """A leaderboard's Peer Brier cell, "-0.045 (5)" or "—": the number and the count."""
    match = re.fullmatch(r"(\S+)(?: \((\d+)\))?", cell)
    assert match, cell
    return match.group(1), int(match.group(2) or 0)


def standing_on_page(html: str) -> dict:
    """What a pundit's page says of their standing: rank and ranked pundits (None when
    not ranked), scored forecasts, mean Brier, peer Brier and shared questions (as
    printed), and the link to the leaderboard (the Leaderboard fact's)."""
    reader = read_page(html)
    facts = reader.facts
    summary = " ".join(facts.values())
    rank = re.search(r"\brank (\d+)(?: of (\d+) ranked pundits?)?", summary, flags=re.I)
    peer = re.fullmatch(r"(\S+) on (\d+) shared questions? .*", facts.get("Peer Brier", ""))
    brier = re.match(r"\S+", facts.get("Mean Brier", ""))
    scored = re.match(r"\d+", facts.get("Scored forecasts", ""))
    return {
        "rank": int(rank.group(1)) if rank else None,
        "ranked_pundits": int(rank.group(2)) if rank and rank.group(2) else None,
        "not_ranked": re.search(
            r"Not ranked yet: (\d+) of the (\d+) scored forecasts needed", summary
        ),
        "n": int(scored.group(0)) if scored else None,
        "brier": brier.group(0) if brier else None,
        "peer_brier": peer.group(1) if peer else "—",
        "n_peer": int(peer.group(2)) if peer else 0,
        "links": reader.fact_links.get("Leaderboard", []),
        "no_scores": "No scored forecasts yet" in html,
    }
