"""The audit log page: each event's changes field by field (not JSON), filters by who,
kind of row, action and dates that the pager keeps, and a bad filter named, not a 500."""

from __future__ import annotations

import re

from forecasts import services
from forecasts.db import make_session_factory


def _add_pundits(engine, count: int) -> None:
    with make_session_factory(engine)() as session:
        for i in range(count):
            services.add_pundit(session, services.Actor.system("ada"), name=f"Pundit {i}'s")


def test_events_read_field_by_field_and_filters_narrow_them(as_role, engine, make_app):
    _add_pundits(engine, 3)
    admin = as_role("admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert '<th scope="row">name</th><td>Pundit 0&#39;s</td>' in page
    assert "\\u0027" not in page and "&#34;id&#34;" not in page
    only = admin.get("/admin/audit?who=ada&kind=pundit&action=pundit.create")
    assert only.status_code == 200
    text = only.get_data(as_text=True)
    assert len(re.findall(r'class="audit-event"', text)) == 3
    assert "3 events match the filter" in text
    none = admin.get("/admin/audit?since=2999-01-01").get_data(as_text=True)
    assert "No event matches." in none


def test_the_pager_keeps_the_filter(engine, make_app):
    _add_pundits(engine, 5)
    app = make_app(PAGE_SIZE=2)
    from support import sign_in

    client = sign_in(app.test_client(), "admin")
    page = client.get("/admin/audit?who=ada").get_data(as_text=True)
    older = re.search(r'href="([^"]*page=2[^"]*)">Older', page)
    assert older and "who=ada" in older.group(1)
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Page 2 of 3" in second and second.count('class="audit-event"') == 2


def test_a_bad_filter_is_named_and_the_rest_still_applies(as_role):
    response = as_role("admin").get("/admin/audit?since=May&kind=user")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "since: must be a date as YYYY-MM-DD" in text
    assert "match the filter" in text  # the kind filter still applies
    assert as_role("editor").get("/admin/audit").status_code == 403
