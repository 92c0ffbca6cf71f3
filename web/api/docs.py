"""The API's description: the OpenAPI document, and the same read as a page (rendered
here, no scripts, nothing from a CDN)."""

from __future__ import annotations

import json
import re

from flask import Blueprint, current_app, jsonify, render_template
from markupsafe import Markup, escape

blueprint = Blueprint("api_docs", __name__, url_prefix="/api/v1")


def spec() -> dict:
    return current_app.extensions["forecasts.api"].spec.to_dict()


@blueprint.get("/openapi.json")
def openapi_json():
    return jsonify(spec())


@blueprint.get("/docs")
def docs():
    document = spec()
    return render_template(
        "api/docs.html",
        info=document["info"],
        paragraphs=paragraphs(document["info"].get("description", "")),
        operations=operations(document),
        schemas=[
            (name, _fields(document, schema))
            for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
        ],
        schemes=document.get("components", {}).get("securitySchemes", {}),
    )


def paragraphs(text: str) -> list[Markup]:
    """The description's paragraphs, with its `code` and **bold** marked up (escaped)."""
    found = []
    for block in re.split(r"\n\s*\n", text.strip()):
        html = str(escape(" ".join(block.split())))
        html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
        html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", html)
        found.append(Markup(html))
    return found


METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def operations(document: dict) -> list[dict]:
    """Each operation with its parameters, body fields and responses, references resolved:
    what the page lists."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHOD_ORDER:
            operation = item.get(method)
            if operation is None:
                continue
            content = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            )
            body = content.get("schema")
            found.append(
                {
                    "id": _anchor(method, path),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "token": _token_rule(operation.get("security")),
                    "parameters": [
                        _parameter(p)
                        for p in item.get("parameters", []) + operation.get("parameters", [])
                    ],
                    "body": _fields(document, body) if body else None,
                    "example": (
                        json.dumps(content["example"], indent=2) if "example" in content else None
                    ),
                    "responses": [
                        _response(document, status, response)
                        for status, response in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return found


def _anchor(method: str, path: str) -> str:
    words = path.strip("/").replace("{", "").replace("}", "").split("/")
    return "-".join([method, *words])


def _token_rule(security: list | None) -> str:
    if not security:
        return "none"
    return "optional" if {} in security else "required"


def _parameter(parameter: dict) -> dict:
    schema = parameter.get("schema", {})
    return {
        "name": parameter["name"],
        "in": parameter["in"],
        "required": parameter.get("required", False),
        "type": type_text(schema),
        "description": parameter.get("description", "") or schema.get("description", ""),
    }


def _resolve(document: dict, schema: dict) -> tuple[str | None, dict]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    return name, document["components"]["schemas"][name]


def _fields(document: dict, schema: dict) -> list[dict]:
    _, schema = _resolve(document, schema)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_text(field),
            "required": name in required,
            "description": field.get("description", ""),
            "ref": _ref_name(field),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _ref_name(schema: dict) -> str | None:
    """The named shape a field holds (itself, in a list, or or-null), if any."""
    for candidate in [schema, schema.get("items", {}), *schema.get("anyOf", [])]:
        if "$ref" in candidate:
            return candidate["$ref"].rsplit("/", 1)[-1]
    return None


def _response(document: dict, status: str, response: dict) -> dict:
    ref = response.get("$ref")
    if ref is not None:
        response = document["components"]["responses"][ref.rsplit("/", 1)[-1]]
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    name, _ = _resolve(document, schema)
    return {
        "status": status,
        "description": response.get("description", ""),
        "schema": name or type_text(schema),
    }


def type_text(schema: dict) -> str:
    """A JSON schema as a few words: 'integer, 1 to 100', 'string (date) or null'."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [type_text(s) for s in schema["anyOf"] if not s.get("nullable")]
        return " or ".join(kinds) + " or null"
    kind = schema.get("type", "any")
    if kind == "array":
        text = f"list of {type_text(schema.get('items', {}))}"
    elif kind == "object" and "additionalProperties" in schema:
        text = f"object of {type_text(schema['additionalProperties'])}"
    else:
        text = kind
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": one of " + ", ".join(str(value) for value in schema["enum"])
    if "minimum" in schema and "maximum" in schema:
        text += f", {schema['minimum']} to {schema['maximum']}"
    elif "minimum" in schema:
        text += f", at least {schema['minimum']}"
    if schema.get("nullable"):
        text += " or null"
    return text
