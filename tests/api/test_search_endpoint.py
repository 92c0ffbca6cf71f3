"""/api/v1/search: grouped, paged results with the matched words marked in escaped
HTML; input it cannot read is a 400 naming the field."""

from __future__ import annotations

import pytest

from forecasts import services
from support import field_rules


def test_search_answers_every_kind_with_links_and_marks(client):
    response = client.get("/api/v1/search?q=iran")
    body = response.get_json()
    assert response.status_code == 200
    assert body["words"] == ["iran"] and body["kind"] is None
    groups = {group["kind"]: group for group in body["groups"]}
    assert list(groups) == ["question", "pundit", "source", "prediction"]
    assert groups["question"]["total"] == 5 and groups["pundit"]["total"] == 1
    for group in body["groups"]:
        assert len(group["items"]) == min(group["total"], group["per_page"])
        for item in group["items"]:
            assert "<mark>" in item["title_html"] + (item["excerpt_html"] or "")
            assert client.get(item["url"]).status_code == 200, item["url"]
    quote = groups["prediction"]["items"][0]
    assert quote["pundit"] == "op-ed-author-iran-us-iraq-2020" and quote["question"]


def test_one_kind_comes_a_page_at_a_time(client):
    first = client.get("/api/v1/search?q=iran&kind=question&per_page=2").get_json()
    (group,) = first["groups"]
    assert group["kind"] == "question" and group["pages"] == 3 and group["total"] == 5
    seen = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/search?q=iran&kind=question&per_page=2&page={page}")
        seen += [item["slug"] for item in body.get_json()["groups"][0]["items"]]
    assert len(seen) == len(set(seen)) == 5


def test_stored_html_is_escaped_before_marking(client, sessions):
    with sessions() as session:
        services.add_pundit(session, services.Actor.system(), name="<b onclick=x>Quillon</b>")
    item = client.get("/api/v1/search?q=quillon&kind=pundit").get_json()["groups"][0]["items"][0]
    assert item["title"] == "<b onclick=x>Quillon</b>"
    assert item["title_html"] == "&lt;b onclick=x&gt;<mark>Quillon</mark>&lt;/b&gt;"


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ("", "q", "is required"),
        ("q=", "q", "must contain a word to search for (letters or digits)"),
        ("q=%22%27%2A", "q", "must contain a word to search for (letters or digits)"),
        ("q=" + "a" * 201, "q", "must be at most 200 characters (got 201)"),
        ("q=iran&kind=user", "kind", "must be one of"),
        ("q=iran&per_page=0", "per_page", "must be between 1 and 100 (got 0)"),
        ("q=iran&page=0", "page", "must be between 1 and 1000000 (got 0)"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, query, field, rule):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert field_rules(response)[field].startswith(rule)
