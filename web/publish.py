"""A static copy of the public site, its data as CSV and JSON, and an Atom feed.

The pages are the web app's own, rendered for an anonymous reader with the static-site
switch on (no sign-in link, no filter form), then every site link is rewritten to a
relative file path, so the copy works from a file system or any static host. Only public
data goes out: no accounts, no emails, no audit trail beyond who resolved. The output
depends only on the registry: publishing twice gives the same files.

A publication is replaced whole: the new copy is written into a hidden sibling folder
and renamed into place only once every file is written, so a failure midway leaves the
previous copy as it was and no half-written files (and files of pages that no longer
exist do not linger).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forecasts import claims, moments, references, scores
from forecasts.csvsafe import neutralise_frame
from forecasts.models import Prediction, Pundit, Question, Resolution, Source
from forecasts.phrases.scales import all_scales
from forecasts.transfer import exporting
from web import create_app

FEED_ID = "tag:forecast-registry,2020:resolutions"
# Files the copy holds besides the pages; the static site's footer links to them.
DATA_FILES = (
    "/feed.xml",
    "/data/predictions.csv",
    "/data/predictions.json",
    "/data/leaderboard.csv",
    "/data/leaderboard.json",
    "/data/references.csv",
    "/data/references.json",
    "/data/unscorable_claims.csv",
    "/data/unscorable_claims.json",
)
PREDICTION_COLUMNS = [
    "prediction_id",
    "pundit_slug",
    "pundit_name",
    "question_slug",
    "statement",
    "kind",
    "made_at",
    "probability",
    "hedge_phrase",
    "probability_origin",
    "scale_name",
    "scale_version",
    "quote",
    "outcome",
    "known_at",
    "status",
    "brier",
    "log_score",
    "final",
]


def _page_map(session) -> dict[str, str]:
    """Every public page: its URL path in the app, and its file in the static copy."""
    pages = {
        "/": "index.html",
        "/leaderboard": "leaderboard.html",
        "/phrases": "phrases.html",
        "/pundits/": "pundits/index.html",
        "/sources/": "sources/index.html",
    }
    for slug in session.scalars(select(Pundit.slug).order_by(Pundit.slug)):
        pages[f"/pundits/{slug}"] = f"pundits/{slug}.html"
    for slug in session.scalars(select(Question.slug).order_by(Question.slug)):
        pages[f"/questions/{slug}"] = f"questions/{slug}.html"
    for source_id in session.scalars(select(Source.id).order_by(Source.id)):
        pages[f"/sources/{source_id}"] = f"sources/{source_id}.html"
    changed = select(Prediction.id).where(
        (Prediction.corrected_at.is_not(None)) | (Prediction.retracted_at.is_not(None))
    )
    for prediction_id in session.scalars(changed.order_by(Prediction.id)):
        # A corrected or retracted prediction's history, one click from where it is shown.
        pages[f"/predictions/{prediction_id}/history"] = f"predictions/{prediction_id}-history.html"
    pages["/scales"] = "scales/index.html"
    for scale in all_scales():
        pages[f"/scales/{scale.name}/{scale.version}"] = f"scales/{scale.name}/{scale.version}.html"
        pages[f"/scales/{scale.name}"] = f"scales/{scale.name}.html"  # the latest version
    return pages


_LINK = re.compile(r'(?P<attr>href|src)="(?P<url>/[^"]*)"')


def _relative_links(html: str, here: str, pages: dict[str, str]) -> str:
    """Site links become paths relative to the page's own file; links to pages that do
    not exist in the copy (sign-in, forms) lose their href."""
    folder = posixpath.dirname(here) or "."

    def rewrite(match: re.Match) -> str:
        parts = urlsplit(match.group("url").replace("&amp;", "&"))
        if parts.path.startswith("/static/") or parts.path in DATA_FILES:
            target = parts.path.lstrip("/")
        elif parts.path in pages and not parts.query:
            target = pages[parts.path]
        else:
            return 'data-unpublished=""'
        relative = posixpath.relpath(target, folder)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f'{match.group("attr")}="{relative}{fragment}"'

    return _LINK.sub(rewrite, html)


def publish(
    database_url: str, outdir: Path, progress: Callable[[Iterable, int], Iterable] | None = None
) -> dict[str, int]:
    """Write the static site, data files and feed to ``outdir``; returns counts."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "STATIC_SITE": True,
            "TESTING": True,
            "SECRET_KEY": "static-site",
            "PAGE_SIZE": 10**9,
            # Every page rendered afresh; the board every pundit page reads its
            # standing from computed once, in a store of this process's own.
            "PAGE_CACHE": False,
            "BOARD_CACHE": True,
            "REFIT_INLINE": True,  # a copy shows every score as of its publication
            "CACHE_TYPE": "SimpleCache",
        }
    )
    engine = app.extensions["forecasts.engine"]
    try:
        with _replacing(outdir) as staging, app.extensions["forecasts.sessions"]() as session:
            pages = _page_map(session)
            frame = scores.prediction_frame(session)
            board = scores.leaderboard_from(
                frame,
                app.config.get("LEADERBOARD_MIN_N", scores.DEFAULT_MIN_N),
                claims.claim_counts(session),
            )
            resolutions = list(
                session.scalars(
                    select(Resolution)
                    .options(
                        selectinload(Resolution.question),
                        selectinload(Resolution.option),
                        selectinload(Resolution.resolved_by),
                    )
                    .order_by(Resolution.resolved_at.desc(), Resolution.id.desc())
                )
            )
            _write_pages(app, pages, staging, progress)
            _copy_static(app, staging)
            _write_data(frame, board, staging, _outside_tables(session))
            (staging / "feed.xml").write_text(_atom(resolutions, pages), encoding="utf-8")
    finally:
        engine.dispose()
    return {
        "pages": len(pages),
        "predictions": len(frame),
        "pundits": len(board),
        "resolutions": len(resolutions),
    }


@contextmanager
def _replacing(outdir: Path) -> Iterator[Path]:
    """A fresh folder beside ``outdir`` to write the new copy into; when the block ends
    without error it takes ``outdir``'s place, and on any error it is removed, leaving
    ``outdir`` untouched. A sibling, so the final rename stays on one file system; made
    with ``mkdir`` (not ``mkdtemp``, whose mode 700 a web server could not read)."""
    outdir = outdir.resolve()  # a symlinked site folder: replace what it points to
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = outdir.with_name(f".{outdir.name}.publishing-{secrets.token_hex(6)}")
    staging.mkdir()
    try:
        yield staging
        _swap_into_place(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, outdir: Path) -> None:
    """Rename ``staging`` to ``outdir``. An earlier copy is first renamed aside and only
    deleted once the new one stands; if the second rename fails it is put back."""
    if not outdir.exists():
        os.replace(staging, outdir)
        return
    previous = outdir.with_name(f".{outdir.name}.previous-{secrets.token_hex(6)}")
    os.replace(outdir, previous)
    try:
        os.replace(staging, outdir)
    except BaseException:
        os.replace(previous, outdir)
        raise
    shutil.rmtree(previous)


def _write_pages(app, pages: dict[str, str], outdir: Path, progress) -> None:
    client = app.test_client()
    items = sorted(pages.items(), key=lambda item: item[1])
    iterator = progress(items, len(items)) if progress else items
    for path, filename in iterator:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"publishing {path} failed with status {response.status_code}")
        html = _relative_links(response.get_data(as_text=True), filename, pages)
        target = outdir / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def _copy_static(app, outdir: Path) -> None:
    static = outdir / "static"
    static.mkdir(exist_ok=True)
    for name in ("site.css", "forms.js"):
        shutil.copyfile(Path(app.static_folder) / name, static / name)


def _outside_tables(session) -> dict[str, pd.DataFrame]:
    """The reference forecasts (in the format ``forecasts import references`` reads)
    and the unscorable claims (without who logged them: no accounts go out)."""
    claim_columns = [c for c in exporting.UNSCORABLE_CLAIM_COLUMNS if c != "logged_by"]
    return {
        "references": pd.DataFrame(
            list(exporting.reference_rows(session)), columns=list(references.COLUMNS)
        ),
        "unscorable_claims": pd.DataFrame(
            list(exporting.unscorable_claim_rows(session)), columns=claim_columns
        ),
    }


def _write_data(frame, board, outdir: Path, tables: dict[str, pd.DataFrame]) -> None:
    data = outdir / "data"
    data.mkdir(exist_ok=True)
    predictions = frame.assign(
        outcome=frame["outcome_option"].where(frame["outcome_option"].notna(), frame["resolution"]),
        made_at=[
            None if m is None or m != m else moments.iso(moments.when_of(m.to_pydatetime(), p))
            for m, p in zip(frame["made_at"], frame["made_at_precision"], strict=True)
        ],
        known_at=frame["known_at"].map(
            lambda when: moments.iso(when) if when is not None and when == when else None
        ),
    )[PREDICTION_COLUMNS]
    for name, table in (("predictions", predictions), ("leaderboard", board), *tables.items()):
        neutralise_frame(table).to_csv(data / f"{name}.csv", index=False, lineterminator="\n")
        (data / f"{name}.json").write_text(
            json.dumps(scores.records(table), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def _iso(moment) -> str | None:
    if moment is None or moment != moment:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _atom(resolutions: list[Resolution], pages: dict[str, str]) -> str:
    """An Atom 1.0 feed (RFC 4287) of every resolution, newest first."""
    updated = _iso(resolutions[0].resolved_at) if resolutions else "1970-01-01T00:00:00Z"
    entries = []
    for resolution in resolutions:
        question = resolution.question
        link = pages.get(f"/questions/{question.slug}", "index.html")
        who = (
            resolution.resolved_by.name
            if resolution.resolved_by
            else ("the registry (automatic)" if resolution.automatic else "registry editors")
        )
        summary = f"Outcome: {resolution.outcome_label}, known {moments.shown(resolution.known)}."
        if resolution.note:
            summary += f" {resolution.note}"
        if resolution.evidence_url:
            summary += f" Evidence: {resolution.evidence_url}"
        entries.append(
            "  <entry>\n"
            f"    <id>tag:forecast-registry,2020:resolution/{resolution.id}</id>\n"
            f"    <title>{escape(question.statement)} — {escape(resolution.outcome_label)}"
            "</title>\n"
            f"    <updated>{_iso(resolution.resolved_at)}</updated>\n"
            f"    <author><name>{escape(who)}</name></author>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(link)}"/>\n'
            f"    <summary>{escape(summary)}</summary>\n"
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{FEED_ID}</id>\n"
        "  <title>Forecast registry: resolutions</title>\n"
        f"  <updated>{updated}</updated>\n"
        "  <author><name>Forecast registry editors</name></author>\n"
        '  <link rel="self" href="feed.xml"/>\n'
        '  <link rel="alternate" type="text/html" href="index.html"/>\n'
        + "".join(entries)
        + "</feed>\n"
    )
