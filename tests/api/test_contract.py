"""The published contract (`/api/v1/openapi.json`) is the code: one name per schema, each
operation's request and response components are the classes the code validates and returns, the
document is valid OpenAPI 3, every list pages the same way, and the docs work offline."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openapi_spec_validator import validate

from bangban.core.api import ERROR_CODES
from bangban.core.pagination import MAX_PAGE, MAX_PAGE_SIZE

from .contract import all_schema_classes, operations, schema_classes


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/components/schemas/"), ref
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def refs(schema: dict[str, Any]) -> set[str]:
    """The component names a request or response schema refers to at its top level."""
    found: set[str] = set()
    if "$ref" in schema:
        found.add(schema["$ref"].rsplit("/", 1)[1])
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found |= refs(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found |= refs(sub)
    return found


def same_shape(doc_component: dict[str, Any], cls: Any) -> None:
    own = cls.model_json_schema(by_alias=True)
    if "$ref" in own:  # a recursive schema (a tree node) refers to its own definition
        own = own["$defs"][own["$ref"].rsplit("/", 1)[1]]
    assert set(doc_component.get("properties", {})) == set(own.get("properties", {})), cls
    assert set(doc_component.get("required", [])) == set(own.get("required", [])), cls


@pytest.mark.django_db
def test_schema_class_names_are_unique(document: dict[str, Any]) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for cls in all_schema_classes():
        by_name[cls.__name__].append(f"{cls.__module__}.{cls.__qualname__}")
    duplicated = {name: where for name, where in by_name.items() if len(where) > 1}
    assert duplicated == {}
    # Every class an operation uses is a component of that name.
    used = {c for op in operations() for a in [op.body, *op.responses.values()] for c in schema_classes(a)}
    missing = sorted(c.__name__ for c in used if c.__name__ not in document["components"]["schemas"])
    assert missing == []


@pytest.mark.django_db
def test_every_operation_documents_the_schemas_the_code_uses(document: dict[str, Any]) -> None:
    checked = 0
    for op in operations():
        doc_op = document["paths"][op.path][op.method]
        if op.body is not None:
            content = doc_op["requestBody"]["content"]
            (media,) = content.values()
            body_refs = refs(media["schema"])
            classes = schema_classes(op.body)
            if classes:
                assert body_refs == {c.__name__ for c in classes}, (op.method, op.path)
                for cls in classes:
                    same_shape(document["components"]["schemas"][cls.__name__], cls)
                    checked += 1
        for status, annotation in op.responses.items():
            classes = schema_classes(annotation)
            if not classes:
                continue
            doc_response = doc_op["responses"][status if status in doc_op["responses"] else str(status)]
            (media,) = doc_response["content"].values()
            assert refs(media["schema"]) == {c.__name__ for c in classes}, (op.method, op.path, status)
            for cls in classes:
                same_shape(document["components"]["schemas"][cls.__name__], cls)
                checked += 1
    assert checked > 300


def test_the_escalation_classify_body_is_the_escalation_one(document: dict[str, Any]) -> None:
    """The issue's example: the mayor-channel classify body was documented as the ratings one."""
    op = document["paths"]["/api/v1/escalation/mayor/{ticket_id}/classify"]["post"]
    (media,) = op["requestBody"]["content"].values()
    body = component(document, media["schema"]["$ref"])
    assert {"category_id", "kind"} <= set(body["properties"])
    assert "workdays" not in body["properties"]


def test_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    validate(document)


def test_every_operation_lists_its_error_codes(document: dict[str, Any]) -> None:
    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"code", "message"}
    for path, item in document["paths"].items():
        for method, op in item.items():
            for status in (400, 404, 422):
                response = op["responses"][str(status)]
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")
                for code in ERROR_CODES[status]:
                    assert f"`{code}`" in response["description"], (method, path, status)


def test_every_list_pages_with_the_same_bounds(document: dict[str, Any]) -> None:
    lists = 0
    for path, item in document["paths"].items():
        for op in item.values():
            params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
            if "page" not in params:
                continue
            lists += 1
            assert params["page"]["schema"].get("minimum") == 1, path
            assert params["page"]["schema"].get("maximum") == MAX_PAGE, path
            assert params["size"]["schema"].get("minimum") == 1, path
            assert params["size"]["schema"].get("maximum") == MAX_PAGE_SIZE, path
    assert lists >= 25


LISTS_THAT_SERVED_500 = [
    "/api/v1/ratings/ratings",
    "/api/v1/ratings/rectifications",
    "/api/v1/escalation/cases",
    "/api/v1/escalation/meetings",
    "/api/v1/escalation/tasks",
    "/api/v1/supervision/ledgers",
    "/api/v1/supervision/notices",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS_THAT_SERVED_500)
def test_a_huge_page_number_is_refused_and_a_page_past_the_end_is_empty(world: Any, path: str) -> None:
    client = Client()
    client.force_login(world.biz_office)
    huge = client.get(path, {"page": "9223372036854775807"})
    assert huge.status_code == 422
    assert huge.json()["code"] == "validation_error"
    past = client.get(path, {"page": str(MAX_PAGE)})
    assert past.status_code == 200
    assert past.json()["items"] == []
    assert past.json()["page"] == MAX_PAGE
    assert client.get(path, {"size": str(MAX_PAGE_SIZE + 1)}).status_code == 422


@pytest.mark.django_db
def test_docs_are_served_from_vendored_assets(world: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "core/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # no inline script
    vendor = Path(settings.BASE_DIR) / "bangban/core/static/core/vendor/swagger-ui"
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-init.js", "LICENSE"):
        assert (vendor / name).stat().st_size > 0
    assert "Apache License" in (vendor / "LICENSE").read_text()
