"""The demo's knowledge base: ten entries kept by 营商办, some cited; loading twice adds nothing."""

from __future__ import annotations

import datetime as dt

from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.knowledge import queries
from bangban.knowledge.demo import ENTRIES, load_demo
from bangban.knowledge.models import Entry


def test_the_demo_loads_once_and_answers_the_common_questions(world):
    make_user("rexian", Role.HOTLINE_AGENT, unit=world.biz_office_unit, full_name="热线坐席")
    now = dt.datetime(2031, 2, 3, 9, 0, tzinfo=dt.UTC)
    assert load_demo(now)[0].startswith("答复知识库：10 条")
    assert Entry.objects.count() == len(ENTRIES) == 10
    assert all(e.created_by == world.biz_office and e.created_at < now for e in Entry.objects.all())
    assert load_demo(now) == ["答复知识库：已有条目，本次未做改动"] and Entry.objects.count() == 10
    found = queries.search(world.biz_office, {"q": "留抵退税"})
    assert found[0].question == "增值税增量留抵退税怎么申请，流程是什么？" and found[0].use_count == 5
