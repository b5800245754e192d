"""The mixed workload of a city's working day, for locust (started by run.py; see
docs/performance.md, "Load test on the production layout").

Each kind of user is a locust user class that sends a constant number of requests per second
(`constant_throughput`); the number of users of each class follows MIX, the share of the total
rate (LOAD_RATE, requests/s) each kind of work takes. Per 100 requests:

| who | share | what (weights within the class) |
|---|---|---|
| 12345 hotline agent (热线坐席) | 4 | files a case, `POST /api/v1/cases`, channel hotline (1 in 20 sent twice with the same Idempotency-Key: a client retrying) |
| enterprises on the portal (40 accounts) | 5 | file a case, channel portal (2), their case list (2), one case (1) |
| dispatcher (派单员) | 12 | dispatch a new case to the unit (6), the dispatch queue page (4), a case page (2) |
| handler (承办人) | 42 | accept (5), progress note (2), structured reply (4), the unit queue page `/cases/unit/` (13), a case page (12), the case in the API (4), its timeline (2) |
| unit head (单位负责人) | 7 | approve a reply (4), the unit queue page (1), a case page (2) |
| counter devices (评价器, 4) | 15 | one rating with a unique 办件号 (`event_ref`) |
| 营商办 | 15 | the supervision dashboard (4), the case list (4), the ratings list (3), the dispatch figures (2), the monthly meeting pack (2) |
| exports | 0.05 | the handler's unit queue as Excel, `/cases/export.xlsx?view=unit` (one every 20 s at 100 req/s) |

Writes are 40 % of the requests (intake 6/s, dispatch, accept, note, reply and approval about
5/s each, ratings 15/s at 100 req/s): a heavier share of writing than a real working day, where
people read far more than they write, so that the intake, workflow and rating paths are loaded.
The flow is real: every case filed goes to the dispatcher, is dispatched to 沭阳县行政审批局,
accepted, answered and approved through the API, each step with the version it was given; when
a stage has nothing waiting, its user reads a page instead, so the rate holds.

Every success that writes (201/200 of an intake — a replay included —, a dispatch, a device
rating, or 409 `already_rated` for a rating resent after an error) is appended to LOAD_RECORD,
and every error answer to LOAD_ERRORS (time, status, code, path); run.py compares the first with
the database afterwards and classifies the second. A request answered 503 (the database away) is
retried with the same key after one second, at most 30 times, as a client following
`Retry-After` would — so a case or rating is never lost nor doubled by a retry.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent
from locust import constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser
from mix import users

SEED = json.loads(Path(os.environ["LOAD_SEED"]).read_text(encoding="utf-8"))
RATE = float(os.environ.get("LOAD_RATE", "100"))
RECORD = open(os.environ["LOAD_RECORD"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)
ERRORS = open(os.environ["LOAD_ERRORS"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)
RUN = os.environ.get("LOAD_RUN_ID", str(int(time.time())))

# The work flowing between users (one locust process, gevent: plain deques are safe).
to_dispatch: collections.deque[tuple[int, int]] = collections.deque(maxlen=5000)
to_accept: collections.deque[tuple[int, int]] = collections.deque(maxlen=5000)
to_reply: collections.deque[tuple[int, int]] = collections.deque(maxlen=5000)
to_approve: collections.deque[tuple[int, int]] = collections.deque(maxlen=5000)
in_unit: collections.deque[int] = collections.deque(maxlen=2000)  # cases the unit holds
recent_intakes: collections.deque[tuple[str, dict[str, Any], str]] = collections.deque(maxlen=200)
counter = itertools.count(1)

PROBLEMS = [
    ("用电报装迟迟未接电", "020201", "新厂区用电报装申请提交后供电公司一直没有安排接电"),
    ("施工许可办理超时", "080101", "建筑工程施工许可申请超过承诺时限仍未办结"),
    ("稳岗补贴未到账", "040302", "申请的稳岗补贴经审核通过后迟迟没有拨付"),
    ("厂区道路破损", "120101", "厂区门前市政道路塌陷积水，大货车无法通行"),
    ("多头重复检查", "070101", "多个部门就同一事项先后上门检查并要求重复提交材料"),
    ("出口退税办理慢", "090202", "出口退税申报后退税款长期未到账"),
    ("招工难", "040101", "熟练技术工人招不到，岗位空缺影响订单交付"),
    ("用地指标未落实", "020101", "签约项目的建设用地指标一直没有落实"),
    ("贷款续贷困难", "030102", "流动资金贷款到期后银行要求先还后贷"),
    ("电子税务局故障", "090103", "电子税务局申报时反复报错无法提交"),
]
PLACES = ["新建二期厂房", "一号仓库", "研发中心", "老厂区", "物流园分拨点", "门市部", "食堂", "东门"]
IMPACTS = ["导致生产线停工", "订单交付延期", "员工工资发放紧张", "被客户索赔违约金", "新设备无法调试"]
REQUESTS = ["恳请协调解决", "希望明确办理时限", "请给予书面答复", "请派人到现场查看", "请尽快处理"]


def case_payload(n: int, portal: bool) -> dict[str, Any]:
    rnd = random.Random(n)
    title, category, what = rnd.choice(PROBLEMS)
    body: dict[str, Any] = {
        "title": title,
        "content": f"我公司{rnd.choice(PLACES)}{what}，已有{rnd.randint(2, 90)}天，"
        f"{rnd.choice(IMPACTS)}，{rnd.choice(REQUESTS)}（压测 {RUN}-{n}）。",
        "category": category,
        "contact_name": "联系人",
        "contact_phone": f"139{n % 10**8:08d}",
    }
    if not portal:
        body["channel"] = "hotline"
        body["enterprise_id"] = rnd.choice(SEED["enterprise_ids"])
    return body


def record(**row: Any) -> None:
    RECORD.write(json.dumps(row, ensure_ascii=False) + "\n")


def version_of(body: Any) -> int | None:
    if isinstance(body, dict):
        if isinstance(body.get("version"), int):
            return int(body["version"])
        for value in body.values():
            found = version_of(value) if isinstance(value, dict) else None
            if found is not None:
                return found
    return None


@events.request.add_listener
def on_request(
    request_type: str, name: str, response_time: float, response: Any, exception: Any, **kw: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    if exception is None and status < 400:
        return
    code = ""
    text = ""
    try:
        text = response.text or ""
        code = str(json.loads(text).get("code", ""))
    except Exception:
        match = re.search(r'data-error-code="([^"]+)"', text or "") or re.search(
            r"<title>([^<]*)</title>", text or ""
        )
        code = f"page:{match.group(1).strip()}" if match else ""
    ERRORS.write(
        json.dumps(
            {
                "t": time.time(),
                "status": status,
                "code": code,
                "name": name,
                "error": str(exception or "")[:200],
            },
            ensure_ascii=False,
        )
        + "\n"
    )


class Base(FastHttpUser):
    abstract = True
    token = ""
    cookie = ""
    connection_timeout = 30.0
    network_timeout = 60.0

    def api(self, method: str, path: str, name: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        return self.client.request(method, path, name=name, headers=headers, **kw)

    def write(self, method: str, path: str, name: str, ok: tuple[int, ...], **kw: Any) -> Any:
        """A write: retried with the same body and key while the database is away (503), as a
        client following Retry-After does; the answer of the last try."""
        for _attempt in range(30):
            with self.api(method, path, name, catch_response=True, **kw) as response:
                if response.status_code == 503:
                    response.failure("503 database_unavailable")
                    gevent.sleep(1)
                    continue
                if response.status_code in ok:
                    response.success()
                else:
                    response.failure(f"{response.status_code} {response.text[:200]}")
                return response
        return None

    def login(self, username: str) -> None:
        """Take one of the sessions run.py signed in before the run (people sign in once a
        day: the Argon2 sign-in is measured by benchmarks/bench_login.py, not here)."""
        sessions = SEED["sessions"][username]
        self.cookie = sessions[next(counter) % len(sessions)]

    def get_page(self, path: str, name: str) -> Any:
        return self.client.get(path, name=name, headers={"Cookie": self.cookie})

    # Where this person lands when no case has reached the unit yet (the dispatcher has no unit
    # queue: /cases/unit/ is 404 for them).
    home = ("/cases/unit/", "单位工作台 /cases/unit/")

    def case_page(self) -> None:
        if in_unit:
            self.get_page(f"/cases/{random.choice(in_unit)}/", "诉求页 /cases/[id]/")
        else:
            self.get_page(*self.home)


class HotlineAgent(Base):
    """12345 hotline agent: files cases by phone."""

    def on_start(self) -> None:
        self.token = SEED["tokens"]["rexian"]

    @task(19)
    def file_case(self) -> None:
        n = next(counter)
        key = f"load-{RUN}-h{n}"
        body = case_payload(n, portal=False)
        response = self.write(
            "POST",
            "/api/v1/cases",
            "登记诉求 POST /api/v1/cases（热线）",
            (201,),
            json=body,
            headers={"Idempotency-Key": key},
        )
        if response is not None and response.status_code == 201:
            data = response.json()
            record(kind="case", key=key, id=data["id"])
            to_dispatch.append((data["id"], data["version"]))
            recent_intakes.append((key, body, self.token))

    @task(1)
    def resend(self) -> None:
        """The same submission sent again (a client that did not see the first answer): 200,
        `Idempotent-Replay: true`, the same case."""
        if not recent_intakes:
            return self.file_case()
        key, body, _token = random.choice(recent_intakes)
        response = self.write(
            "POST",
            "/api/v1/cases",
            "登记诉求（幂等重发）",
            (200, 201),
            json=body,
            headers={"Idempotency-Key": key},
        )
        if response is not None and response.status_code in (200, 201):
            record(kind="case", key=key, id=response.json()["id"])
        return None


class EnterpriseUser(Base):
    """An enterprise on the portal (40 accounts, one each)."""

    tokens = itertools.cycle(SEED["enterprise_tokens"])

    def on_start(self) -> None:
        self.token = next(self.tokens)
        self.mine: list[int] = []

    @task(2)
    def file_case(self) -> None:
        n = next(counter)
        key = f"load-{RUN}-p{n}"
        response = self.write(
            "POST",
            "/api/v1/cases",
            "登记诉求 POST /api/v1/cases（企业网上）",
            (201,),
            json=case_payload(n, portal=True),
            headers={"Idempotency-Key": key},
        )
        if response is not None and response.status_code == 201:
            data = response.json()
            record(kind="case", key=key, id=data["id"])
            to_dispatch.append((data["id"], data["version"]))
            self.mine.append(data["id"])

    @task(2)
    def my_cases(self) -> None:
        self.api("GET", "/api/v1/cases?size=20", "企业的诉求列表 GET /api/v1/cases")

    @task(1)
    def my_case(self) -> None:
        if self.mine:
            self.api("GET", f"/api/v1/cases/{random.choice(self.mine)}", "企业看诉求 GET /api/v1/cases/[id]")
        else:
            self.my_cases()


class Dispatcher(Base):
    home = ("/cases/dispatch/", "派单台 /cases/dispatch/")

    def on_start(self) -> None:
        self.token = SEED["tokens"]["paidan"]
        self.login("paidan")

    @task(6)
    def dispatch(self) -> None:
        if not to_dispatch:
            return self.queue()
        case_id, version = to_dispatch.popleft()
        response = self.write(
            "POST",
            f"/api/v1/cases/{case_id}/dispatch",
            "派单 POST /api/v1/cases/[id]/dispatch",
            (200,),
            json={"version": version, "lead_unit_id": SEED["lead_unit_id"], "note": "请按时限办理"},
        )
        if response is not None and response.status_code == 200:
            record(kind="dispatch", id=case_id)
            to_accept.append((case_id, version_of(response.json()) or version + 1))
            in_unit.append(case_id)
        return None

    @task(4)
    def queue(self) -> None:
        self.get_page("/cases/dispatch/", "派单台 /cases/dispatch/")

    @task(2)
    def page(self) -> None:
        self.case_page()


class Handler(Base):
    def on_start(self) -> None:
        self.token = SEED["tokens"]["chengban_sy"]
        self.login("chengban_sy")

    def step(self, queue: collections.deque, path: str, name: str, body: dict[str, Any], then: Any) -> None:
        if not queue:
            return self.unit_queue()
        case_id, version = queue.popleft()
        response = self.write(
            "POST", f"/api/v1/cases/{case_id}/{path}", name, (200,), json={"version": version, **body}
        )
        if response is not None and response.status_code == 200 and then is not None:
            then.append((case_id, version_of(response.json()) or version + 1))
        return None

    @task(5)
    def accept(self) -> None:
        self.step(to_accept, "accept", "签收 POST /api/v1/cases/[id]/accept", {}, to_reply)

    @task(2)
    def note(self) -> None:
        if in_unit:
            self.write(
                "POST",
                f"/api/v1/cases/{random.choice(in_unit)}/notes",
                "内部意见 POST /api/v1/cases/[id]/notes",
                (200,),
                json={"text": "已与企业电话沟通，正在协调相关科室", "public": False},
            )
        else:
            self.unit_queue()

    @task(4)
    def reply(self) -> None:
        self.step(
            to_reply,
            "reply",
            "答复 POST /api/v1/cases/[id]/reply",
            {
                "result": "resolved",
                "content": "经协调，相关问题已于近日解决，企业表示认可。",
                "contact_method": "phone",
                "contacted_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "contact_person": "联系人",
            },
            to_approve,
        )

    @task(13)
    def unit_queue(self) -> None:
        page = random.choice(["", "?status=accepted", "?sort=due_at", "?q=补贴"])
        self.get_page(f"/cases/unit/{page}", "单位工作台 /cases/unit/")

    @task(12)
    def page(self) -> None:
        self.case_page()

    @task(4)
    def case_api(self) -> None:
        if in_unit:
            self.api("GET", f"/api/v1/cases/{random.choice(in_unit)}", "诉求详情 GET /api/v1/cases/[id]")
        else:
            self.unit_queue()

    @task(2)
    def events(self) -> None:
        if in_unit:
            self.api(
                "GET",
                f"/api/v1/cases/{random.choice(in_unit)}/events",
                "办理过程 GET /api/v1/cases/[id]/events",
            )
        else:
            self.unit_queue()


class UnitHead(Base):
    def on_start(self) -> None:
        self.token = SEED["tokens"]["danwei_sy"]
        self.login("danwei_sy")

    @task(4)
    def approve(self) -> None:
        if not to_approve:
            return self.case_page()
        case_id, version = to_approve.popleft()
        self.write(
            "POST",
            f"/api/v1/cases/{case_id}/reply/approve",
            "审核答复 POST /api/v1/cases/[id]/reply/approve",
            (200,),
            json={"version": version, "comment": "同意"},
        )
        return None

    @task(1)
    def unit_queue(self) -> None:
        self.get_page("/cases/unit/", "单位工作台 /cases/unit/")

    @task(2)
    def page(self) -> None:
        self.case_page()


class CounterDevice(Base):
    keys = itertools.cycle(SEED["devices"])

    def on_start(self) -> None:
        self.key = next(self.keys)

    @task
    def rate(self) -> None:
        ref = f"LD-{RUN}-{next(counter)}"
        level = random.choices([5, 4, 3, 2, 1], weights=[80, 12, 5, 2, 1])[0]
        body = {
            "window": random.choice(SEED["windows"]),
            "level": level,
            "event_ref": ref,
            "staff_name": "窗口人员",
        }
        for _attempt in range(30):
            with self.client.post(
                "/api/v1/ratings/device/ratings",
                json=body,
                headers={"X-Device-Key": self.key},
                name="评价器评价 POST /api/v1/ratings/device/ratings",
                catch_response=True,
            ) as response:
                if response.status_code == 503:
                    response.failure("503 database_unavailable")
                    gevent.sleep(1)
                    continue
                resent = (
                    response.status_code == 409 and "already_rated" in (response.text or "") and _attempt > 0
                )
                if response.status_code == 201 or resent:
                    response.success()
                    record(kind="rating", ref=ref)
                else:
                    response.failure(f"{response.status_code} {response.text[:200]}")
                return


class Office(Base):
    def on_start(self) -> None:
        self.token = SEED["tokens"]["yingshangban"]

    @task(4)
    def dashboard(self) -> None:
        self.api("GET", "/api/v1/supervision/dashboard", "看板 GET /api/v1/supervision/dashboard")

    @task(4)
    def cases(self) -> None:
        page = random.choice(["", "&status=pending_dispatch", "&channel=hotline", "&page=3"])
        self.api("GET", f"/api/v1/cases?size=50{page}", "诉求列表 GET /api/v1/cases")

    @task(3)
    def ratings(self) -> None:
        self.api("GET", "/api/v1/ratings/ratings?size=50", "评价列表 GET /api/v1/ratings/ratings")

    @task(2)
    def figures(self) -> None:
        year, month = time.localtime()[:2]
        self.api(
            "GET",
            f"/api/v1/cases/dispatch-figures?year={year}&month={month}",
            "派单及时率 GET /api/v1/cases/dispatch-figures",
        )

    @task(2)
    def meeting(self) -> None:
        self.api("GET", "/api/v1/supervision/meeting", "处置分析会材料 GET /api/v1/supervision/meeting")


class Exporter(Base):
    def on_start(self) -> None:
        self.login("chengban_sy")

    @task
    def export(self) -> None:
        self.get_page("/cases/export.xlsx?view=unit", "导出 /cases/export.xlsx?view=unit")


def _size_classes() -> None:
    """Users per class and each one's rate, so that the classes send MIX of RATE requests/s."""
    for name, (count, rps) in users(RATE).items():
        cls = globals()[name]
        cls.fixed_count = count
        cls.wait_time = constant_throughput(rps)


_size_classes()
