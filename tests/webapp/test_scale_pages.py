"""A page per scale version: its phrases with point and band, its citation, its other
versions and what changed; every "mapped" label links to the version it was read with."""

from __future__ import annotations

import html

from forecasts.phrases.scales import all_scales


def test_every_scale_version_has_its_page_with_phrases_and_citation(as_role):
    client = as_role(None)
    index = client.get("/scales").get_data(as_text=True)
    for scale in all_scales():
        assert f'/scales/{scale.name}/{scale.version}"' in index
        page = client.get(f"/scales/{scale.name}/{scale.version}")
        assert page.status_code == 200, scale.ref
        text = html.unescape(page.get_data(as_text=True))
        assert scale.title in text
        assert scale.citation.split()[0] in text
        assert f"“{scale.entries[0].phrase}”" in text
    assert client.get("/scales/icd-203").status_code == 200  # the latest version
    assert client.get("/scales/no-such-scale").status_code == 404
    assert client.get("/scales/icd-203/1999").status_code == 404


def test_a_later_version_says_what_changed(as_role):
    versions = [s for s in all_scales() if s.name == "registry-default"]
    assert len(versions) >= 2
    page = as_role(None).get(f"/scales/registry-default/{versions[-1].version}")
    assert f"What changed in {versions[-1].version}" in page.get_data(as_text=True)


def test_mapped_labels_link_to_their_scale(as_role):
    page = as_role(None).get("/questions/us-iran-war-by-end-2020").get_data(as_text=True)
    assert 'href="/scales/icd-203/2015"' in page
    phrases = as_role(None).get("/phrases").get_data(as_text=True)
    assert 'title="Wilson 95% interval"' in phrases and 'href="/scales"' in phrases


def test_the_reading_endpoint_maps_a_phrase_as_the_command_does(as_role):
    client = as_role("editor")
    answer = client.get("/scales/read?phrase=almost+certain&scale=registry-default").get_json()
    assert answer["found"] is True and answer["probability"] == 0.95
    assert answer["scale"].startswith("registry-default@") and answer["citation"]
    none = client.get("/scales/read?phrase=a+purple+elephant").get_json()
    assert none["found"] is False
    bad = client.get("/scales/read?phrase=likely&scale=nope")
    assert bad.status_code == 400 and bad.get_json()["field"] == "scale"
    assert client.get("/scales/read").status_code == 400
