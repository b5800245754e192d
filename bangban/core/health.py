"""What `/healthz` and `/readyz` check. `/healthz`: the database answers, every migration is applied
and, with the manifest static storage of production, the manifest is there and names the assets
every page loads.

Cheap enough for a load balancer polling every few seconds: the database check is one `SELECT 1`;
the migration plan is computed until it is found complete and then remembered for the life of the
process (a deploy that adds migrations restarts the processes); the manifest is read once by the
storage and looked up in memory. `/readyz` (`readiness_problems`): the database, the migrations
and the task queue's table.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# Assets the base template loads on every page; a manifest without them means collectstatic did not run.
REQUIRED_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "core/bangban.css",
    "core/bangban.js",
)

_migrations_complete = False


def database_problem() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means the database does not answer
        return f"数据库无法连接：{type(exc).__name__}"
    return None


def migrations_problem() -> str | None:
    global _migrations_complete
    if _migrations_complete:
        return None
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"有 {len(plan)} 个数据库迁移未执行（请运行 manage.py migrate）"
    _migrations_complete = True
    return None


def static_problem() -> str | None:
    # The storage is a lazy object that reports the configured class, so isinstance sees through it.
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None  # development and tests serve static files from the apps directly
    hashed = staticfiles_storage.hashed_files
    missing = [name for name in REQUIRED_STATIC if name not in hashed]
    if missing:
        return f"静态文件缺失（请运行 manage.py collectstatic）：{', '.join(missing)}"
    return None


def task_queue_problem() -> str | None:
    """The task queue's table answers (a query on its index; no row needs to exist)."""
    try:
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    except Exception as exc:  # a missing table or a driver error
        return f"任务队列表无法读取：{type(exc).__name__}"
    return None


def readiness_problems() -> list[dict[str, str]]:
    """What `/readyz` checks: the database answers, every migration is applied and the task
    queue's table can be read. Static files are `/healthz`'s business (a process without its
    manifest is unhealthy, not merely unready)."""
    db = database_problem()
    if db:
        return [{"check": "database", "reason": db}]
    problems = []
    for check, probe in (("migrations", migrations_problem), ("task_queue", task_queue_problem)):
        reason = probe()
        if reason:
            problems.append({"check": check, "reason": reason})
    return problems


def health_problems() -> list[dict[str, str]]:
    problems = []
    db = database_problem()
    if db:
        return [{"check": "database", "reason": db}]
    for check, probe in (("migrations", migrations_problem), ("static", static_problem)):
        reason = probe()
        if reason:
            problems.append({"check": check, "reason": reason})
    return problems
