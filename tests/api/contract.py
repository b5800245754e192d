"""Walks the operations of `/api/v1` as the code declares them (Ninja routers), for the contract,
fuzzing and permission tests."""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

API_ROOT = "/api/v1"


@dataclass
class Operation:
    method: str
    path: str  # as in the OpenAPI document: /api/v1/org/units/{unit_id}
    body: type[BaseModel] | None
    responses: dict[int, Any] = field(default_factory=dict)  # status -> annotation


def doc_path(prefix: str, path: str) -> str:
    full = f"{API_ROOT}{prefix}{path}"
    return re.sub(r"\{\w+:(\w+)\}", r"{\1}", full)


def operations() -> Iterator[Operation]:
    from bangban.core.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                body = None
                for model in op.models:
                    if model.__ninja_param_source__ == "body":
                        (only,) = model.model_fields.values()
                        body = only.annotation
                responses = {
                    status: (m.model_fields["response"].annotation if m is not None else None)
                    for status, m in op.response_models.items()
                }
                for method in op.methods:
                    yield Operation(method.lower(), doc_path(prefix, path), body, responses)


def schema_classes(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic classes named by an annotation (`X`, `list[X]`, `X | None`, `Union[...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = get_origin(annotation)
    if origin in (list, tuple, set, Union, types.UnionType, dict):
        return [c for arg in get_args(annotation) for c in schema_classes(arg)]
    return []


def all_schema_classes() -> list[type[BaseModel]]:
    """Every Ninja schema class the project defines."""
    from ninja import Schema

    import bangban.core.api  # noqa: F401  (mounts every router, so every schema module is imported)

    seen: list[type[BaseModel]] = []
    stack = [Schema]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("bangban.") and sub not in seen:
                seen.append(sub)
    return seen


def component_name(cls: type[BaseModel]) -> str:
    """The name a schema class has among the document's components: its class name, or for a
    parametrized generic (`Page[EnterpriseOut]`) pydantic's normalized one (`Page_EnterpriseOut_`)."""
    return re.sub(r"[^a-zA-Z0-9.\-_]", "_", cls.__name__)


def listed_codes(document: dict[str, Any], method: str, path: str, status: int) -> list[str]:
    """The machine codes the document lists for one operation's answer of one status (none when it
    does not document that status)."""
    response = document["paths"][path][method.lower()]["responses"].get(str(status), {})
    return list(response.get("x-error-codes", []))


def assert_documented(document: dict[str, Any], method: str, path: str, response: Any) -> None:
    """An error answer of the API carries a code the operation documents for that status."""
    if response.status_code < 400:
        return
    code = response.json()["code"]
    listed = listed_codes(document, method, path, response.status_code)
    assert code in listed, f"{method.upper()} {path} → {response.status_code} {code}, documented: {listed}"
