"""Pages of investment projects (R1): list and export, registration, the project page with its
procedures and problems, the monthly collection rounds and 市商务局's monthly overview."""

from __future__ import annotations

from .detail import (
    coordination_list,
    problem_add,
    problem_detail,
    problem_fields,
    problem_handle,
    procedure_add,
    procedure_fields,
    procedure_progress,
    project_detail,
    project_update,
)
from .projects import project_create, project_edit, project_export, project_list
from .rounds import overview, overview_export, round_detail, round_export, round_list, round_submit

__all__ = [
    "coordination_list",
    "overview",
    "overview_export",
    "problem_add",
    "problem_detail",
    "problem_fields",
    "problem_handle",
    "procedure_add",
    "procedure_fields",
    "procedure_progress",
    "project_create",
    "project_detail",
    "project_edit",
    "project_export",
    "project_list",
    "project_update",
    "round_detail",
    "round_export",
    "round_list",
    "round_submit",
]
