"""Every route of the product — each page pattern of the URL configuration and each operation of the
OpenAPI document — with the concrete address the permission matrix requests for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Who asks. The sample objects belong to `handler_shuyang`'s unit (沭阳县政府) and to
# `enterprise_user`'s enterprise; `handler_shuyang_other_unit` works for another unit of the same
# county, `handler_siyang` for another county, `enterprise_other` for another enterprise of 沭阳.
ROLES = (
    "anonymous",
    "enterprise_user",
    "enterprise_other",
    "handler_shuyang",
    "handler_shuyang_other_unit",
    "handler_siyang",
    "city_handler",
    "biz_office",
    "auditor",
    "admin",
)
MISSING = "999999"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def page_routes() -> list[str]:
    """URL patterns that are not API operations (those are rows of their own, from the document)."""
    routes = []
    for route, callback in _walk(get_resolver().url_patterns):
        if type(getattr(callback, "__self__", None)).__name__ == "PathView":
            continue
        routes.append(route)
    return sorted(set(routes))


def api_routes(document: dict[str, Any]) -> list[str]:
    return sorted(f"{m.upper()} {path}" for path, item in document["paths"].items() for m in item)


# Which sample object each parameter names, by the address's first segments (after /api/v1/);
# the first matching prefix wins. `s` is the samples (tests/permissions/samples.py), `w` the world.
RULES: tuple[tuple[str, Any], ...] = (
    ("accounts/tokens/", lambda w, s: {"pk": s.token.pk}),
    ("accounts/users/", lambda w, s: {"pk": w.handler_shuyang.pk}),
    ("assist/sites/", lambda w, s: {"site_id": s.assist_site.pk, "pk": s.assist_site.pk}),
    ("assist/roster/", lambda w, s: {"entry_id": s.assist_roster.pk, "pk": s.assist_roster.pk}),
    ("assist/records/", lambda w, s: {"record_id": s.assist_record.pk, "pk": s.assist_record.pk}),
    (
        "assist/errands/",
        lambda w, s: {
            "errand_id": s.assist_errand.pk,
            "pk": s.assist_errand.pk,
            "material_id": s.assist_material.pk,
            "action": "start",
        },
    ),
    ("assist/r/", lambda w, s: {"key": s.assist_record.rating_key}),
    ("audit/verify/", lambda w, s: {"pk": s.verification.pk}),
    ("audit/", lambda w, s: {"seq": s.audit_seq}),
    ("cases/settings/categories/", lambda w, s: {"code": s.category.code, "pk": s.category.pk}),
    ("cases/settings/deadline-policies/", lambda w, s: {"policy_id": s.policy.pk}),
    ("cases/settings/routing", lambda w, s: {"rule_id": s.rule.pk, "pk": s.rule.pk}),
    ("cases/views/", lambda w, s: {"view_id": s.view.pk}),
    ("cases/intake/done/", lambda w, s: {"pk": s.case.pk}),
    (
        "cases/",
        lambda w, s: {
            "ticket_id": s.case.pk,
            "pk": s.case.pk,
            "request_id": s.request.pk,
            "attachment_id": s.attachment.pk,
            "key": "accept",
        },
    ),
    ("conduct/entries/", lambda w, s: {"entry_id": s.entry.pk, "pk": s.entry.pk}),
    ("conduct/g/", lambda w, s: {"enterprise_id": w.ent_shuyang.pk, "token": s.gate_token}),
    ("conduct/negative-list/", lambda w, s: {"pk": s.list_version.pk}),
    ("conduct/designations/", lambda w, s: {"designation_id": s.designation.pk}),
    ("conduct/ztc/", lambda w, s: {"pk": s.designation.pk}),
    ("conduct/problems/", lambda w, s: {"item_id": s.problem.pk, "pk": s.problem.pk}),
    ("conduct/snaps/", lambda w, s: {"pk": s.snap.pk, "complaint_id": s.snap.pk}),
    ("inspections/public/plans/", lambda w, s: {"pk": s.plan.pk}),
    ("inspections/plans/", lambda w, s: {"plan_id": s.plan.pk, "pk": s.plan.pk}),
    ("inspections/visits/", lambda w, s: {"visit_id": s.visit.pk, "pk": s.visit.pk}),
    ("inspections/links/", lambda w, s: {"link_id": s.link.pk}),
    ("inspections/tiers/", lambda w, s: {"enterprise_id": w.ent_shuyang.pk}),
    ("enterprises/import/", lambda w, s: {"batch_id": s.import_batch.pk}),
    ("enterprises/", lambda w, s: {"pk": w.ent_shuyang.pk, "enterprise_id": w.ent_shuyang.pk}),
    ("escalation/cases/", lambda w, s: {"ticket_id": s.escalated_case.pk}),
    ("escalation/mayor/routes/", lambda w, s: {"pk": s.route.pk}),
    ("escalation/mayor/", lambda w, s: {"ticket_id": s.mayor_case.pk}),
    ("escalation/deputy-routes/", lambda w, s: {"route_id": s.route.pk}),
    ("escalation/vice-portfolio/", lambda w, s: {"portfolio_id": s.portfolio.pk}),
    ("escalation/meetings/", lambda w, s: {"meeting_id": s.meeting.pk, "pk": s.meeting.pk}),
    ("escalation/disputes/", lambda w, s: {"dispute_id": s.dispute.pk, "pk": s.dispute.pk}),
    ("escalation/supervision/", lambda w, s: {"order_id": s.order.pk, "pk": s.order.pk}),
    ("escalation/tasks/", lambda w, s: {"task_id": s.task.pk, "pk": s.task.pk}),
    ("escalation/tiers/", lambda w, s: {"tier_id": s.tier.pk}),
    ("exports/", lambda w, s: {"job_id": s.export.pk}),
    ("insight/cases/", lambda w, s: {"ticket_id": s.case.pk}),
    ("insight/hotspots/tasks/", lambda w, s: {"pk": s.hotspot_task.pk}),
    ("insight/hotspot-tasks/", lambda w, s: {"task_id": s.hotspot_task.pk}),
    ("insight/hotspots/", lambda w, s: {"pk": s.hotspot.pk, "problem_id": s.hotspot.pk}),
    (
        "fieldruns/",
        lambda w, s: {
            "pk": s.field_run.pk,
            "run_id": s.field_run.pk,
            "finding_id": s.field_finding.pk,
            "item_id": s.field_item.pk,
        },
    ),
    ("knowledge/", lambda w, s: {"pk": s.knowledge_entry.pk, "entry_id": s.knowledge_entry.pk}),
    ("leniency/decisions/", lambda w, s: {"pk": s.decision.pk, "decision_id": s.decision.pk}),
    ("leniency/catalogue/import/", lambda w, s: {"pk": s.leniency_import.pk}),
    ("leniency/catalogue/", lambda w, s: {"pk": s.leniency_item.pk}),
    ("network/assignments/import", lambda w, s: {"batch_id": s.assignment_batch.pk}),
    ("network/assignments/", lambda w, s: {"assignment_id": s.assignment.pk, "pk": s.assignment.pk}),
    (
        "network/contacts/",
        lambda w, s: {"contact_id": s.contact.pk, "pk": s.contact.pk, "photo_id": s.contact_photo.pk},
    ),
    ("network/enterprises/", lambda w, s: {"pk": w.ent_shuyang.pk}),
    ("network/help-meetings/", lambda w, s: {"meeting_id": s.help_meeting.pk, "pk": s.help_meeting.pk}),
    ("network/help-items/", lambda w, s: {"item_id": s.help_item.pk}),
    ("network/v/", lambda w, s: {"token": s.verify_token}),
    ("notifications/outbox/", lambda w, s: {"pk": s.outbox.pk}),
    ("notifications/", lambda w, s: {"pk": s.message.pk}),
    # Open311: the sample case was not filed through Open311, so its public read refuses everyone.
    (
        "open311/",
        lambda w, s: {"service_code": s.category.code, "service_request_id": s.case.number, "fmt": "json"},
    ),
    ("org/regions/", lambda w, s: {"code": w.shuyang.code}),
    ("org/units/", lambda w, s: {"pk": w.shuyang_gov.pk, "unit_id": w.shuyang_gov.pk}),
    ("outreach/associations/", lambda w, s: {"pk": s.association.pk, "association_id": s.association.pk}),
    ("outreach/deliveries/", lambda w, s: {"delivery_id": s.delivery.pk}),
    ("outreach/my-policies/", lambda w, s: {"pk": s.delivery.pk}),
    ("outreach/events/", lambda w, s: {"pk": s.event.pk, "event_id": s.event.pk}),
    ("outreach/event-items/", lambda w, s: {"item_id": s.event_item.pk}),
    ("outreach/opinions/", lambda w, s: {"pk": s.opinion.pk, "opinion_id": s.opinion.pk}),
    ("outreach/policies/import/", lambda w, s: {"pk": s.policy_import.pk}),
    ("outreach/policy-imports/", lambda w, s: {"import_id": s.policy_import.pk}),
    ("outreach/policies/", lambda w, s: {"pk": s.policy.pk, "policy_id": s.policy.pk}),
    ("outreach/problems/", lambda w, s: {"pk": s.problem.pk, "problem_id": s.problem.pk}),
    ("outreach/procedures/", lambda w, s: {"pk": s.procedure.pk, "procedure_id": s.procedure.pk}),
    ("outreach/projects/", lambda w, s: {"pk": s.project.pk, "project_id": s.project.pk}),
    ("outreach/pushes/", lambda w, s: {"pk": s.push.pk, "push_id": s.push.pk}),
    ("outreach/reports/", lambda w, s: {"pk": s.report.pk, "report_id": s.report.pk}),
    ("outreach/rounds/", lambda w, s: {"pk": s.round.pk, "round_id": s.round.pk}),
    ("outreach/suggestions/", lambda w, s: {"suggestion_id": s.suggestion.pk}),
    ("outreach/symposia/", lambda w, s: {"pk": s.symposium.pk, "symposium_id": s.symposium.pk}),
    ("ratings/cases/", lambda w, s: {"ticket_id": s.closed_case.pk, "fmt": "png"}),
    ("ratings/follow-ups/", lambda w, s: {"ticket_id": s.closed_case.pk}),
    ("ratings/m/", lambda w, s: {"token": s.sms_token}),
    ("ratings/public/sms/", lambda w, s: {"token": s.sms_token}),
    ("ratings/q/c/", lambda w, s: {"token": s.subject_token}),
    ("ratings/public/case-qr/", lambda w, s: {"token": s.subject_token}),
    ("ratings/q/w/", lambda w, s: {"key": s.window.public_key}),
    ("ratings/public/windows/", lambda w, s: {"key": s.window.public_key}),
    ("ratings/s/", lambda w, s: {"token": s.subject_token}),
    ("ratings/rechecks/enterprises/", lambda w, s: {"recheck_id": s.enterprise_recheck.pk}),
    (
        "ratings/enterprise-rechecks/",
        lambda w, s: {"recheck_id": s.enterprise_recheck.pk, "enterprise_id": w.ent_shuyang.pk},
    ),
    ("ratings/rechecks/", lambda w, s: {"draw_id": s.draw.pk, "ticket_id": s.closed_case.pk}),
    ("ratings/rectifications/", lambda w, s: {"rect_id": s.rect.pk}),
    ("ratings/ratings/", lambda w, s: {"rating_id": s.rating.pk}),
    ("ratings/devices/", lambda w, s: {"device_id": s.device.pk}),
    ("ratings/windows/", lambda w, s: {"window_id": s.window.pk, "fmt": "png"}),
    ("supervision/accountability/", lambda w, s: {"pk": s.record.pk, "record_id": s.record.pk}),
    (
        "supervision/stars/nominations/",
        lambda w, s: {"pk": s.star_nomination.pk, "nomination_id": s.star_nomination.pk},
    ),
    (
        "supervision/stars/",
        lambda w, s: {"pk": s.star_round.pk, "round_id": s.star_round.pk, "action": "close"},
    ),
    (
        "supervision/transfers/",
        lambda w, s: {"pk": s.transfer.pk, "transfer_id": s.transfer.pk, "ticket_id": s.case.pk},
    ),
    ("supervision/analyses/", lambda w, s: {"pk": s.analysis.pk, "analysis_id": s.analysis.pk}),
    ("supervision/inaction/", lambda w, s: {"unit_id": w.shuyang_gov.pk, "pattern": "overdue"}),
    ("supervision/ledgers/", lambda w, s: {"pk": s.ledger.pk, "ledger_id": s.ledger.pk}),
    (
        "supervision/notices/",
        lambda w, s: {
            "pk": s.notice.pk,
            "notice_id": s.notice.pk,
            "action": "review",
            "case_id": s.notice_case.pk,
        },
    ),
    (
        "supervision/special/",
        lambda w, s: {
            "pk": s.special.pk,
            "inspection_id": s.special.pk,
            "item_id": s.special_item.pk,
            "action": "start",
        },
    ),
    ("supervision/rankings/", lambda w, s: {"unit_id": w.shuyang_gov.pk, "figure": "total"}),
    ("workdays/days/", lambda w, s: {"day": "2026-10-01"}),
    ("workdays/years/", lambda w, s: {"year": "2027"}),
)

# The Django admin's object pages, by model: the sample of that kind.
ADMIN_OBJECTS: dict[str, Any] = {
    "accounts/apitoken": lambda w, s: s.token.pk,
    "accounts/rolerecord": lambda w, s: "handler",
    "accounts/user": lambda w, s: w.handler_shuyang.pk,
    "audit/auditevent": lambda w, s: s.audit_seq_pk,
    "audit/chainverification": lambda w, s: s.verification.pk,
    "core/scheduledrun": lambda w, s: s.scheduled_run.pk,
    "notifications/inappmessage": lambda w, s: s.message.pk,
    "notifications/outboxmessage": lambda w, s: s.outbox.pk,
    "org/region": lambda w, s: w.shuyang.pk,
    "org/unit": lambda w, s: w.shuyang_gov.pk,
    "workdays/calendarday": lambda w, s: s.calendar_day.pk,
    "workdays/calendarversion": lambda w, s: s.calendar_version.pk,
    "workdays/calendaryear": lambda w, s: 2026,
}


def _key(route: str) -> str:
    path = route.split(" ", 1)[1] if " " in route else route
    path = path.lstrip("/^")
    return path[len("api/v1/") :] if path.startswith("api/v1/") else path


def sample_values(route: str, world: Any, samples: Any) -> dict[str, str]:
    """Parameter name → a value naming the sample object of 沭阳 that `route` addresses (a missing
    record, 999999, for a parameter no rule names)."""
    key = _key(route)
    values: dict[str, Any] = {"year": "2026", "month": "10", "app_label": "org"}
    if key.startswith("django-admin/"):
        model = "/".join(key.split("/")[1:3])
        if model in ADMIN_OBJECTS:
            values["object_id"] = ADMIN_OBJECTS[model](world, samples)
        elif key.startswith("django-admin/r/"):
            values.update(content_type_id=samples.unit_type.pk, object_id=world.shuyang_gov.pk)
        return {k: str(v) for k, v in values.items()}
    for prefix, names in RULES:
        if key.startswith(prefix):
            values.update(names(world, samples))
            break
    return {k: str(v) for k, v in values.items()}


def concrete(route: str, values: dict[str, str]) -> str:
    """A requestable address for a page pattern or an API path."""
    if "^" in route or "(?P<" in route:  # a regular expression route (the admin's, the /api/ catch-all)
        route = route.replace("^", "").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), MISSING), route)
        route = route.replace("\\Z", "").replace("\\", "")
        return "/" + route
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), MISSING), route)
    path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), MISSING), path)
    return path if path.startswith("/") else "/" + path
