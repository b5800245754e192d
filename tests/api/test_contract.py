"""The published contract (`/api/v1/openapi.json`) is the code: one name per schema, each
operation's request and response components are the classes the code validates and returns, the
document is valid OpenAPI 3, every operation lists the error codes it answers, every list pages the
same way (one generic page schema), and the docs work offline."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openapi_spec_validator import validate

from bangban.core.answers import COMMON_CODES
from bangban.core.pagination import MAX_PAGE, MAX_PAGE_SIZE, Page

from .contract import (
    all_schema_classes,
    assert_documented,
    component_name,
    listed_codes,
    operations,
    schema_classes,
)


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
    # Every class an operation uses is a component of that name; no two share a component name.
    used = {c for op in operations() for a in [op.body, *op.responses.values()] for c in schema_classes(a)}
    missing = sorted(
        component_name(c) for c in used if component_name(c) not in document["components"]["schemas"]
    )
    assert missing == []
    names = [component_name(c) for c in used]
    assert len(names) == len(set(names))


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
                assert body_refs == {component_name(c) for c in classes}, (op.method, op.path)
                for cls in classes:
                    same_shape(document["components"]["schemas"][component_name(cls)], cls)
                    checked += 1
        for status, annotation in op.responses.items():
            classes = schema_classes(annotation)
            if not classes:
                continue
            doc_response = doc_op["responses"][status if status in doc_op["responses"] else str(status)]
            (media,) = doc_response["content"].values()
            assert refs(media["schema"]) == {component_name(c) for c in classes}, (op.method, op.path, status)
            for cls in classes:
                same_shape(document["components"]["schemas"][component_name(cls)], cls)
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
    """Each error answer is `ErrorOut` with its codes in `x-error-codes` and in the description; the
    common ones (from `COMMON_CODES`) follow what the operation takes, its own ones are declared."""
    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"code", "message"}
    for path, item in document["paths"].items():
        for method, op in item.items():
            where = (method, path)
            errors = {int(s): r for s, r in op["responses"].items() if int(s) >= 400}
            assert 400 in errors and 503 in errors, where
            for status, response in errors.items():
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut"), where
                assert response["x-error-codes"], (where, status)
                for code in response["x-error-codes"]:
                    assert f"`{code}`" in response["description"], (where, status, code)
            assert set(COMMON_CODES["any"][400]) <= set(errors[400]["x-error-codes"]), where
            if op.get("security"):
                assert errors[401]["x-error-codes"] == ["unauthorized"], where
                assert {"permission_denied"} <= set(errors[403]["x-error-codes"]), where
                assert {"not_found"} <= set(errors[404]["x-error-codes"]), where
            else:
                assert 401 not in errors or "unauthorized" not in errors[401]["x-error-codes"], where
            if op.get("parameters") or "requestBody" in op:
                assert "validation_error" in errors[422]["x-error-codes"], where
            else:
                assert 422 not in errors, where


def test_operation_specific_codes_are_listed_on_their_operation_only(document: dict[str, Any]) -> None:
    """A code an operation declares is on that operation, not on every one."""
    patch = ("patch", "/api/v1/enterprises/{enterprise_id}")
    assert "uscc_check_char" in listed_codes(document, *patch, 400)
    assert "conflict" in listed_codes(document, *patch, 409)
    assert "uscc_check_char" not in listed_codes(document, "post", "/api/v1/org/units", 400)
    assert listed_codes(document, "get", "/api/v1/org/me", 409) == []
    assert "out_of_turn" in listed_codes(document, "post", "/api/v1/escalation/mayor/{ticket_id}/sign", 409)
    qr = ("post", "/api/v1/ratings/public/case-qr/{token}")
    assert listed_codes(document, *qr, 410) == ["case_qr_removed"]
    assert listed_codes(document, *qr, 401) == []
    assert "rate_limited" in listed_codes(document, "post", "/api/v1/ratings/public/sms/{token}", 429)


def list_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a `page` parameter."""
    return [
        (method, path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if any(p["name"] == "page" and p["in"] == "query" for p in op.get("parameters", []))
    ]


@pytest.mark.django_db
def test_every_list_answers_the_generic_page(document: dict[str, Any]) -> None:
    lists = set(list_operations(document))
    assert len(lists) >= 28
    by_address = {(op.method, op.path): op for op in operations()}
    for method, path in sorted(lists):
        annotation = by_address[(method, path)].responses[200]
        assert isinstance(annotation, type) and issubclass(annotation, Page), (method, path, annotation)
        schema = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        body = component(document, schema["$ref"])
        assert {"count", "page", "size", "items"} <= set(body["required"]), (method, path)
        assert body["properties"]["items"]["type"] == "array", (method, path)
    # And nothing else answers a page.
    pages = {(op.method, op.path) for op in operations() if isinstance(op.responses.get(200), type)
             and issubclass(op.responses[200], Page)}  # fmt: skip
    assert pages == lists


# Path parameters of the lists that have some, as the sample world can fill them.
LIST_PATH_VALUES = {"year": "2026", "month": "10", "figure": "total", "pattern": "overdue"}
LIST_ROLES = ("biz_office", "admin", "handler_shuyang", "enterprise_user")


@pytest.mark.django_db
def test_every_list_answers_an_empty_page_past_the_end(document: dict[str, Any], world: Any) -> None:
    clients = {}
    for role in LIST_ROLES:
        clients[role] = Client()
        clients[role].force_login(getattr(world, role))
    values = {**LIST_PATH_VALUES, "unit_id": str(world.biz_office_unit.pk)}
    answered = []
    for method, path in list_operations(document):
        address = path
        for name, value in values.items():
            address = address.replace("{" + name + "}", value)
        assert "{" not in address, path
        for role in LIST_ROLES:
            response = getattr(clients[role], method)(address, {"page": str(MAX_PAGE)})
            assert_documented(document, method, path, response)
            if response.status_code == 200:
                body = response.json()
                assert body["items"] == [] and body["page"] == MAX_PAGE, (path, role)
                assert body["count"] >= 0
                answered.append(path)
                break
        else:
            raise AssertionError(f"no sample role may read {path}")
    assert len(answered) == len(list_operations(document))


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
def test_a_huge_page_number_is_refused_and_a_page_past_the_end_is_empty(
    document: dict[str, Any], world: Any, path: str
) -> None:
    client = Client()
    client.force_login(world.biz_office)
    huge = client.get(path, {"page": "9223372036854775807"})
    assert huge.status_code == 422
    assert huge.json()["code"] == "validation_error"
    assert_documented(document, "get", path, huge)
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
