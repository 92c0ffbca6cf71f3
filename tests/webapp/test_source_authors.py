"""A source can name its author (a pundit): set on the source form by slug or name,
shown on the source page, kept by edits that do not mention it, refused when it names
no pundit; the review queue proposes the author for a forecast said in their own voice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import services
from forecasts.errors import ValidationError
from forecasts.models import Pundit, Source

SEED_AUTHOR = "op-ed-author-iran-us-iraq-2020"


def test_the_form_sets_the_author_and_the_page_shows_it(as_role, engine, snapshot_of):
    editor = as_role("editor")
    fields = {"title": "A column", "published_on": "2024-01-02", "author": SEED_AUTHOR}
    created = editor.post("/sources/new", data=fields)
    assert created.status_code == 302
    page = editor.get(created.headers["Location"]).get_data(as_text=True)
    assert f'href="/pundits/{SEED_AUTHOR}"' in page and "<dt>Author</dt>" in page
    before = snapshot_of(engine)
    refused = editor.post("/sources/new", data={**fields, "title": "B", "author": "Nobody"})
    assert refused.status_code == 422
    assert "Author: names no pundit" in refused.get_data(as_text=True)
    assert snapshot_of(engine) == before


def test_edits_keep_the_author_unless_told(engine):
    actor = services.Actor.system()
    with Session(engine) as session:
        author = session.scalar(select(Pundit).where(Pundit.slug == SEED_AUTHOR))
        source = services.add_source(
            session, actor, title="Col", published_on="2024-01-01", author_pundit_id=author.id
        )
        source = services.edit_source(
            session, actor, source.id, expected_version=1, title="Col 2", published_on="2024-01-01"
        )
        assert source.author_pundit_id == author.id
        source = services.edit_source(
            session,
            actor,
            source.id,
            expected_version=2,
            title="Col 2",
            published_on="2024-01-01",
            author_pundit_id=None,
        )
        assert source.author_pundit_id is None
        with pytest.raises(ValidationError) as error:
            services.add_source(
                session, actor, title="X", published_on="2024-01-01", author_pundit_id=999999
            )
        assert error.value.errors[0].field == "author_pundit_id"


def test_the_review_queue_proposes_the_author_for_their_own_voice(as_role, engine):
    with Session(engine) as session:
        source = session.scalar(select(Source).order_by(Source.id))
        author = session.scalar(select(Pundit).where(Pundit.slug == SEED_AUTHOR))
        services.edit_source(
            session,
            services.Actor.system(),
            source.id,
            expected_version=source.version,
            title=source.title,
            published_on=source.published_on,
            author_pundit_id=author.id,
        )
        source_id, author_id = source.id, author.id
    editor = as_role("editor")
    html = editor.get(f"/sources/{source_id}/candidates").get_data(as_text=True)
    action = re.search(r'action="(/sources/\d+/candidates/\d+-\d+)"', html).group(1)
    location = editor.post(action, data={"decision": "accepted"}).headers["Location"]
    assert f"pundit={author_id}" in location
