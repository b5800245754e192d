#!/usr/bin/env python
"""Bring up the documented production layout on loopback and use it in a browser.

What docs/operations.md prescribes, in order: `config.settings.prod` with its settings from the
environment, a scratch PostgreSQL database (created here, dropped at the end), `migrate`,
`collectstatic`, `check --deploy`, `load_calendar`, `createsuperuser`; then gunicorn with 2 workers,
one task worker (`task_worker`) and the scheduler. Chromium (Playwright) loads the login page,
logs in and opens a few pages (HTTP 200, the Chinese title, the hashed static CSS served);
`/healthz` must answer ok, and a task the scheduler enqueues must be run by the worker. Everything is torn down, also on failure. Exit status 0 = it works.

Plain http on 127.0.0.1 needs two documented switches only: BANGBAN_SSL_REDIRECT=false and
BANGBAN_COOKIE_SECURE=false (`check --deploy` runs without them, as in production).

Usage: python scripts/prod_smoke.py   (PostgreSQL at BANGBAN_SMOKE_PG, default
postgres://postgres@127.0.0.1:5432/postgres; Chromium at BANGBAN_CHROMIUM, default /usr/bin/chromium)
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django_otp.oath import totp as oath_totp

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
ADMIN_URL = os.environ.get("BANGBAN_SMOKE_PG", "postgres://postgres@127.0.0.1:5432/postgres")
CHROMIUM = os.environ.get("BANGBAN_CHROMIUM", "/usr/bin/chromium")
USERNAME = "smoke-admin"
PAGES = [("/", "首页"), ("/exports/", "我的导出"), ("/notifications/", None)]


def say(text: str) -> None:
    print(f"[prod-smoke] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_sql(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def manage(env: dict[str, str], *args: str) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_healthy(base: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            last = f"{exc.code} {exc.read()[:300]!r}"
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise SystemExit(f"/healthz did not answer ok within {timeout:.0f} s: {last}")


def wait_task_done(database_url: str, timeout: float = 60) -> str:
    """The scheduler claims this minute's `core.recover_stalled_tasks` at start and enqueues it;
    the task worker must run it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with psycopg.connect(database_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT task_path FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL' LIMIT 1"
            ).fetchone()
        if row:
            return str(row[0])
        time.sleep(1)
    raise SystemExit(f"no task enqueued by the scheduler was run by the worker within {timeout:.0f} s")


def totp(secret: str) -> str:
    """The current code an authenticator app shows for a base32 secret (django-otp's own TOTP)."""

    return f"{oath_totp(base64.b32decode(''.join(secret.split()).upper())):06d}"


def browse(base: str, password: str) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (browser library, loaded only for the browser pass)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(20_000)
            response = page.goto(f"{base}/accounts/login/")
            assert response is not None and response.status == 200, response and response.status
            assert "登录" in page.title() and "帮办" in page.title(), page.title()
            css = page.eval_on_selector_all("link[rel=stylesheet]", "links => links.map(link => link.href)")
            bootstrap = [href for href in css if "/static/vendor/bootstrap/bootstrap.min." in href]
            assert bootstrap, f"no hashed Bootstrap stylesheet on the login page: {css}"
            for href in css:
                asset = page.request.get(href)
                assert asset.status == 200, (href, asset.status)
                assert "text/css" in asset.headers.get("content-type", ""), href
            say(f"login page: {page.title()} ({len(css)} stylesheets served)")

            page.fill("#id_username", USERNAME)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            # Production requires a second factor of a system administrator: the first sign-in
            # leads to enrolment; the authenticator app is played by totp() below.
            page.wait_for_selector("[data-testid=second-factor-setup]")
            secret = page.inner_text("[data-testid=second-factor-secret]")
            page.fill("#id_code", totp(secret))
            page.click("button:has-text('完成绑定')")
            page.wait_for_selector("[data-testid=current-user]", state="attached")
            say("second factor enrolled (TOTP)")
            for path, _label in PAGES:
                response = page.goto(f"{base}{path}")
                assert response is not None and response.status == 200, (path, response and response.status)
                assert "帮办" in page.title(), (path, page.title())
                say(f"{path}: 200 {page.title()}")
        finally:
            browser.close()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bangban-prod-smoke-"))
    db_name = f"bangban_smoke_{os.getpid()}"
    parts = urlsplit(ADMIN_URL)
    database_url = urlunsplit(parts._replace(path=f"/{db_name}"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    password = secrets.token_urlsafe(18) + "-Aa1"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "BANGBAN_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "BANGBAN_SITE_URL": "https://bangban.example.gov.cn",
        "BANGBAN_AUDIT_KEY": secrets.token_urlsafe(48),
        "BANGBAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BANGBAN_VAR_DIR": str(work),
        "BANGBAN_STATIC_ROOT": str(work / "static"),
        "BANGBAN_MEDIA_ROOT": str(work / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("BANGBAN_TEST_TASK_BACKEND", None)
    loopback = {**env, "BANGBAN_SSL_REDIRECT": "false", "BANGBAN_COOKIE_SECURE": "false"}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = work / "logs"
    logs.mkdir()
    say(f"scratch database {db_name}, files under {work}")
    admin_sql(f"CREATE DATABASE \"{db_name}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "load_calendar")
        manage(
            {**env, "DJANGO_SUPERUSER_PASSWORD": password},
            "createsuperuser",
            "--noinput",
            "--username",
            USERNAME,
            "--email",
            "admin@example.gov.cn",
        )

        def start(name: str, command: list[str]) -> None:
            out = (logs / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=loopback, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
            say(
                f"started {name} (pid {processes[name].pid}): {' '.join(command[1:] if name != 'web' else command)}"
            )

        gunicorn = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else "gunicorn"
        start(
            "web",
            [gunicorn, "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        )
        start("worker", [PY, "manage.py", "task_worker", "--queue-name", "default"])
        start("scheduler", [PY, "manage.py", "scheduler"])

        health = wait_healthy(base)
        assert health == {"status": "ok"}, health
        say("/healthz: ok")
        browse(base, password)
        for name, proc in processes.items():
            assert proc.poll() is None, f"{name} exited with {proc.returncode} (see {logs / (name + '.log')})"
        say(f"scheduler → worker: {wait_task_done(database_url)} ran")
        say("web, worker and scheduler still running")
        manage(env, "backup", "--out", str(work / "backup"))
        manage(env, "restore_drill", "--from", str(work / "backup"), "--server-url", ADMIN_URL)
        say("backup written and restored in a drill (docs/operations.md §5)")
        say("OK: the documented production layout starts and serves pages")
        return 0
    except BaseException:
        for log in sorted(logs.glob("*.log")):
            tail = log.read_text(errors="replace")[-3000:]
            print(f"---- {log.name} (last lines)\n{tail}", file=sys.stderr)
        raise
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        with contextlib.suppress(Exception):
            admin_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
        say("torn down")


if __name__ == "__main__":
    sys.exit(main())
