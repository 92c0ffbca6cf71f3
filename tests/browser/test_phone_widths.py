"""Every page at a phone's width (390 x 844 CSS pixels) fits without sideways scrolling.

An admin visits every public and editor page of the seeded registry (plus one question
falling due, so the due queue and its resolve form have rows) and the page's scroll
width is compared with the viewport's. Wide tables may scroll inside their own box; the
page itself may not. The test also fails when a page route of the app is not visited,
so a new page cannot escape the check. Each page is saved as a screenshot.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forecasts import services
from forecasts.db import make_engine, make_session_factory
from forecasts.models import Pundit, Question, Source, User
from support import PASSWORD, sign_in_page
from web import create_app

pytestmark = pytest.mark.browser
SYSTEM = services.Actor.system("test")
PHONE = {"width": 390, "height": 844}
# Routes that are not pages a person reads: JSON, files, health checks and POST-only
# actions. Everything else the app serves with GET must be visited below.
NOT_PAGES = {
    "static",
    "questions.health",
    "api_docs.openapi_json",
    "feeds.due_atom",  # Atom and iCalendar feeds, read by feed readers and calendars
    "feeds.due_ics",
    "scales.read",  # JSON for the log form's preview of a phrase's reading
}


@pytest.fixture
def phone_registry(seeded_url):
    """The seed registry, an admin, and a question past its deadline with a forecast."""
    engine = make_engine(seeded_url)
    with make_session_factory(engine)() as session:
        services.create_user(session, SYSTEM, name="ada", role="admin", password=PASSWORD)
        question = services.add_question(
            session,
            SYSTEM,
            statement="Will the Strait of Hormuz be closed to commercial shipping for a "
            "week or more before the end of the year?",
            resolution_criteria="Yes if major shipping agencies report the strait closed.",
            resolve_by=(dt.date.today() - dt.timedelta(days=3)).isoformat(),
            tags=["iran", "shipping"],
        )
        pundit = session.scalars(select(Pundit)).first()
        logged = services.log_prediction(
            session,
            SYSTEM,
            question_id=question.id,
            pundit_id=pundit.id,
            made_at=(dt.date.today() - dt.timedelta(days=30)).isoformat(),
            probability=0.1,
            hedge_phrase="unlikely",
        )
        paths = [
            "/",
            "/leaderboard",
            "/phrases",
            "/scales",
            "/scales/registry-default",
            "/scales/icd-203/2015",
            "/pundits/",
            "/sources/",
            "/api/v1/docs",
            "/search?q=iran+war",
            "/tags/iran",
        ]
        paths += [f"/questions/{q.slug}" for q in session.scalars(select(Question))]
        paths += [f"/pundits/{p.slug}" for p in session.scalars(select(Pundit))]
        sources = list(session.scalars(select(Source)))
        paths += [f"/sources/{s.id}" for s in sources]
        editor = ["/predictions/new", "/questions/new", "/pundits/new", "/sources/new"]
        editor += ["/extract", "/due", f"/questions/{question.slug}/resolve"]
        editor += [f"/questions/{question.slug}/edit", f"/pundits/{pundit.slug}/edit"]
        editor += [f"/sources/{sources[0].id}/edit", f"/sources/{sources[0].id}/candidates"]
        users = list(session.scalars(select(User)))
        editor += ["/account", "/admin/users", "/admin/audit"]
        editor += [f"/admin/users/{user.id}" for user in users]
        paths.append(f"/predictions/{logged.id}/history")
        editor += [f"/predictions/{logged.id}/correct", f"/predictions/{logged.id}/retract"]
        editor += [f"/pundits/{pundit.slug}/merge"]
    engine.dispose()
    return paths, editor


def _endpoints_visited(url: str, paths: list[str]) -> tuple[set[str], set[str]]:
    """The GET page endpoints of the app, and those the paths reach."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    adapter = app.url_map.bind("localhost")
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint not in NOT_PAGES
        and not rule.endpoint.startswith("api.")
    }
    visited = {adapter.match(urlsplit(path).path, method="GET")[0] for path in paths}
    app.extensions["forecasts.engine"].dispose()
    return pages, visited


def _too_wide(page, base: str, path: str, who: str) -> str | None:
    page.goto(base + path)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return f"{path} ({who}) is {width}px wide" if width > viewport else None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_fits_a_phone(browser, seeded_url, phone_registry, live_server, shoot):
    public, editor = phone_registry
    pages, visited = _endpoints_visited(seeded_url, public + editor + ["/login"])
    assert pages <= visited, f"pages not checked at 390 px: {sorted(pages - visited)}"

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    offenders = [_too_wide(page, live_server, "/login", "signed out")]
    shoot(page, "login")
    for path in public:  # as a reader, signed out
        offenders.append(_too_wide(page, live_server, path, "signed out"))
        shoot(page, "public" + path.replace("/", "-"))
    # The leaderboard's unused filters start folded, so its first screen shows the board.
    page.goto(live_server + "/leaderboard")
    assert not page.get_by_label("Tag").is_visible()
    page.locator("summary", has_text="Filters").click()
    assert page.get_by_label("Tag").is_visible()
    sign_in_page(page, live_server, "ada")
    # At this width the navigation folds behind one button, so the first screen is content.
    audit_link = page.get_by_role("link", name="Audit log")
    assert not audit_link.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert audit_link.is_visible()
    shoot(page, "menu-open")
    for path in public + editor:  # signed in: the navigation is longest for an admin
        offenders.append(_too_wide(page, live_server, path, "as an admin"))
        shoot(page, "admin" + path.replace("/", "-"))
    context.close()
    offenders = [line for line in offenders if line]
    assert not offenders, f"wider than the {PHONE['width']}px viewport: " + "; ".join(offenders)
