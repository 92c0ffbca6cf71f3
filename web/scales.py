"""The probability scales that map hedge phrases to numbers, one page per scale version:
its phrases with their points and bands, its citation, and its other versions with
what changed between them. Every "mapped" label links here."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from forecasts.errors import ValidationError
from forecasts.phrases import scales as scale_files
from web import pagecache

blueprint = Blueprint("scales", __name__, url_prefix="/scales")


@blueprint.get("")
@pagecache.reader_page
def index():
    versions: dict[str, list] = {}
    for scale in scale_files.all_scales():
        versions.setdefault(scale.name, []).append(scale)
    return render_template(
        "scales/index.html",
        scales=scale_files.list_scales(),
        versions=versions,
        default=scale_files.DEFAULT_SCALE,
    )


def _changes(older, newer) -> list[tuple[str, str]]:
    """(phrase, what changed) from one version of a scale to the next."""
    before = {e.phrase: e for e in older.entries}
    after = {e.phrase: e for e in newer.entries}
    changed = []
    for phrase, entry in after.items():
        old = before.get(phrase)
        if old is None:
            changed.append((phrase, f"added at {entry.probability:.0%}"))
        elif (old.probability, old.low, old.high) != (entry.probability, entry.low, entry.high):
            changed.append(
                (
                    phrase,
                    f"{old.probability:.0%} ({old.low:.0%}-{old.high:.0%}) became "
                    f"{entry.probability:.0%} ({entry.low:.0%}-{entry.high:.0%})",
                )
            )
    changed += [(phrase, "removed") for phrase in before if phrase not in after]
    return changed


@blueprint.get("/<name>", defaults={"version": None})
@blueprint.get("/<name>/<version>")
@pagecache.reader_page
def show(name: str, version: str | None):
    try:
        scale = scale_files.load_scale(f"{name}@{version}" if version else name)
    except ValidationError:
        abort(404)
    versions = [s for s in scale_files.all_scales() if s.name == scale.name]
    history = [
        (newer, _changes(older, newer))
        for older, newer in zip(versions, versions[1:], strict=False)
    ]
    return render_template(
        "scales/show.html",
        scale=scale,
        versions=versions,
        history=list(reversed(history)),
        latest=versions[-1],
        is_default=scale.name == scale_files.DEFAULT_SCALE,
    )


@blueprint.get("/read")
def read():
    """How a scale reads a hedge phrase, as ``forecasts scale map`` does, for the log
    form's preview: ``?phrase=...&scale=NAME[@VERSION]``. JSON; a 400 names the field."""
    from forecasts.phrases.mapping import map_phrase

    phrase = (request.args.get("phrase") or "").strip()
    if not phrase or len(phrase) > 300:
        return jsonify(field="phrase", rule="is required, at most 300 characters"), 400
    try:
        scale = scale_files.load_scale(request.args.get("scale") or None)
    except ValidationError as error:
        return jsonify(field="scale", rule=error.errors[0].rule), 400
    match = map_phrase(phrase, scale)
    if match is None:
        return jsonify(found=False, scale=scale.ref, title=scale.title)
    return jsonify(
        found=True,
        scale=scale.ref,
        title=scale.title,
        citation=scale.citation,
        phrase=match.phrase,
        probability=match.probability,
        low=match.low,
        high=match.high,
        origin=match.origin,
    )
