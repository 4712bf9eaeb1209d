"""A readable reference of the API, rendered on the server from the OpenAPI document
(the app's Content-Security-Policy allows no inline or external scripts, so no
JavaScript viewer is needed or loaded)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict] = field(default_factory=list)
    body: str | None = None
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)


def _ref_name(schema: dict | None) -> str | None:
    if not schema:
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        inner = _ref_name(schema.get("items"))
        return f"[{inner}]" if inner else "array"
    return schema.get("type")


def _type(schema: dict) -> str:
    name = _ref_name(schema) or "object"
    fmt = schema.get("format")
    return f"{name} ({fmt})" if fmt else name


def operations(spec: dict) -> dict[str, list[Operation]]:
    """The operations of the document by tag (the API's parts)."""
    by_tag: dict[str, list[Operation]] = {}
    responses = spec.get("components", {}).get("responses", {})
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            operation = Operation(method.upper(), path, op.get("summary", ""),
                                  op.get("description", ""))
            for p in shared + op.get("parameters", []):
                operation.parameters.append({
                    "name": p["name"], "in": p["in"], "required": p.get("required", False),
                    "type": _type(p.get("schema", {})), "description": p.get("description", "")})
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            operation.body = _ref_name(content.get("schema")) if content else None
            for status, response in op.get("responses", {}).items():
                if "$ref" in response:
                    response = responses.get(response["$ref"].rsplit("/", 1)[-1], {})
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                operation.responses.append((status, response.get("description", ""),
                                            _ref_name(schema)))
            for tag in op.get("tags", ["api"]):
                by_tag.setdefault(tag, []).append(operation)
    return by_tag


def schemas(spec: dict) -> dict[str, list[dict]]:
    found = {}
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found[name] = [{"name": prop, "type": _type(value), "required": prop in required,
                        "nullable": value.get("nullable", False),
                        "description": value.get("description", "")}
                       for prop, value in schema.get("properties", {}).items()]
    return found


@bp.route("/api/v1/docs")
def reference():
    spec = current_app.extensions["noaber_api"].spec.to_dict()
    tags = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    return render_template("api/docs.html", info=spec["info"], tags=tags,
                           operations=operations(spec), schemas=schemas(spec))
