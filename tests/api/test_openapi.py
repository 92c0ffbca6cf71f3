"""The OpenAPI description covers every route and every answer, the docs page renders it
without scripts or CDNs, and schemathesis finds no server error and no answer outside
the description."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from support import bearer, make_test_app

WRITES = {
    ("post", "/api/v1/predictions"),
    ("post", "/api/v1/questions"),
    ("post", "/api/v1/questions/{slug}/resolve"),
    ("post", "/api/v1/questions/{slug}/annul"),
    ("post", "/api/v1/questions/{slug}/references"),
    ("post", "/api/v1/unscorable-claims"),
}
# Writes that change or remove a row (answering 200 or 204), each with a version to check.
CHANGES = {
    ("patch", "/api/v1/predictions/{prediction_id}"),
    ("post", "/api/v1/predictions/{prediction_id}/retract"),
    ("post", "/api/v1/predictions/{prediction_id}/restore"),
    ("post", "/api/v1/pundits/{slug}/merge"),
    ("delete", "/api/v1/pundits/{slug}"),
    ("post", "/api/v1/questions/{slug}/merge"),
    ("delete", "/api/v1/questions/{slug}"),
    ("post", "/api/v1/sources/{source_id}/merge"),
    ("delete", "/api/v1/sources/{source_id}"),
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def operations(document):
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    }


def test_every_api_route_is_described(app, document):
    assert document["openapi"].startswith("3.")
    described = set(operations(document))
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method.lower(), path) in described
    assert len(described) == 15 + len(CHANGES)  # 13 + the unscorable claims' two


def test_writes_need_the_bearer_scheme_and_list_every_answer(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for key, operation in operations(document).items():
        statuses = set(operation["responses"])
        if key in WRITES:
            assert operation["security"] == [{"bearerAuth": []}], key
            assert {"201", "400", "401", "403", "422", "429"} <= statuses, key
            assert "requestBody" in operation
        elif key in CHANGES:
            assert operation["security"] == [{"bearerAuth": []}], key
            assert {"400", "401", "403", "404", "409", "422", "429"} <= statuses, key
            assert statuses & {"200", "204"}, key
        else:
            assert {} in operation["security"], key  # no token needed
            assert {"200", "400", "401", "429"} <= statuses or (
                {"200", "401", "404", "429"} <= statuses
            ), key
        if key[1].endswith(("/resolve", "/annul")):
            assert {"404", "409"} <= statuses


def test_the_docs_page_lists_endpoints_parameters_fields_and_answers(client, document):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for method, path in operations(document):
        assert f"{method.upper()} {path}" in html
    for text in (
        "per_page",
        "expected_resolution_id",
        "probability",
        "min_n",
        "status",
        "Authorization: Bearer",
        "409",
        "422",
        "429",
        "Question",
        "Prediction",
    ):
        assert text in html, text
    # Rendered here: no scripts at all, and nothing fetched from another site.
    assert "<script" not in html.split("</head>")[1]
    assert not re.search(r'(src|href)="(https?:)?//', html)


def _described_api() -> dict:
    """The OpenAPI document, read once at collection (it does not depend on the data)."""
    app = make_test_app("sqlite://")
    try:
        return app.test_client().get("/api/v1/openapi.json").get_json()
    finally:
        app.extensions["forecasts.engine"].dispose()


schema = schemathesis.openapi.from_dict(_described_api())
schema.config.generation.update(
    modes=list(schemathesis.GenerationMode), deterministic=True, allow_x00=False
)
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_description(case, app, editor_token):
    """Each operation on a fresh seeded registry, with an editor's token (so writes are
    tried for real): no 5xx, and every answer's status, type, headers and body are the
    ones described."""
    case.call_and_validate(
        app=app,
        headers=bearer(editor_token),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
