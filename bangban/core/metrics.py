"""`/metrics` in the Prometheus text format: what each web process measured, and what the database
holds at the moment of the scrape.

**Per-process request figures.** `MetricsMiddleware` times every request and counts it:
`bangban_http_request_duration_seconds{route,method}` (histogram; `route` is the URL pattern's
name, never the raw path, so the number of series stays bounded) and
`bangban_http_requests_total{route,method,status_class}`. With several gunicorn workers each
process keeps its own figures: set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, emptied at each
start of the service, one per machine) in the environment of gunicorn, and any worker answering
the scrape adds up the figures of every worker of that machine (prometheus-client's multiprocess
mode). Without it (one process: `runserver`, tests) a process reports its own figures.
Scrape every machine: the request figures are per machine.

**Figures from the database**, read at every scrape (so every machine reports the same values):
the task queue (`bangban_tasks{status}`, the age of the oldest queued task, the waiting and run
times of recently finished tasks) here, and whatever the apps declare as `metrics` on their
`AppConfig` (`bangban.core.plugins`): a function `(now) -> iterable of metric families`. A
function that fails is reported as `bangban_metrics_collector_up{collector} 0`, never as a failed
scrape.

**Who may scrape.** A client address in `BANGBAN_METRICS_ALLOWED` (CIDRs; loopback by default;
the address is `core.middleware.client_ip`, so a forwarded address counts only from a trusted
proxy, and a forwarded request from an untrusted peer is never taken for a local one), or a
request with `Authorization: Bearer <BANGBAN_METRICS_TOKEN>` when that token is set. Anyone else
gets 404.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from .middleware import _trusted, _trusted_networks, client_ip
from .plugins import plugins

log = logging.getLogger("bangban.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
# Finished tasks whose waiting and run times are reported (`bangban_task_recent_*`).
RECENT_TASKS_WINDOW = dt.timedelta(minutes=15)
RECENT_TASKS_LIMIT = 5000

# The registry of this process's request figures (in multiprocess mode their values live in files).
HTTP_REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "bangban_http_request_duration_seconds",
    "处理请求用时（秒），按路由名称与方法",
    ["route", "method"],
    registry=HTTP_REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUESTS = Counter(
    "bangban_http_requests",
    "请求数，按路由名称、方法与状态类别（2xx、4xx…）",
    ["route", "method", "status_class"],
    registry=HTTP_REGISTRY,
)


def route_of(request: HttpRequest) -> str:
    """The name of the route that answered (`namespace:name`), else its pattern; never the path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(route, method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, method, f"{response.status_code // 100}xx").inc()
        return response


# --- who may scrape ---------------------------------------------------------------------------------


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _trusted_networks(tuple(getattr(settings, "BANGBAN_METRICS_ALLOWED", ()) or ()))


def may_scrape(request: HttpRequest) -> bool:
    token = getattr(settings, "BANGBAN_METRICS_TOKEN", "") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = _trusted_networks(tuple(getattr(settings, "BANGBAN_TRUSTED_PROXIES", ()) or ()))
    if any(request.META.get(h) for h in FORWARDING_HEADERS) and not _trusted(remote, proxies):
        # Forwarded by a proxy we do not trust (a local nginx serving the internet, say): the
        # real client is unknown, so the loopback peer address proves nothing.
        return False
    address = client_ip(request)
    return address is not None and _trusted(address, allowed_networks())


# --- figures from the database ------------------------------------------------------------------


def task_queue_metrics(now: dt.datetime) -> Iterator[Metric]:
    counts: dict[str, int] = {
        TaskResultStatus.READY: 0,
        TaskResultStatus.RUNNING: 0,
        TaskResultStatus.FAILED: 0,
    }
    rows = DBTaskResult.objects.filter(status__in=list(counts)).order_by().values("status")
    for status, n in rows.annotate(n=Count("pk")).values_list("status", "n"):
        counts[status] = n
    tasks = GaugeMetricFamily(
        "bangban_tasks", "后台任务数，按状态（queued 排队、running 执行中、failed 失败）", labels=["status"]
    )
    for status, label in (
        (TaskResultStatus.READY, "queued"),
        (TaskResultStatus.RUNNING, "running"),
        (TaskResultStatus.FAILED, "failed"),
    ):
        tasks.add_metric([label], counts[status])
    yield tasks

    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=now)
    )
    oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    yield GaugeMetricFamily(
        "bangban_task_oldest_queued_age_seconds",
        "可执行的排队任务中最早一个已等待的秒数（无排队任务时为 0）",
        value=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )

    recent = (
        DBTaskResult.objects.filter(
            finished_at__gte=now - RECENT_TASKS_WINDOW, finished_at__lte=now, started_at__isnull=False
        )
        .order_by("-finished_at")
        .values_list("task_path", "enqueued_at", "started_at", "finished_at")[:RECENT_TASKS_LIMIT]
    )
    waits: dict[str, list[float]] = defaultdict(list)
    runs: dict[str, list[float]] = defaultdict(list)
    for path, enqueued, started, finished in recent:
        if started is None or finished is None:
            continue
        name = path.rsplit(".", 1)[-1]
        waits[name].append(max((started - enqueued).total_seconds(), 0.0))
        runs[name].append(max((finished - started).total_seconds(), 0.0))
    window = int(RECENT_TASKS_WINDOW.total_seconds() // 60)
    for metric, label, values in (
        ("bangban_task_recent_wait_seconds", "排队等待", waits),
        ("bangban_task_recent_run_seconds", "执行", runs),
    ):
        family = GaugeMetricFamily(
            metric,
            f"最近 {window} 分钟内结束的任务的{label}用时（秒），按任务与统计量",
            labels=["task", "stat"],
        )
        for name, seconds in sorted(values.items()):
            family.add_metric([name, "avg"], sum(seconds) / len(seconds))
            family.add_metric([name, "max"], max(seconds))
            family.add_metric([name, "count"], len(seconds))
        yield family


def collectors() -> list[tuple[str, Callable[[dt.datetime], Iterable[Metric]]]]:
    """The figures read from the database at each scrape: the task queue's and each app's."""
    found: list[tuple[str, Callable[[dt.datetime], Iterable[Metric]]]] = [("core", task_queue_metrics)]
    found.extend((config.label, collect) for config, collect in plugins("metrics"))
    return found


class DatabaseCollector:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "bangban_metrics_collector_up",
            "各项数据库指标本次是否读取成功（1 成功，0 失败）",
            labels=["collector"],
        )
        for name, collect in collectors():
            try:
                families = list(collect(self.now))
            except Exception:  # a failing collector must not fail the whole scrape
                log.exception("metrics collector %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


class _ProcessCollector:
    """This process's request figures, when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from HTTP_REGISTRY.collect()


def exposition(now: dt.datetime) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())  # type: ignore[arg-type]
    registry.register(DatabaseCollector(now))  # type: ignore[arg-type]
    return generate_latest(registry)


def metrics(request: HttpRequest) -> HttpResponse:
    """`/metrics` for Prometheus; 404 for anyone not allowed to scrape."""
    if not may_scrape(request):
        raise Http404
    return HttpResponse(exposition(timezone.now()), content_type=CONTENT_TYPE_LATEST)
