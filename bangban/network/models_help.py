"""解难帮扶会办会 for key enterprises (R3.3): the meeting the leading-group office (营商办, or a
county's or zone's unit head for its area) schedules for one or more key enterprises, with their
open problems on its agenda, and each agenda item's disposal — 分办 (one unit, as a case), 批办 (a
leader's instruction to a lead unit) or 会办 (a lead unit and its 配合单位, one agreed answer).
No business logic here: changes go through `actions/help_meetings.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HelpMeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已召开"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已取消"


class HelpMeeting(models.Model):
    """One 解难帮扶会办会. `area_path` is the region subtree of the office that scheduled it ("" for a
    city-level meeting): only managers of that area run it."""

    title = models.CharField("会议名称", max_length=120)
    held_at = models.DateTimeField("会议时间")
    place = models.CharField("地点", max_length=120)
    host = models.CharField("主持领导", max_length=60)
    area_path = models.CharField("组织区域", max_length=255, blank=True, db_index=True)
    area_name = models.CharField("组织区域名称", max_length=60, blank=True)
    enterprises = models.ManyToManyField("enterprises.Enterprise", verbose_name="企业", related_name="+")
    units = models.ManyToManyField("org.Unit", verbose_name="参会单位", related_name="+")
    status = models.CharField(
        "状态", max_length=10, choices=HelpMeetingStatus.choices, default=HelpMeetingStatus.SCHEDULED
    )
    minutes = models.TextField("会议纪要", max_length=20000, blank=True)
    minutes_at = models.DateTimeField("纪要记录时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=500, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("安排时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "解难帮扶会办会"
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["status", "-held_at"], name="network_help_status")]

    def __str__(self) -> str:
        return self.title


class Disposal(models.TextChoices):
    ASSIGN = "assign", "分办"
    INSTRUCT = "instruct", "批办"
    JOINT = "joint", "会办"


class HelpItemStatus(models.TextChoices):
    PENDING = "pending", "待处置"
    ASSIGNED = "assigned", "已分办"
    OPEN = "open", "办理中"
    DONE = "done", "已办结"


class HelpItem(models.Model):
    """One problem on the agenda: raised at an officer's contact or visit (`contact`) or an open case
    of the enterprise (`source_case`). Disposed once: 分办 links the case that carries it on (`case`,
    the source case itself or one made from the contact's problem); 批办 and 会办 make the item a
    tracked task of `lead_unit` (with `co_units` for 会办), due in `workdays` working days, 办结 with
    a result."""

    meeting = models.ForeignKey(
        HelpMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="items"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "network.Contact", verbose_name="来源联系记录", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    source_case = models.ForeignKey(
        "tickets.Ticket", verbose_name="来源诉求", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    problem = models.TextField("问题", max_length=2000)
    status = models.CharField(
        "状态", max_length=10, choices=HelpItemStatus.choices, default=HelpItemStatus.PENDING
    )
    disposal = models.CharField("处置方式", max_length=10, choices=Disposal.choices, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任/牵头单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    co_units = models.ManyToManyField("org.Unit", verbose_name="配合单位", blank=True, related_name="+")
    case = models.ForeignKey(
        "tickets.Ticket", verbose_name="分办诉求", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    instructed_by = models.CharField("批示领导", max_length=60, blank=True)
    instruction = models.TextField("批示内容", max_length=2000, blank=True)
    workdays = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True)
    due_at = models.DateTimeField("完成期限", null=True, blank=True)
    disposed_at = models.DateTimeField("处置时间", null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处置人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    result = models.TextField("办理结果", max_length=2000, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办结人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "会办会议题"
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="network_help_item_contact_once"),
            models.UniqueConstraint(fields=["meeting", "source_case"], name="network_help_item_case_once"),
            models.CheckConstraint(
                condition=models.Q(contact__isnull=True) ^ models.Q(source_case__isnull=True),
                name="network_help_item_one_source",
            ),
        ]
        indexes = [models.Index(fields=["lead_unit", "status", "due_at"], name="network_help_item_queue")]

    def __str__(self) -> str:
        return self.problem[:40]
