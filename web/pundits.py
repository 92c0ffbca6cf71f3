"""Pundits: the list, a pundit's page, and the create and edit forms."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from forecasts import queries, services
from web.auth import current_actor, editor_required
from web.database import get_session
from web.forms import PunditForm
from web.formtools import lines, submit, version_of

blueprint = Blueprint("pundits", __name__, url_prefix="/pundits")


@blueprint.get("/")
def index():
    return render_template("pundits/index.html", pundits=queries.list_pundits(get_session()))


@blueprint.get("/<slug>")
def show(slug: str):
    pundit = queries.pundit_by_slug(get_session(), slug) or abort(404)
    predictions = sorted(pundit.predictions, key=lambda p: (p.made_at, p.id))
    return render_template("pundits/show.html", pundit=pundit, predictions=predictions)


def _fields(form: PunditForm) -> dict:
    return {"name": form.name.data, "slug": form.slug.data or None,
            "affiliation": form.affiliation.data, "bio": form.bio.data,
            "links": lines(form.links.data)}


def _saved(pundit):
    flash(f"Pundit {pundit.name} saved.", "success")
    return redirect(url_for("pundits.show", slug=pundit.slug))


@blueprint.route("/new", methods=["GET", "POST"])
@editor_required
def create():
    form = PunditForm()
    return submit(form, lambda: services.add_pundit(get_session(), current_actor(),
                                                    **_fields(form)),
                  _saved, "pundits/form.html", pundit=None)


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@editor_required
def edit(slug: str):
    pundit = queries.pundit_by_slug(get_session(), slug) or abort(404)
    form = PunditForm(obj=SimpleNamespace(
        name=pundit.name, slug=pundit.slug, affiliation=pundit.affiliation, bio=pundit.bio,
        links="\n".join(pundit.links or []), version=str(pundit.version)))
    return submit(form, lambda: services.edit_pundit(
        get_session(), current_actor(), pundit.id, expected_version=version_of(form),
        **_fields(form)), _saved, "pundits/form.html", pundit=pundit)
