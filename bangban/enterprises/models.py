"""The enterprise registry — R0.2."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Tier(models.TextChoices):
    CITY_TOP100 = "city_top100", "市工业百强"
    COUNTY_KEY = "county_key", "县区重点"
    GENERAL = "general", "一般"


class Scale(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, 门类."""

    A = "A", "A 农、林、牧、渔业"
    B = "B", "B 采矿业"
    C = "C", "C 制造业"
    D = "D", "D 电力、热力、燃气及水生产和供应业"
    E = "E", "E 建筑业"
    F = "F", "F 批发和零售业"
    G = "G", "G 交通运输、仓储和邮政业"
    H = "H", "H 住宿和餐饮业"
    I = "I", "I 信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "J 金融业"
    K = "K", "K 房地产业"
    L = "L", "L 租赁和商务服务业"
    M = "M", "M 科学研究和技术服务业"
    N = "N", "N 水利、环境和公共设施管理业"
    O = "O", "O 居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "P 教育"
    Q = "Q", "Q 卫生和社会工作"
    R = "R", "R 文化、体育和娱乐业"
    S = "S", "S 公共管理、社会保障和社会组织"
    T = "T", "T 国际组织"


class Enterprise(models.Model):
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=120, db_index=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices)
    scale = models.CharField("企业规模", max_length=10, choices=Scale.choices)
    tier = models.CharField(
        "企业层级", max_length=20, choices=Tier.choices, default=Tier.GENERAL, db_index=True
    )
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    established = models.DateField("成立日期", null=True, blank=True)
    liaison_name = models.CharField("工作联络员", max_length=50, blank=True)
    liaison_phone = models.CharField("联络员手机", max_length=20, blank=True)
    liaison_id_number = models.CharField("联络员身份证号", max_length=18, blank=True)
    contact_phone = models.CharField("企业联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("存续", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["region", "tier"], name="enterprise_region_tier"),
            # The list's default order: paging never sorts the whole table.
            models.Index(fields=["-updated_at", "-id"], name="enterprise_recent"),
            models.Index(fields=["tier", "-updated_at", "-id"], name="enterprise_tier_recent"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    APPLIED = "applied", "已导入"
    CANCELLED = "cancelled", "已取消"


class ImportBatch(models.Model):
    """One uploaded Excel file: checked (previewed) first, written only when someone confirms.

    The valid rows wait in a compressed JSON-lines file under MEDIA_ROOT (`rows_path`), not in a
    session or in memory, so any web process can apply the batch later; the per-row problems are
    kept here for the preview page (capped: `error_count` is the full number)."""

    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED, db_index=True
    )
    file_name = models.CharField("文件名", max_length=200)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    sha256 = models.CharField("文件SHA-256", max_length=64)
    columns = models.JSONField("文件中的列", default=list)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    new_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    invalid_count = models.PositiveIntegerField("有误行数", default=0)
    error_count = models.PositiveIntegerField("错误条数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    rows_path = models.CharField("有效行文件", max_length=200, blank=True)
    result = models.JSONField("导入结果", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        related_name="enterprise_import_batches",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认导入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "企业导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def valid_count(self) -> int:
        return self.new_count + self.updated_count + self.unchanged_count

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)
