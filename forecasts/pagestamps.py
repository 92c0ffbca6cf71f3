"""What a pundit's or a question's page shows, summed up in one cheap value.

The page store (``web.pagecache``) keeps most public pages under the registry's stamp,
which changes with every write: right for the leaderboard and the lists, which any
write can change, but wasteful for a pundit's or a question's page, which a write
elsewhere leaves as it was. A page's **stamp** here is a tuple read by one SQL
statement of index lookups that changes whenever anything the page shows changes:

- the row itself (its ``version``, which every update through the ORM raises);
- the rows it lists: their count, highest id and summed versions (an added, removed or
  corrected prediction, claim or question changes one of them; resolutions and
  reference points are only ever added, so their count and highest id suffice);
- the kept scores of its forecasts (``prediction_scores``: counts, sums of each score
  and of the status's length), which move with anything that moves a score: another
  pundit's forecast on a shared question (peer scores), a reference point, a
  condition's outcome.

The stamp is read in the same database as the page, before the page is rendered, so a
page stored under a stamp is at least as new as the stamp. It leaves out what the web
app adds (the pundit's standing on the board, the demo banner, the day): the page store
adds those to the key itself. Nothing here is compared across databases: floating sums
only have to repeat in the database that made them.

A stamp of ``None`` means there is no such row (the page is a redirect or a 404), and
the caller keys the page by the registry's stamp instead.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# The kept scores of a set of forecasts, as one row of sums.
_KEPT = (
    "SELECT count(*) AS n, sum(brier) AS brier, sum(log_score) AS log_score, "
    "sum(peer_brier) AS peer, sum(vs_reference_brier) AS reference, "
    "sum(time_averaged) AS averaged, sum(length(status)) AS statuses, "
    "sum(CASE WHEN final THEN 1 ELSE 0 END) AS finals "
    "FROM prediction_scores WHERE {where}"
)

_PUNDIT_SQL = text(
    "SELECT * FROM "
    "(SELECT version FROM pundits WHERE id = :id) AS pundit, "
    "(SELECT count(*), max(id), sum(version) FROM predictions WHERE pundit_id = :id) AS made, "
    "(SELECT count(*), sum(version) FROM questions WHERE id IN "
    " (SELECT question_id FROM predictions WHERE pundit_id = :id)) AS asked, "
    "(SELECT count(*), max(id) FROM resolutions WHERE question_id IN "
    " (SELECT question_id FROM predictions WHERE pundit_id = :id)) AS known, "
    "(SELECT count(*), max(id), sum(version) FROM unscorable_claims WHERE pundit_id = :id) "
    " AS claimed, "
    f"({_KEPT.format(where='pundit_id = :id')}) AS kept"
)

_QUESTION_SQL = text(
    "SELECT * FROM "
    "(SELECT version, condition_question_id FROM questions WHERE id = :id) AS question, "
    # Its condition (shown with its outcome) and the questions conditional on it.
    "(SELECT count(*), sum(version) FROM questions WHERE condition_question_id = :id OR id = "
    " (SELECT condition_question_id FROM questions WHERE id = :id)) AS related, "
    "(SELECT count(*), max(id) FROM resolutions WHERE question_id = :id OR question_id = "
    " (SELECT condition_question_id FROM questions WHERE id = :id)) AS known, "
    "(SELECT count(*), max(id), sum(version) FROM predictions WHERE question_id = :id) AS made, "
    "(SELECT count(*), sum(version) FROM pundits WHERE id IN "
    " (SELECT pundit_id FROM predictions WHERE question_id = :id)) AS who, "
    "(SELECT count(*), sum(version) FROM sources WHERE id IN "
    " (SELECT source_id FROM predictions WHERE question_id = :id)) AS cited, "
    "(SELECT count(*), sum(version) FROM users WHERE id IN "
    " (SELECT resolved_by_id FROM resolutions WHERE question_id = :id)) AS judges, "
    "(SELECT count(*), max(id), sum(probability) FROM reference_forecasts "
    " WHERE question_id = :id) AS outside, "
    "(SELECT count(*), sum(tag_id) FROM question_tags WHERE question_id = :id) AS tagged, "
    "(SELECT count(*), max(id) FROM question_options WHERE question_id = :id) AS options, "
    "(SELECT count(*), max(id), sum(version) FROM unscorable_claims WHERE question_id = :id) "
    " AS claimed, "
    f"({_KEPT.format(where='question_id = :id')}) AS kept"
)


def _stamp(session: Session, sql, key_sql: str, key: str) -> tuple | None:
    row_id = session.execute(text(key_sql), {"key": key}).scalar()
    if row_id is None:
        return None
    row = session.execute(sql, {"id": row_id}).first()
    return None if row is None else (row_id, *row)


def pundit_stamp(session: Session, slug: str) -> tuple | None:
    """The stamp of the pundit page of ``slug``; None when no pundit has that slug."""
    return _stamp(session, _PUNDIT_SQL, "SELECT id FROM pundits WHERE slug = :key", slug)


def question_stamp(session: Session, slug: str) -> tuple | None:
    """The stamp of the question page of ``slug``; None when no question has that slug."""
    return _stamp(session, _QUESTION_SQL, "SELECT id FROM questions WHERE slug = :key", slug)
