"""The home page shows each person their roles, unit and scope, and what they can use."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.conftest import make_user


def panels(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return {p["key"]: p for p in response.context["panels"]}, response.content.decode()


def test_a_county_handler_sees_its_scope_and_its_enterprises(world, login):
    found, body = panels(login(world.handler_shuyang))
    assert "沭阳县及其下级区划" in body and "承办人" in body
    assert found["enterprises"]["text"].startswith("可查看企业 1 家")
    assert {"org", "calendar", "inbox", "password"} <= set(found)
    assert not {"users", "tokens", "audit"} & set(found)


def test_an_admin_sees_account_panels_with_locked_accounts(world, login):
    User.objects.filter(pk=world.handler_siyang.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=5)
    )
    found, body = panels(login(world.admin))
    assert "1 个被锁定待处理" in found["users"]["text"]
    assert found["users"]["url"] == reverse("accounts:users") + "?status=locked"
    assert {"tokens", "audit", "org", "enterprises"} <= set(found)
    assert "全市" in body


def test_an_enterprise_user_sees_only_its_own_enterprise(world, login):
    found, body = panels(login(world.enterprise_user))
    assert set(found) == {"enterprise", "inbox", "password"}
    assert world.ent_shuyang.name in found["enterprise"]["text"]
    assert "仅本企业" in body


def test_a_volunteer_supervisor_has_no_registers(world, login):
    volunteer = make_user("volunteer", "volunteer_supervisor", full_name="监督员")
    found, body = panels(login(volunteer))
    assert "enterprises" not in found and "org" not in found
    assert "无（不能查看业务数据）" in body


def test_the_auditor_reads_the_audit_log_but_manages_no_accounts(world, login):
    found, _ = panels(login(world.auditor))
    assert "audit" in found and "users" not in found


def test_navigation_offers_account_management_to_admins_only(world, login):
    def labels(user):
        context = login(user).get(reverse("core:home")).context
        return [i["label"] for i in context["nav_items"] + context["nav_admin_items"]]

    admin_nav, handler_nav = labels(world.admin), labels(world.handler_shuyang)
    assert "用户管理" in admin_nav and "用户管理" not in handler_nav
    assert "组织机构" in handler_nav


def test_an_areas_entries_are_grouped_under_one_menu_only_when_there_are_several():
    from bangban.shell.context_processors import _entries

    def item(label, menu="", active=False):
        return {"label": label, "url": f"/{label}/", "menu": menu, "admin_menu": False, "active": active}

    entries = _entries(
        [
            item("首页"),
            item("排名", "督查考核"),
            item("惠企政策", "帮办服务"),
            item("通报", "督查考核", active=True),
            item("企业库"),
        ]
    )
    assert [(e["kind"], e["label"]) for e in entries] == [
        ("link", "首页"),
        ("menu", "督查考核"),
        ("link", "惠企政策"),  # alone in its menu: a plain link
        ("link", "企业库"),
    ]
    menu = entries[1]
    assert [i["label"] for i in menu["items"]] == ["排名", "通报"] and menu["active"] is True


def test_the_header_draws_the_menus(world, login):
    response = login(world.admin).get("/")
    html = response.content.decode()
    menus = [e for e in response.context["nav_entries"] if e["kind"] == "menu"]
    assert menus and all(len(e["items"]) >= 2 for e in menus)
    assert html.count('data-testid="nav-menu"') == len(menus)
    for entry in menus:
        assert (
            f'data-bs-toggle="dropdown" aria-expanded="false" data-testid="nav-menu">{entry["label"]}</a>'
            in html
        )


def test_every_apps_entries_stand_in_the_headers_order():
    from bangban.shell.context_processors import nav_items

    items = nav_items()
    assert [i.label for i in items] == [
        "首页",
        *["派单", "待办诉求", "全部诉求", "我的诉求", "登记诉求", "提交诉求", "登记诉求", "答复知识库"],
        *["企业库", "本企业", "组织机构", "工作日历"],
        *["用户管理", "审计日志", "发送队列", "诉求配置", "智能分派"],
        *["市长直通车", "分级会办", "分管市长分工", "类案督办", "差评整改", "评价核查"],
        *["帮办走访", "帮办网络", "帮办服务", "帮办代办", "帮办统计"],
        *["局长跑现场", "跑现场年度清单"],
        *["招商项目", "惠企政策", "惠企政策", "项目协调", "政企沟通", "反映问题", "议事厅", "企业家座谈会"],
        *["入企登记", "作风预警", "负面清单", "直通车企业", "问题清单", "随手拍与投诉"],
        *["免罚轻罚决定", "免罚轻罚清单", "免罚轻罚统计"],
        *["抽查计划", "我的检查任务", "抽查结果公开"],
        *["督查排名", "通报", "月度台账", "数据看板", "堵点分析", "处置分析会", "分析研判", "专项督查"],
        *["作风之星", "移送纪委监委"],
        "一张网工单",
    ]
    assert {i.label for i in items if i.admin} == {
        "用户管理",
        "审计日志",
        "发送队列",
        "诉求配置",
        "智能分派",
        "一张网工单",
    }
    assert {i.menu for i in items if i.url_name.split(":")[0] in {"enterprises", "org", "workdays"}} == {
        "基础数据"
    }


def test_the_system_menu_lists_its_entries_in_order(world, login):
    context = login(world.admin).get(reverse("core:home")).context
    assert [i["label"] for i in context["nav_admin_items"]] == [
        "用户管理",
        "审计日志",
        "发送队列",
        "诉求配置",
        "智能分派",
        "一张网工单",
    ]
    assert [i["url"] for i in context["nav_admin_items"]][-3:] == [
        reverse("tickets:config_index"),
        reverse("insight:routing"),
        reverse("gridnet:ledger"),
    ]


def main_actions(client):
    response = client.get(reverse("core:home"))
    body = response.content.decode()
    assert body.index('data-testid="main-actions"') < body.index('data-testid="home-roles"')  # first
    return [(a["label"], a["url"]) for a in response.context["main_actions"]]


def test_each_role_sees_its_main_actions_first_with_the_glossary_names(world, login):
    from bangban.accounts.roles import Role

    assert main_actions(login(world.enterprise_user)) == [
        ("提交诉求", reverse("tickets:intake_new")),
        ("我的诉求", reverse("tickets:mine")),
    ]
    agent = make_user("agent", Role.HOTLINE_AGENT, unit=world.biz_office_unit, full_name="坐席")
    assert main_actions(login(agent))[0] == ("登记诉求", reverse("tickets:intake_hotline"))
    officer = make_user("officer", Role.SERVICE_OFFICER, unit=world.shuyang_gov, full_name="帮办专员")
    assert main_actions(login(officer)) == [
        ("登记联系/走访", reverse("network:contact_create")),
        ("我的挂钩企业", reverse("network:mine")),
    ]
    dispatcher = make_user("disp", Role.DISPATCHER, unit=world.biz_office_unit, full_name="派单员")
    assert main_actions(login(dispatcher))[0] == ("派单", reverse("tickets:dispatch_queue"))
    assert main_actions(login(world.handler_shuyang)) == [("待办诉求", reverse("tickets:unit_queue"))]


def test_the_enterprise_menu_and_intake_page_say_submit_staff_pages_say_register(world, login):
    enterprise = login(world.enterprise_user)
    labels = [item["label"] for item in enterprise.get(reverse("core:home")).context["nav_items"]]
    assert "提交诉求" in labels and "登记诉求" not in labels
    page = enterprise.get(reverse("tickets:intake_index")).content.decode()
    assert '<h1 class="h4">提交诉求</h1>' in page
    mine = enterprise.get(reverse("tickets:mine")).content.decode()
    assert 'data-testid="file-case">提交诉求</a>' in mine
