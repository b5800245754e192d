#!/usr/bin/env python
"""Load test on the production layout, on loopback, in one command (docs/performance.md, "Load
test on the production layout"; docs/operations.md §11).

    python benchmarks/load/run.py --rate 100 --minutes 10          # the 10-minute run
    python benchmarks/load/run.py --rate 30 --minutes 60           # the soak (memory)
    python benchmarks/load/run.py --rate 100 --minutes 3 --db-outage 10   # the database goes away
    make load ARGS="--rate 100 --minutes 10"

What it does, in order (as scripts/prod_smoke.py starts the layout of docs/operations.md):
1. a scratch PostgreSQL database `bangban_load_<pid>` (BANGBAN_SMOKE_PG, default
   postgres://postgres@127.0.0.1:5432/postgres) with `config.settings.prod`, `migrate`,
   `collectstatic`, `load_calendar`, `load_demo_city`, then the load accounts, API tokens and
   counter devices (`django_side.py seed`);
2. a TCP proxy of its own between the application and PostgreSQL (`proxy.py`, used by
   `--db-outage`), then `gunicorn config.wsgi --workers N`, `--task-workers` × `manage.py
   task_worker` and `manage.py scheduler` on 127.0.0.1, all with the production settings and the
   two loopback switches (BANGBAN_SSL_REDIRECT / BANGBAN_COOKIE_SECURE = false);
3. locust headless (`locustfile.py`) at a constant request rate for the given minutes (statistics
   reset once every simulated user has started and signed in), while the resident memory (RSS) of
   every process of the layout and the load average are sampled every 10 s;
4. with `--db-outage S`: at `--outage-at` (default a third of the run) every database connection
   is cut and new ones refused for S seconds; the errors are classified (503 with the stable code
   `database_unavailable` or the Chinese 503 page = clear; anything else = not clear) and the
   recovery is timed (no process is restarted: the pids are compared);
5. waits until the task queue and the outbox are empty, checks integrity (`django_side.py check`:
   every case and rating the load generator was told was saved exists exactly once, nothing
   exists that it was not told about, every case's notification was written once and delivered);
6. prints the summary (JSON too, with --json FILE) and tears everything down (also on failure).

Exit status 0 when the targets hold (p95 ≤ --p95-ms, no error outside an outage window, every
outage error clear, recovery, integrity, every process still running), 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from mix import users  # noqa: E402
from proxy import PausableProxy  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
ADMIN_URL = os.environ.get("BANGBAN_SMOKE_PG", "postgres://postgres@127.0.0.1:5432/postgres")
SAMPLE_SECONDS = 10
TEMPLATE = "bangban_load_template"
SESSIONS = 3  # browser sessions signed in per staff account before the run
DEMO_PASSWORD = "Suqian-Demo-2024"  # bangban.accounts.demo_accounts


def say(text: str) -> None:
    print(f"[load] {time.strftime('%H:%M:%S')} {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_sql(sql: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def manage(env: dict[str, str], *args: str) -> None:
    say("manage.py " + " ".join(args))
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def sign_in(base: str, username: str, password: str) -> str:
    """Sign in through the login page (as a browser does) and return the Cookie header of the
    session; checked by opening the unit's or the dispatcher's page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/", timeout=60) as response:
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1) if match else ""}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request, timeout=60) as response:
        response.read()
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"signing in as {username} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wait_healthy(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if json.loads(response.read()).get("status") == "ok":
                    return
        except (urllib.error.HTTPError, OSError, ValueError) as exc:
            last = exc
        time.sleep(0.5)
    raise SystemExit(f"/healthz did not answer ok within {timeout:.0f} s: {last}")


class Sampler(threading.Thread):
    """Every SAMPLE_SECONDS: the RSS (MB) of each process group of the layout and the load
    average, appended to a CSV and kept for the summary."""

    def __init__(self, processes: dict[str, subprocess.Popen[bytes]], path: Path) -> None:
        super().__init__(daemon=True)
        self.processes = processes
        self.path = path
        self.rows: list[dict[str, float]] = []
        self.stop = threading.Event()
        self.t0 = time.time()

    def sample(self) -> dict[str, float]:
        row: dict[str, float] = {"t": round(time.time() - self.t0, 1), "load1": os.getloadavg()[0]}
        for name, proc in self.processes.items():
            total = 0
            with contextlib.suppress(psutil.Error):
                parent = psutil.Process(proc.pid)
                for p in [parent, *parent.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            row[name] = round(total / 2**20, 1)
        return row

    def run(self) -> None:
        with self.path.open("w", newline="") as out:
            writer: Any = None
            while not self.stop.is_set():
                row = self.sample()
                self.rows.append(row)
                if writer is None:
                    writer = csv.DictWriter(out, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
                out.flush()
                self.stop.wait(SAMPLE_SECONDS)


def pids(processes: dict[str, subprocess.Popen[bytes]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for name, proc in processes.items():
        try:
            parent = psutil.Process(proc.pid)
            found[name] = sorted([parent.pid, *(c.pid for c in parent.children(recursive=True))])
        except psutil.Error:
            found[name] = []
    return found


def num(value: str) -> float:
    """A figure of locust's CSV ("N/A" for a request that was never sent)."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def locust_stats(prefix: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rows = list(csv.DictReader((prefix.parent / f"{prefix.name}_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_name = [r for r in rows if r["Name"] != "Aggregated"]
    return total, per_name


def server_times(path: Path, since: float) -> dict[str, float]:
    """p50/p95/p99 of the time gunicorn's workers spent on each request (its access log, `%(M)s`),
    requests after the start only: the part of the client's time that is not the wait in front of
    the workers."""
    times = []
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        match = re.match(r"\[([^\]]+)\] .* (\d+)$", line)
        if not match:
            continue
        with contextlib.suppress(ValueError):
            at = dt.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            if at >= since:
                times.append(int(match.group(2)))
    if not times:
        return {}
    times.sort()

    def pct(q: float) -> float:
        return float(times[min(len(times) - 1, int(q * len(times)))])

    return {"count": len(times), "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99)}


def classify_errors(path: Path, window: tuple[float, float] | None) -> dict[str, Any]:
    """Errors in the outage window (plus 15 s for requests in flight and retries) and outside it."""
    inside: dict[str, int] = {}
    outside: dict[str, int] = {}
    clear = unclear = 0
    last_inside = 0.0
    for line in path.read_text().splitlines() if path.exists() else []:
        row = json.loads(line)
        label = f"{row['status']} {row['code'] or row['error'][:60]} · {row['name']}"
        if window and window[0] <= row["t"] <= window[1] + 15:
            inside[label] = inside.get(label, 0) + 1
            last_inside = max(last_inside, row["t"])
            ok = row["status"] == 503 and row["code"] in ("database_unavailable", "page:database_unavailable")
            clear += ok
            unclear += not ok
        else:
            outside[label] = outside.get(label, 0) + 1
    result: dict[str, Any] = {"outside": outside, "errors_outside": sum(outside.values())}
    if window:
        result.update(
            inside=inside,
            clear=clear,
            unclear=unclear,
            recovered_after_s=round(max(0.0, last_inside - window[1]), 1),
        )
    return result


def _stop_on_term(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description="帮办生产布局压测（本机回环）")
    parser.add_argument("--rate", type=float, default=100, help="每秒请求数（恒定）")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn 工作进程数")
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--db-outage", type=float, default=0, help="运行中切断数据库连接的秒数")
    parser.add_argument(
        "--outage-at", type=float, default=0, help="切断开始于第几秒（默认运行时长的三分之一）"
    )
    parser.add_argument("--p95-ms", type=float, default=300)
    parser.add_argument("--json", type=Path, help="把结果写入此 JSON 文件")
    parser.add_argument("--keep", action="store_true", help="保留临时目录（日志、CSV）")
    parser.add_argument(
        "--reuse-template",
        action="store_true",
        help="复用（或建立）已迁移并载入示范城市的模板库 bangban_load_template，省去迁移和载入（仅用于同一天、同一版本的多次运行）",
    )
    args = parser.parse_args()
    # A stopped run (kill, or a CI timeout) tears its layout down like an interrupted one.
    signal.signal(signal.SIGTERM, _stop_on_term)

    work = Path(tempfile.mkdtemp(prefix="bangban-load-"))
    # The keys stay the same between runs so that a template database's audit chain stays valid.
    keys_file = Path(tempfile.gettempdir()) / f"bangban-load-keys-{os.getuid()}.json"
    if not keys_file.exists():
        keys_file.write_text(
            json.dumps({"secret": secrets.token_urlsafe(64), "audit": secrets.token_urlsafe(48)})
        )
        keys_file.chmod(0o600)
    keys = json.loads(keys_file.read_text())
    db_name = f"bangban_load_{os.getpid()}"
    parts = urlsplit(ADMIN_URL)
    direct_url = urlunsplit(parts._replace(path=f"/{db_name}"))
    proxy = PausableProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy_port = proxy.start()
    proxied_url = urlunsplit(
        parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{proxy_port}", path=f"/{db_name}")
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "BANGBAN_SECRET_KEY": keys["secret"],
        "DATABASE_URL": direct_url,
        "BANGBAN_SITE_URL": "https://bangban.example.gov.cn",
        "BANGBAN_AUDIT_KEY": keys["audit"],
        "BANGBAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BANGBAN_VAR_DIR": str(work),
        # Kept between runs (collectstatic then only checks the files): the same checkout's assets.
        "BANGBAN_STATIC_ROOT": str(Path(tempfile.gettempdir()) / f"bangban-load-static-{os.getuid()}"),
        "BANGBAN_MEDIA_ROOT": str(work / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("BANGBAN_TEST_TASK_BACKEND", None)
    layout_env = {
        **env,
        "DATABASE_URL": proxied_url,
        "BANGBAN_SSL_REDIRECT": "false",
        "BANGBAN_COOKIE_SECURE": "false",
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs = work / "logs"
    logs.mkdir()
    result: dict[str, Any] = {
        "rate": args.rate,
        "minutes": args.minutes,
        "web_workers": args.web_workers,
        "task_workers": args.task_workers,
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    say(f"scratch database {db_name}, files under {work}; load average {result['load_before']}")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        have_template = bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
        )
    from_template = args.reuse_template and have_template
    source = TEMPLATE if from_template else "template0"
    admin_sql(f'CREATE DATABASE "{db_name}" ENCODING \'UTF8\' TEMPLATE "{source}"')
    sampler: Sampler | None = None
    locust: subprocess.Popen[bytes] | None = None
    failures: list[str] = []
    try:
        manage(env, "collectstatic", "--noinput", "-v", "0")
        if from_template:
            say(f"database copied from {TEMPLATE} (migrated, calendar and demo city loaded)")
        else:
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_calendar")
            manage(env, "load_demo_city")
            if args.reuse_template:
                admin_sql(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
                admin_sql(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE "{db_name}"')
                say(f"template {TEMPLATE} made for the next runs")
        seed_file = work / "seed.json"
        subprocess.run(
            [PY, str(HERE / "django_side.py"), "seed", str(seed_file)], cwd=ROOT, env=env, check=True
        )

        def start(name: str, command: list[str]) -> None:
            out = (logs / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=layout_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        gunicorn = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else "gunicorn"
        start(
            "web",
            [
                gunicorn,
                "config.wsgi",
                "--workers",
                str(args.web_workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--access-logfile",
                str(logs / "access.log"),
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(M)s',
            ],
        )
        for n in range(1, args.task_workers + 1):
            start(f"worker{n}", [PY, "manage.py", "task_worker", "--queue-name", "default"])
        start("scheduler", [PY, "manage.py", "scheduler"])
        wait_healthy(base)
        say(
            f"layout up: gunicorn {args.web_workers} workers on {base}, {args.task_workers} task workers, "
            f"scheduler; database through the proxy on port {proxy_port}"
        )
        seed = json.loads(seed_file.read_text())
        seed["sessions"] = {
            username: [sign_in(base, username, DEMO_PASSWORD) for _ in range(SESSIONS)]
            for username in ("paidan", "chengban_sy", "danwei_sy")
        }
        seed_file.write_text(json.dumps(seed, ensure_ascii=False))
        say(f"signed in {SESSIONS} sessions each for the dispatcher, the handler and the unit head")
        pids_before = pids(processes)
        sampler = Sampler(processes, work / "rss.csv")
        sampler.start()

        sized = users(args.rate)
        total_users = sum(count for count, _rps in sized.values())
        run_id = f"{int(time.time())}"
        locust_env = {
            **os.environ,
            "LOAD_SEED": str(seed_file),
            "LOAD_RATE": str(args.rate),
            "LOAD_RECORD": str(work / "record.jsonl"),
            "LOAD_ERRORS": str(work / "errors.jsonl"),
            "LOAD_RUN_ID": run_id,
        }
        run_seconds = int(args.minutes * 60)
        spawn_seconds = 10
        prefix = work / "locust"
        command = [
            PY,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "-u",
            str(total_users),
            "-r",
            str(max(1, total_users // spawn_seconds)),
            "--run-time",
            f"{run_seconds + spawn_seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--reset-stats",
            "--only-summary",
            "--stop-timeout",
            "30",
        ]
        say(
            f"locust: {total_users} users, {args.rate:g} req/s for {args.minutes:g} min (+{spawn_seconds} s start)"
        )
        t_start = time.time()
        locust = subprocess.Popen(
            command,
            cwd=HERE,
            env=locust_env,
            stdout=(logs / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        window: tuple[float, float] | None = None
        if args.db_outage:
            at = args.outage_at or (spawn_seconds + run_seconds / 3)
            time.sleep(max(0.0, t_start + at - time.time()))
            cut_at = time.time()
            proxy.cut()
            say(f"database cut for {args.db_outage:g} s")
            time.sleep(args.db_outage)
            proxy.restore()
            window = (cut_at, time.time())
            say(f"database back ({proxy.refused} connections refused meanwhile)")
        locust.wait()
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        say(f"locust done (exit {locust.returncode})")
        total, per_name = locust_stats(prefix)
        result["requests"] = int(total["Request Count"])
        result["failures"] = int(total["Failure Count"])
        result["throughput"] = round(num(total["Requests/s"]), 1)
        result.update(
            p50=num(total["50%"]),
            p95=num(total["95%"]),
            p99=num(total["99%"]),
            max_ms=num(total["Max Response Time"]),
        )
        result["per_request"] = [
            {
                "name": r["Name"],
                "method": r["Type"],
                "count": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50": num(r["50%"]),
                "p95": num(r["95%"]),
                "p99": num(r["99%"]),
            }
            for r in sorted(per_name, key=lambda r: -int(r["Request Count"]))
        ]
        result["server_ms"] = server_times(logs / "access.log", t_start + spawn_seconds)
        result["errors"] = classify_errors(work / "errors.jsonl", window)

        # Drain: the workers finish what the run queued (notifications, dashboards, exports).
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    [PY, str(HERE / "django_side.py"), "drained"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                ).returncode
                == 0
            ):
                break
            time.sleep(5)
        result["drained_in_s"] = round(300 - (deadline - time.monotonic()), 1)
        sampler.stop.set()
        sampler.join()
        # The scheduler and the task workers went on (after the outage, when there was one): a
        # task the scheduler enqueued afterwards was run. The scheduler claims a job every minute.
        since = window[1] if window else t_start
        deadline = time.monotonic() + 90
        while True:
            with psycopg.connect(direct_url, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL' "
                    "AND task_path LIKE %s AND enqueued_at > to_timestamp(%s)",
                    ["%recover_stalled_tasks%", since],
                ).fetchone()
            result["scheduled_tasks_run_after"] = int(row[0]) if row else 0
            if result["scheduled_tasks_run_after"] or time.monotonic() > deadline:
                break
            time.sleep(5)
        pids_after = pids(processes)
        result["restarted"] = [name for name in processes if pids_before[name] != pids_after[name]]
        result["exited"] = [name for name, proc in processes.items() if proc.poll() is not None]
        check = subprocess.run(
            [PY, str(HERE / "django_side.py"), "check", str(work / "record.jsonl")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        result["integrity"] = check.stdout.strip().splitlines()
        result["integrity_ok"] = check.returncode == 0
        rows = sampler.rows
        warm = [r for r in rows if r["t"] >= 60] or rows
        result["rss_mb"] = {
            name: {"first": warm[0][name], "last": warm[-1][name], "max": max(r[name] for r in warm)}
            for name in processes
        }
        result["load1_during"] = {
            "mean": round(sum(r["load1"] for r in rows) / len(rows), 2),
            "max": max(r["load1"] for r in rows),
        }

        if result["p95"] > args.p95_ms:
            failures.append(f"p95 {result['p95']:.0f} ms > {args.p95_ms:.0f} ms")
        if result["errors"]["errors_outside"]:
            failures.append(f"{result['errors']['errors_outside']} errors outside an outage")
        if window and result["errors"]["unclear"]:
            failures.append(f"{result['errors']['unclear']} unclear errors during the outage")
        if not result["integrity_ok"]:
            failures.append("integrity check failed")
        if not result["scheduled_tasks_run_after"]:
            failures.append("no task enqueued by the scheduler was run after the outage/start")
        if result["restarted"] or result["exited"]:
            failures.append(f"processes restarted {result['restarted']} or exited {result['exited']}")
        result["failures_of_targets"] = failures
        summary(result)
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        return 0 if not failures else 1
    except BaseException:
        for log in sorted(logs.glob("*.log")):
            tail = log.read_text(errors="replace")[-2500:]
            print(f"---- {log.name} (last lines)\n{tail}", file=sys.stderr)
        raise
    finally:
        if sampler is not None:
            sampler.stop.set()
        if locust is not None and locust.poll() is None:
            locust.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                locust.wait(timeout=20)
        for proc in processes.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        proxy.stop()
        with contextlib.suppress(Exception):
            admin_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        say("torn down")


def summary(r: dict[str, Any]) -> None:
    print()
    print(
        f"== 压测结果：{r['rate']:g} 次/秒 × {r['minutes']:g} 分钟；gunicorn {r['web_workers']} 进程、"
        f"任务进程 {r['task_workers']} 个、调度 1 个；{r['cpus']} 核"
    )
    print(
        f"负载（1/5/15 分钟）：开始前 {r['load_before']}，结束时 {r['load_after']}；运行中 1 分钟负载"
        f"平均 {r['load1_during']['mean']}，最高 {r['load1_during']['max']}"
    )
    print(
        f"请求 {r['requests']} 次，实际 {r['throughput']} 次/秒；失败 {r['failures']} 次；"
        f"p50 {r['p50']:.0f} ms，p95 {r['p95']:.0f} ms，p99 {r['p99']:.0f} ms，最长 {r['max_ms']:.0f} ms"
    )
    print(f"{'请求':<58}{'次数':>8}{'失败':>6}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in r["per_request"]:
        print(
            f"{row['method'] + ' ' + row['name']:<58}{row['count']:>8}{row['failures']:>6}"
            f"{row['p50']:>7.0f}{row['p95']:>7.0f}{row['p99']:>7.0f}"
        )
    if r.get("server_ms"):
        sm = r["server_ms"]
        print(
            f"服务器端（gunicorn 工作进程内）用时：p50 {sm['p50']:.0f} ms，p95 {sm['p95']:.0f} ms，p99 {sm['p99']:.0f} ms"
            f"（{sm['count']} 次）；其余为排队等待空闲工作进程的时间"
        )
    errors = r["errors"]
    if "inside" in errors:
        print(
            f"断库期间（含其后 15 s）错误：{sum(errors['inside'].values())} 次，其中明确的 503 {errors['clear']} 次、"
            f"其他 {errors['unclear']} 次；恢复后 {errors['recovered_after_s']} s 内不再出错"
        )
        for label, n in sorted(errors["inside"].items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {n:>6} × {label}")
    print(f"断库以外的错误：{errors['errors_outside']} 次")
    for label, n in sorted(errors["outside"].items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {n:>6} × {label}")
    print(
        f"调度器在开始（或断库恢复）后派发、由任务进程执行完的 core.recover_stalled_tasks：{r['scheduled_tasks_run_after']} 次"
    )
    print(
        f"后台队列清空用时 {r['drained_in_s']} s；重启的进程 {r['restarted'] or '无'}，退出的进程 {r['exited'] or '无'}"
    )
    print(
        "内存 RSS（MB，第 1 分钟后首个采样 → 最后采样，最高）："
        + "；".join(
            f"{name} {v['first']:.0f} → {v['last']:.0f}（{v['max']:.0f}）" for name, v in r["rss_mb"].items()
        )
    )
    print("完整性检查：")
    for line in r["integrity"]:
        print(f"  {line}")
    print(
        "结论："
        + ("全部达标" if not r["failures_of_targets"] else "未达标：" + "；".join(r["failures_of_targets"]))
    )


if __name__ == "__main__":
    sys.exit(main())
