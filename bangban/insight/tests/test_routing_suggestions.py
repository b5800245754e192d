"""Routing suggestions as the dispatcher and 营商办 see them: trained from closed cases on the
智能分派 page, shown and pre-filled on the dispatch page and in the API, the fallback to the
routing rule table without a (usable) model, the dispatcher's choice recorded, one training at a
time, and who may see what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.insight.advisor import forget_cached_model
from bangban.insight.classifier import FORMAT_VERSION
from bangban.insight.jobs import weekly_at
from bangban.insight.models import (
    RoutingModel,
    RoutingSettings,
    RoutingSuggestion,
    RoutingTraining,
    TrainingState,
)
from bangban.tickets.tests.conftest import make_ticket
from bangban.tickets.tests.work_helpers import make_category
from bangban.tickets.workflow import Status

pytestmark = pytest.mark.django_db

ENVIRONMENT = [
    "化工厂夜间排放刺鼻废气，周边企业员工头晕",
    "污水直排河道，河水发黑发臭影响养殖",
    "搅拌站扬尘污染严重，厂区车间落满灰尘",
    "园区噪音扰民，废气处理设施长期不开",
    "危废堆放露天，雨水冲刷污染地下水",
]
APPROVAL = [
    "施工许可证审批超时，材料交了一个月没有答复",
    "营业执照变更登记要求重复提交材料",
    "项目环评审批流程繁琐，窗口多次退件",
    "食品经营许可办理时间过长，审批材料清单不明确",
    "不动产登记办理慢，审批窗口推诿",
]
PAGE = "/insight/routing/"


def _closed_cases(cases, environment, approval, count: int = 15):
    start = timezone.now() - dt.timedelta(days=60)
    for i in range(count):
        for texts, category, unit, tag in (
            (ENVIRONMENT, environment, cases.shuyang_gov, "污染"),
            (APPROVAL, approval, cases.approval_bureau, "审批"),
        ):
            closed = start + dt.timedelta(hours=3 * i + (1 if tag == "审批" else 0))
            cases.new(
                status=Status.CLOSED,
                title=f"反映{tag}问题{i}",
                content=texts[i % len(texts)] + f"，请尽快处理（第{i}次反映）",
                category=category,
                lead_unit=unit,
                received_at=closed - dt.timedelta(days=5),
                dispatched_at=closed - dt.timedelta(days=4),
                closed_at=closed,
            )


@pytest.fixture
def city(cases):
    environment = make_category("ENV", "生态环境")
    approval = make_category("APV", "行政审批")
    _closed_cases(cases, environment, approval)
    cases.environment, cases.approval = environment, approval
    return cases


def _train(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight:routing_train"))
    assert response.status_code == 302
    # The training ran in the background (at once in tests); the page shows its outcome.
    return client.get(PAGE).content.decode()


def _pending(cases):
    return cases.new(title="工厂废气扰民", content="隔壁化工厂排放刺鼻废气，污水直排河道，请环保部门查处")


def _unclear(cases):
    """A case that speaks of both kinds of problem: the model is not sure of it."""
    return cases.new(title="企业反映问题", content="厂区扬尘污染，另外施工许可证审批超时")


def _row(html: str, number: str) -> str:
    start = html.index(f'data-number="{number}"')
    end = html.find('data-testid="dispatch-row"', start)
    return html[start : end if end > 0 else len(html)]


def test_a_trained_model_suggests_and_pre_fills_the_dispatch_form(
    city, login, django_capture_on_commit_callbacks
):
    html = _train(login(city.biz_office), django_capture_on_commit_callbacks)
    model = RoutingModel.objects.get()
    assert model.is_active and model.version == 1
    assert model.trained_on == 27 and model.holdout_cases == 3
    assert model.holdout_score == 1.0
    assert "已启用" in html and 'data-testid="routing-active"' in html
    assert (
        AuditEvent.objects.filter(action="insight.training_request", actor_id=city.biz_office.pk).count() == 1
    )
    assert AuditEvent.objects.filter(action="insight.model_trained").count() == 1

    pending = _pending(city)
    page = login(city.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()
    row = _row(page, pending.number)
    assert 'data-testid="routing-advice" data-prefilled="yes"' in row
    assert '分类 <span data-testid="advice-category">生态环境</span>' in row
    assert '主办单位 <span data-testid="advice-unit">沭阳县人民政府</span>' in row
    found = re.search(r'data-testid="advice-reasons">([^<]+)<', row)
    assert found is not None
    reasons = found.group(1)
    assert any(term in reasons for term in ("废气", "污水", "排放", "直排", "河道", "污染"))
    assert re.search(rf'name="t\d+-lead_unit" value="{city.shuyang_gov.pk}"', row)
    assert re.search(rf'<option value="{city.environment.pk}" selected>', row)

    api = login(city.dispatcher).get(f"/api/v1/insight/cases/{pending.pk}/suggestion").json()
    assert api["available"] is True and api["model_version"] == 1
    assert api["unit"]["id"] == city.shuyang_gov.pk and api["unit"]["prefill"] is True
    assert api["category"]["name"] == "生态环境" and api["category"]["confidence"] >= 0.6
    assert api["reasons"]


def test_below_the_threshold_the_suggestion_is_shown_but_nothing_is_pre_filled(
    city, login, django_capture_on_commit_callbacks
):
    admin = login(city.admin)
    _train(admin, django_capture_on_commit_callbacks)
    pending = _unclear(city)
    found = login(city.dispatcher).get(f"/api/v1/insight/cases/{pending.pk}/suggestion").json()
    assert found["available"] is True
    below = round(max(found["unit"]["confidence"], found["category"]["confidence"]) + 0.01, 4)
    assert below < 1
    response = admin.post(reverse("insight:routing_settings"), {"min_confidence": str(below)}, follow=True)
    assert "已保存智能分派设置" in response.content.decode()
    assert RoutingSettings.objects.get().min_confidence == below

    row = _row(login(city.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode(), pending.number)
    assert 'data-prefilled="no"' in row and f"置信度低于 {below:.2f}，未预填" in row
    assert not re.search(rf'name="t\d+-lead_unit" value="{city.shuyang_gov.pk}"', row)
    assert not re.search(rf'<option value="{city.environment.pk}" selected>', row)
    api = login(city.dispatcher).get(f"/api/v1/insight/cases/{pending.pk}/suggestion").json()
    assert api["available"] is True and api["threshold"] == below
    assert api["unit"]["prefill"] is False and api["category"]["prefill"] is False


def test_a_bad_threshold_is_refused_with_a_chinese_message(city, login):
    response = login(city.biz_office).post(
        reverse("insight:routing_settings"), {"min_confidence": "2"}, follow=True
    )
    assert "预填最低置信度应为 0 到 1 之间的数" in response.content.decode()
    assert not RoutingSettings.objects.exists() or RoutingSettings.objects.get().min_confidence == 0.6


def test_without_a_model_dispatch_works_from_the_routing_table_as_before(cases, login):
    pending = cases.new(suggested_unit=cases.siyang_gov)
    html = login(cases.dispatcher).get(reverse("tickets:dispatch_queue")).content.decode()
    row = _row(html, pending.number)
    assert 'data-testid="routing-advice"' not in row
    assert "建议：泗阳县人民政府" in row
    assert re.search(rf'name="t\d+-lead_unit" value="{cases.siyang_gov.pk}"', row)

    api = login(cases.dispatcher).get(f"/api/v1/insight/cases/{pending.pk}/suggestion")
    assert api.status_code == 200
    assert api.json()["available"] is False and "尚无可用的智能分派模型" in api.json()["message"]

    page = login(cases.biz_office).get(PAGE).content.decode()
    assert 'data-testid="routing-fallback"' in page and "按分派规则表建议主办单位" in page

    response = login(cases.dispatcher).post(
        f"/api/v1/cases/{pending.pk}/dispatch",
        {"version": 1, "lead_unit_id": cases.siyang_gov.pk},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == Status.DISPATCHED
    assert not RoutingSuggestion.objects.exists()


def test_too_few_closed_cases_train_nothing_and_say_so(cases, login, django_capture_on_commit_callbacks):
    html = _train(login(cases.biz_office), django_capture_on_commit_callbacks)
    assert "已办结案例 0 件，少于 20 件，暂不训练" in html
    assert not RoutingModel.objects.exists()
    assert RoutingTraining.objects.get().state == TrainingState.IDLE


def test_a_corrupt_model_falls_back_to_the_routing_table_and_the_page_says_so(
    city, login, django_capture_on_commit_callbacks
):
    _train(login(city.biz_office), django_capture_on_commit_callbacks)
    RoutingModel.objects.update(blob=b"BBTC" + FORMAT_VERSION.to_bytes(2, "big") + b"garbage-not-a-model")
    forget_cached_model()  # a web process started after the model was damaged
    pending = _pending(city)
    pending.suggested_unit = city.siyang_gov
    pending.save(update_fields=["suggested_unit"])

    response = login(city.dispatcher).get(reverse("tickets:dispatch_queue"))
    assert response.status_code == 200
    row = _row(response.content.decode(), pending.number)
    assert 'data-testid="routing-advice"' not in row
    assert re.search(rf'name="t\d+-lead_unit" value="{city.siyang_gov.pk}"', row)

    api = login(city.dispatcher).get(f"/api/v1/insight/cases/{pending.pk}/suggestion").json()
    assert api["available"] is False and "无法使用" in api["message"]
    page = login(city.biz_office).get(PAGE).content.decode()
    assert 'data-testid="routing-fallback"' in page and "校验失败" in page

    dispatched = login(city.dispatcher).post(
        f"/api/v1/cases/{pending.pk}/dispatch",
        {"version": 1, "lead_unit_id": city.siyang_gov.pk},
        content_type="application/json",
    )
    assert dispatched.status_code == 200


def test_the_dispatchers_choice_is_recorded_against_the_suggestion(
    city, login, django_capture_on_commit_callbacks
):
    _train(login(city.biz_office), django_capture_on_commit_callbacks)
    kept, changed = _pending(city), _pending(city)
    dispatcher = login(city.dispatcher)
    for case, unit, category in (
        (kept, city.shuyang_gov, city.environment),
        (changed, city.approval_bureau, city.approval),
    ):
        response = dispatcher.post(
            f"/api/v1/cases/{case.pk}/dispatch",
            {"version": 1, "lead_unit_id": unit.pk, "category_id": category.pk},
            content_type="application/json",
        )
        assert response.status_code == 200

    adopted = RoutingSuggestion.objects.get(ticket=kept)
    assert adopted.adopted and adopted.unit_adopted and adopted.category_adopted
    assert adopted.unit_id == city.shuyang_gov.pk and adopted.model_version == 1
    assert adopted.dispatched_by == city.dispatcher and adopted.prefilled
    rejected = RoutingSuggestion.objects.get(ticket=changed)
    assert not rejected.adopted and not rejected.unit_adopted
    assert rejected.unit_id == city.shuyang_gov.pk and rejected.final_unit_id == city.approval_bureau.pk

    page = login(city.biz_office).get(PAGE).content.decode()
    month = f"{timezone.localtime(timezone.now()):%Y-%m}"
    assert f'data-month="{month}"' in page
    assert '建议 2 件，采纳率 <span data-testid="month-adoption">0.500</span>' in page


def test_only_one_training_at_a_time(city, login):
    RoutingTraining.objects.create(pk=1, state=TrainingState.RUNNING, started_at=timezone.now())
    response = login(city.biz_office).post("/api/v1/insight/routing/training")
    assert response.status_code == 409
    assert response.json() == {
        "code": "training_in_progress",
        "message": "已有一次智能分派模型训练正在进行，请等待其完成后再试",
    }
    page = login(city.biz_office).post(reverse("insight:routing_train"), follow=True).content.decode()
    assert "已有一次智能分派模型训练正在进行" in page
    assert not RoutingModel.objects.exists()
    assert not AuditEvent.objects.filter(action="insight.training_request").exists()


def test_a_training_left_behind_by_a_dead_worker_does_not_block_forever(
    city, login, django_capture_on_commit_callbacks
):
    RoutingTraining.objects.create(
        pk=1, state=TrainingState.RUNNING, started_at=timezone.now() - dt.timedelta(hours=7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(city.biz_office).post("/api/v1/insight/routing/training")
    assert response.status_code == 202
    assert RoutingModel.objects.filter(is_active=True).count() == 1


def test_a_new_model_replaces_the_active_one_only_when_it_does_better(
    city, login, django_capture_on_commit_callbacks
):
    client = login(city.biz_office)
    _train(client, django_capture_on_commit_callbacks)
    html = _train(client, django_capture_on_commit_callbacks)
    assert "模型 v2 未启用" in html
    assert list(RoutingModel.objects.filter(is_active=True).values_list("version", flat=True)) == [1]
    second = RoutingModel.objects.get(version=2)
    assert second.active_score == 1.0 and not second.is_active


def test_who_may_see_suggestions_and_train(city, login):
    own = _pending(city)
    other = city.new(enterprise=city.ent_siyang, region=city.siyang, submitter=None)
    enterprise = login(city.enterprise_user)
    assert enterprise.get(f"/api/v1/insight/cases/{own.pk}/suggestion").status_code == 403
    assert enterprise.get(f"/api/v1/insight/cases/{other.pk}/suggestion").status_code == 404
    assert (
        login(city.county_dispatcher).get(f"/api/v1/insight/cases/{other.pk}/suggestion").status_code == 404
    )
    assert login(city.county_dispatcher).get(f"/api/v1/insight/cases/{own.pk}/suggestion").status_code == 200
    assert login(city.handler_shuyang).get(f"/api/v1/insight/cases/{own.pk}/suggestion").status_code in (
        403,
        404,
    )
    refused = login(city.dispatcher).post("/api/v1/insight/routing/training")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert login(city.dispatcher).get(PAGE).status_code == 404
    assert login(city.enterprise_user).get(PAGE).status_code == 404
    assert login(city.biz_office).get(PAGE).status_code == 200
    assert login(city.admin).get(PAGE).status_code == 200


def test_the_weekly_training_runs_once_a_week_from_sunday_night():
    period = weekly_at(6, 2, 0)
    tz = dt.timezone(dt.timedelta(hours=8))
    assert period(dt.datetime(2026, 12, 5, 23, 0, tzinfo=tz)) is None  # Saturday
    assert period(dt.datetime(2026, 12, 6, 1, 59, tzinfo=tz)) is None  # Sunday before 02:00
    assert period(dt.datetime(2026, 12, 6, 2, 0, tzinfo=tz)) == "2026-W49"
    assert period(dt.datetime(2026, 12, 6, 23, 0, tzinfo=tz)) == "2026-W49"
    assert period(dt.datetime(2026, 12, 7, 2, 0, tzinfo=tz)) is None  # Monday of the next week


def test_make_ticket_helper_still_builds_pending_cases(cases):
    assert make_ticket(title="x").status == Status.PENDING_DISPATCH
