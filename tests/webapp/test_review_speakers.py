"""The review queue proposes a reported forecast's speaker as the pundit: the existing
pundit whose name fits, else a new pundit of that name."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from sqlalchemy.orm import Session

from forecasts.models import Pundit

TEXT = (
    "Rates and the year ahead\n\n"
    "The bank's chief economist, Ana Ortiz, has predicted a downturn next year. "
    "Growth will pick up in 2026, according to Tomas Berg, an analyst at Nordhaus."
)


def _paste(client) -> str:
    response = client.post(
        "/extract",
        data={
            "source": "new",
            "title": "Year ahead",
            "published_on": "2024-11-04",
            "full_text": TEXT,
        },
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_reported_speakers_are_shown_and_proposed_as_pundits(as_role, engine):
    with Session(engine) as session:
        session.add(Pundit(slug="ana-ortiz", name="Ana Ortiz", bio="", affiliation=""))
        session.commit()
    client = as_role("editor")
    page = _paste(client)
    assert "Ana Ortiz" in page and "reported" in page and "has predicted" in page
    assert "Tomas Berg" in page and "new pundit" in page
    actions = re.findall(r'action="(/sources/\d+/candidates/\d+-\d+)"', page)
    assert len(actions) == 2
    ortiz = parse_qs(
        urlparse(client.post(actions[0], data={"decision": "accepted"}).headers["Location"]).query
    )
    with Session(engine) as session:
        known = session.query(Pundit).filter_by(slug="ana-ortiz").one()
    assert ortiz["pundit"] == [str(known.id)]
    berg = parse_qs(
        urlparse(client.post(actions[1], data={"decision": "accepted"}).headers["Location"]).query
    )
    assert berg["pundit"] == ["new"] and berg["new_pundit_name"] == ["Tomas Berg"]
    form = client.get("/predictions/new?pundit=new&new_pundit_name=Tomas+Berg").get_data(
        as_text=True
    )
    assert 'value="Tomas Berg"' in form
