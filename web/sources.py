"""Sources: pieces of commentary, with the predictions logged from each."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forecasts import queries, services
from forecasts.errors import ValidationError
from forecasts.models import Source
from web import pagecache
from web.auth import current_actor, editor_required
from web.corrections import moved
from web.database import get_session
from web.forms import SourceForm
from web.formtools import submit, version_of
from web.paging import current_page

blueprint = Blueprint("sources", __name__, url_prefix="/sources")


@blueprint.get("/")
@pagecache.reader_page
def index():
    listing = current_page(lambda page, size: queries.source_page(get_session(), page, size))
    return render_template("sources/index.html", sources=listing.items, **listing.numbers())


@blueprint.get("/<int:source_id>")
@pagecache.reader_page
def show(source_id: int):
    session = get_session()
    source = session.get(Source, source_id) or moved("source", str(source_id))
    return render_template(
        "sources/show.html",
        source=source,
        predictions=queries.source_predictions(session, source.id),
    )


def _fields(form: SourceForm) -> dict:
    return {
        "title": form.title.data,
        "outlet": form.outlet.data,
        "url": form.url.data,
        "published_on": form.published_on.data,
        "full_text": form.full_text.data,
        "note": form.note.data,
        "author_pundit_id": _author(form.author.data),
    }


def _author(text: str | None) -> int | None:
    """The pundit an author field names (slug, else exact name), or None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    pundit = queries.pundit_by_name_or_slug(get_session(), text)
    if pundit is None:
        raise ValidationError(
            "author", f"names no pundit (no pundit has the slug or name {text!r}); add them first"
        )
    return pundit.id


def _saved(source):
    flash("Source saved.", "success")
    return redirect(url_for("sources.show", source_id=source.id))


@blueprint.route("/new", methods=["GET", "POST"])
@editor_required
def create():
    form = SourceForm()
    return submit(
        form,
        lambda: services.add_source(get_session(), current_actor(), **_fields(form)),
        _saved,
        "sources/form.html",
        source=None,
    )


@blueprint.route("/<int:source_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(source_id: int):
    source = get_session().get(Source, source_id) or abort(404)
    form = SourceForm(
        obj=SimpleNamespace(
            title=source.title,
            outlet=source.outlet,
            url=source.url or "",
            published_on=source.published_on.isoformat(),
            full_text=source.full_text,
            note=source.note,
            author=source.author.slug if source.author else "",
            version=str(source.version),
        )
    )
    return submit(
        form,
        lambda: services.edit_source(
            get_session(),
            current_actor(),
            source.id,
            expected_version=version_of(form),
            **_fields(form),
        ),
        _saved,
        "sources/form.html",
        source=source,
    )
