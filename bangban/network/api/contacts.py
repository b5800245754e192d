"""`/network/contacts`, `/leader-visits`: contacts and visits, raising a case from one, and verification (R4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Query, Schema, Status, UploadedFile

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import actions, queries
from ..access import access_contact
from ..models import Contact, ContactPhoto
from ._common import CONTACT_ERRORS, PHOTO_ERRORS, router


class ContactPhotoOut(Schema):
    id: int = Field(description="照片ID")
    name: str = Field(description="原文件名")
    content_type: str = Field(description="类型：image/jpeg、image/png、image/webp、image/heic")
    size: int = Field(description="大小（字节）")
    url: str = Field(description="查看地址（须登录且有权查看该记录，否则 404）")
    uploaded_at: dt.datetime = Field(description="上传时间")


class ContactOut(Schema):
    id: int = Field(description="联系记录ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    officer_id: int = Field(description="登记人（专员）用户ID")
    officer_name: str = Field(description="登记人姓名")
    kind: str = Field(description="联系方式：phone 电话 / visit 上门走访 / wechat 微信 / online 线上平台")
    contact_on: dt.date = Field(description="联系日期")
    summary: str = Field(description="联系情况")
    raised: str = Field(description="企业反映的问题或需求")
    ticket_id: int | None = Field(description="转办诉求ID")
    ticket_number: str = Field(description="转办诉求编号")
    is_leader_visit: bool = Field(description="是否领导走访")
    leader_name: str = Field(description="走访领导")
    leader_title: str = Field(description="领导职务")
    policies_delivered: str = Field(description="送政策")
    services_delivered: str = Field(description="送服务")
    verification: str = Field(
        description="核验：not_required / pending 待确认 / confirmed 已确认 / disputed 有异议"
    )
    verification_note: str = Field(description="核验意见")
    verified_at: dt.datetime | None = Field(description="核验时间")
    photos: list[ContactPhotoOut] = Field(description="现场照片")
    latitude: float | None = Field(description="纬度（手机定位，选填）")
    longitude: float | None = Field(description="经度（手机定位，选填）")
    location_accuracy: int | None = Field(description="定位精度（米）")
    place: str = Field(description="地点")
    version: int = Field(description="版本号；核验或转为诉求时原样提交")


class ContactQuery(PageQuery):
    kind: str | None = Field(None, description="联系方式")
    verification: str | None = Field(None, description="核验状态")
    enterprise: str | None = Field(None, description="企业ID")
    q: str | None = Field(None, description="企业名称或登记人姓名包含的文字")
    leader: str | None = Field(None, description="1：仅领导走访")


class ContactIn(Schema):
    enterprise_id: int = Field(description="企业ID（须为调用者挂钩的企业）")
    kind: str = Field(description="phone / visit / wechat / online")
    contact_on: dt.date = Field(description="联系日期，不能晚于今天")
    summary: str = Field(description="联系情况")
    raised: str = Field("", description="企业反映的问题或需求")
    raise_case: bool = Field(False, description="是否将反映的需求转为诉求（同一步完成）")
    case_title: str = Field("", description="诉求标题（不填自动生成）")
    category_id: int | None = Field(None, description="诉求分类ID（选填）")
    latitude: float | None = Field(None, description="纬度，-90～90（与经度同时提供）")
    longitude: float | None = Field(None, description="经度，-180～180（与纬度同时提供）")
    location_accuracy: int | None = Field(None, description="定位精度（米），0～100000")
    place: str = Field("", description="地点（文字，最多200字）")


class LeaderVisitIn(Schema):
    enterprise_id: int = Field(description="企业ID（须在调用者的管辖范围内）")
    leader_name: str = Field(description="走访领导姓名")
    leader_title: str = Field("", description="领导职务")
    contact_on: dt.date = Field(description="走访日期，不能晚于今天")
    summary: str = Field(description="走访情况")
    policies_delivered: str = Field("", description="送政策")
    services_delivered: str = Field("", description="送服务")
    raised: str = Field("", description="发现的问题")
    raise_case: bool = Field(False, description="是否将发现的问题转为诉求")
    case_title: str = Field("", description="诉求标题")
    latitude: float | None = Field(None, description="纬度，-90～90（与经度同时提供）")
    longitude: float | None = Field(None, description="经度，-180～180（与纬度同时提供）")
    location_accuracy: int | None = Field(None, description="定位精度（米），0～100000")
    place: str = Field("", description="地点（文字，最多200字）")


class RaiseCaseIn(Schema):
    title: str = Field("", description="诉求标题（不填自动生成）")
    category_id: int | None = Field(None, description="诉求分类ID")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class NetworkVerifyIn(Schema):
    decision: str = Field(description="confirm 确认属实 / dispute 有异议")
    note: str = Field("", description="异议说明（有异议时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


def contact_out(c: Contact) -> dict[str, Any]:
    return {
        "id": c.pk,
        "enterprise_id": c.enterprise_id,
        "enterprise_name": c.enterprise.name,
        "officer_id": c.officer_id,
        "officer_name": c.officer.display_name,
        "kind": c.kind,
        "contact_on": c.contact_on,
        "summary": c.summary,
        "raised": c.raised,
        "ticket_id": c.ticket_id,
        "ticket_number": c.ticket.number if c.ticket_id and c.ticket else "",
        "is_leader_visit": c.is_leader_visit,
        "leader_name": c.leader_name,
        "leader_title": c.leader_title,
        "policies_delivered": c.policies_delivered,
        "services_delivered": c.services_delivered,
        "verification": c.verification,
        "verification_note": c.verification_note,
        "verified_at": c.verified_at,
        "photos": [photo_out(c, p) for p in c.photos.all()],
        "latitude": float(c.latitude) if c.latitude is not None else None,
        "longitude": float(c.longitude) if c.longitude is not None else None,
        "location_accuracy": c.location_accuracy,
        "place": c.place,
        "version": c.version,
    }


def photo_out(c: Contact, p: ContactPhoto) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.original_name,
        "content_type": p.content_type,
        "size": p.size,
        "url": reverse("network:contact_photo", args=[c.pk, p.pk]),
        "uploaded_at": p.uploaded_at,
    }


@router.get("/contacts", response=answers(Page[ContactOut]), summary="联系走访记录")
def list_contacts(request: HttpRequest, query: Query[ContactQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    return page_body(queries.contact_list(request.user, params), query, out=contact_out)


@router.get("/contacts/{contact_id}", response=answers(ContactOut), summary="联系走访详情")
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return contact_out(access_contact(request.user, contact_id))


@router.post(
    "/contacts",
    response=answers({201: ContactOut}, CONTACT_ERRORS),
    summary="登记联系/走访",
    description="帮办专员登记挂钩企业的联系或上门走访；raise_case=true 时企业反映的需求同时转为诉求。"
    "未挂钩该企业：400 enterprise_not_assigned；日期晚于今天：400 contact_in_future；"
    "同一专员、企业、方式、日期重复：409 duplicate_contact。位置选填：纬度 -90～90、经度 -180～180（须同时提供），"
    "超出范围 400 latitude_invalid / longitude_invalid。现场照片另用 POST /contacts/{id}/photos 上传。",
)
def create_contact(request: AuthedHttpRequest, payload: ContactIn) -> Any:
    contact = actions.do_log_contact(
        acting_user=request.user,
        data=actions.ContactInput(
            enterprise_id=payload.enterprise_id,
            kind=payload.kind,
            contact_on=payload.contact_on,
            summary=payload.summary,
            raised=payload.raised,
            raise_case=payload.raise_case,
            case_title=payload.case_title,
            category_id=payload.category_id,
            latitude=payload.latitude,
            longitude=payload.longitude,
            location_accuracy=payload.location_accuracy,
            place=payload.place,
        ),
    )
    return Status(201, contact_out(access_contact(request.user, contact.pk)))


@router.post(
    "/leader-visits",
    response=answers({201: ContactOut}, CONTACT_ERRORS),
    summary="登记领导走访（送政策、送服务）",
)
def create_leader_visit(request: AuthedHttpRequest, payload: LeaderVisitIn) -> Any:
    contact = actions.do_log_leader_visit(
        acting_user=request.user,
        data=actions.ContactInput(
            enterprise_id=payload.enterprise_id,
            contact_on=payload.contact_on,
            summary=payload.summary,
            raised=payload.raised,
            raise_case=payload.raise_case,
            case_title=payload.case_title,
            leader_name=payload.leader_name,
            leader_title=payload.leader_title,
            policies_delivered=payload.policies_delivered,
            services_delivered=payload.services_delivered,
            latitude=payload.latitude,
            longitude=payload.longitude,
            location_accuracy=payload.location_accuracy,
            place=payload.place,
        ),
    )
    return Status(201, contact_out(access_contact(request.user, contact.pk)))


@router.post(
    "/contacts/{contact_id}/case",
    response=answers(ContactOut, CONTACT_ERRORS),
    summary="将联系中反映的需求转为诉求",
)
def raise_case(request: AuthedHttpRequest, contact_id: int, payload: RaiseCaseIn) -> Any:
    contact = actions.do_raise_case(
        acting_user=request.user,
        contact_id=contact_id,
        title=payload.title,
        category_id=payload.category_id,
        version=payload.version,
    )
    return contact_out(access_contact(request.user, contact.pk))


@router.post(
    "/contacts/{contact_id}/verification",
    response=answers(ContactOut, CONTACT_ERRORS),
    summary="企业工作联络员核验走访",
)
def verify_contact(request: AuthedHttpRequest, contact_id: int, payload: NetworkVerifyIn) -> Any:
    contact = actions.do_verify_visit(
        acting_user=request.user,
        contact_id=contact_id,
        decision=payload.decision,
        note=payload.note,
        version=payload.version,
    )
    return contact_out(access_contact(request.user, contact.pk))


@router.post(
    "/contacts/{contact_id}/photos",
    response=answers({201: ContactOut}, PHOTO_ERRORS),
    summary="上传走访现场照片",
    description="multipart/form-data，字段名 files（可多个）。只有登记该记录的人可以上传。按文件内容识别类型："
    "照片 JPG/PNG/WebP/HEIC，每张不超过10MB，每条记录最多6张（可在设置中调整）。类型不允许 400 "
    "attachment_type_not_allowed；扩展名或声明类型与内容不符 400 attachment_type_mismatch；过大 "
    "attachment_too_large；超过张数 attachment_too_many。",
)
def add_contact_photos(request: AuthedHttpRequest, contact_id: int, files: File[list[UploadedFile]]) -> Any:
    contact = actions.do_add_contact_photos(acting_user=request.user, contact_id=contact_id, photos=files)
    return Status(201, contact_out(access_contact(request.user, contact.pk)))
