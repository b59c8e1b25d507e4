"""What the read-back, the submission and the reset need to know of a service."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from nlu.rules.id_number import mask_id
from nlu.rules.vocab import LABELS_ZH

LABELS = {
    "person_name": "姓名", "id_number": "身份证号", "phone": "联系电话", "address": "地址",
    "repair_category": "问题类别", "description": "情况描述", "preferred_time": "希望上门时间",
    "cert_method": "认证方式", "appointment_time": "预约时间", "service_type": "服务项目",
    "frequency": "服务频次", "child_name": "孩子姓名", "grade": "年级", "guardian_name": "监护人",
    "activity_title": "活动", "participants": "参加人数", "consultation_type": "咨询类别",
    "topic": "想咨询的问题", "household_size": "家庭人口", "situation": "家庭情况",
    "kind": "类型", "content": "内容", "emergency_type": "情况",
}
KIND_ZH = {"complaint": "投诉", "suggestion": "建议"}
# A repair visit "any time" (随时都行): asked and answered, but no time to file.
ANY_TIME = "any"


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


@dataclass(frozen=True)
class ServiceSpec:
    service: str
    title: str
    fields: tuple[str, ...]
    reset: tuple[str, ...]
    extra_fields: tuple[str, ...] = ("building", "unit", "room")
    priority: str = "normal"
    needs_caseworker: bool = False

    def case_fields(self, slots: dict[str, Any]) -> dict[str, Any]:
        names = self.fields + self.extra_fields
        return {name: slots.get(name) for name in names if slots.get(name) not in (None, "", ANY_TIME)}

    def summary(self, slots: dict[str, Any], describe_time: Callable[[str], str]) -> str:
        lines = [f"请核对您的{self.title}信息："]
        for name in self.fields:
            value = slots.get(name)
            if value in (None, ""):
                continue
            lines.append(f"{LABELS.get(name, name)}：{display(name, value, describe_time)}")
        lines.append("信息正确请回复“对”；需要修改请直接说，例如“电话改成13800000000”。")
        return "\n".join(lines)


def display(name: str, value: Any, describe_time: Callable[[str], str]) -> str:
    if name == "id_number":
        return mask_id(str(value))
    if name == "phone":
        return mask_phone(str(value))
    if name in LABELS_ZH:
        return LABELS_ZH[name].get(value, str(value))
    if name == "preferred_time" and value == ANY_TIME:
        return "随时都可以（工作人员先电话联系）"
    if name in ("appointment_time", "preferred_time"):
        return describe_time(str(value))
    if name == "kind":
        return KIND_ZH.get(value, str(value))
    if name == "grade":
        return f"{value}年级"
    if name in ("participants", "household_size"):
        return f"{value}人"
    return str(value)


_ALL = (
    ServiceSpec(
        service="property_repair",
        title="物业报修",
        fields=("address", "repair_category", "description", "phone", "preferred_time"),
        reset=("repair_category", "description", "preferred_time"),
    ),
    ServiceSpec(
        service="social_security_certification",
        title="社保待遇资格认证预约",
        fields=("person_name", "id_number", "phone", "cert_method", "appointment_time", "address"),
        reset=("cert_method", "appointment_time"),
    ),
    ServiceSpec(
        service="elderly_allowance",
        title="高龄津贴申请",
        fields=("person_name", "id_number", "phone", "address"),
        reset=(),
    ),
    ServiceSpec(
        service="residence_permit",
        title="居住证办理预约",
        fields=("person_name", "id_number", "phone", "appointment_time"),
        reset=("appointment_time",),
        extra_fields=(),
    ),
    ServiceSpec(
        service="elderly_home_service",
        title="居家养老服务预约",
        fields=("service_type", "person_name", "address", "phone", "appointment_time", "frequency"),
        reset=("service_type", "appointment_time", "frequency"),
    ),
    ServiceSpec(
        service="after_school_care",
        title="四点半课堂报名",
        fields=("child_name", "grade", "guardian_name", "phone"),
        reset=("child_name", "grade"),  # a second child has the same guardian
        extra_fields=(),
    ),
    ServiceSpec(
        service="activity_signup",
        title="社区活动报名",
        fields=("activity_title", "participants", "person_name", "phone"),
        reset=("activity_id", "activity_title", "participants", "offered_activities",
               "activity_remaining"),
        extra_fields=("activity_id",),
    ),
    ServiceSpec(
        service="consultation_booking",
        title="咨询预约",
        fields=("consultation_type", "person_name", "phone", "appointment_time", "topic"),
        reset=("consultation_type", "appointment_time", "topic"),
        extra_fields=(),
    ),
    ServiceSpec(
        service="subsistence_allowance",
        title="低保/困难救助申请",
        fields=("person_name", "phone", "household_size", "situation"),
        reset=("household_size", "situation"),
        extra_fields=(),
        needs_caseworker=True,
    ),
    ServiceSpec(
        service="complaint_suggestion",
        title="投诉建议",
        fields=("kind", "content", "phone"),
        reset=("kind", "content", "anonymous"),
        extra_fields=(),
    ),
    ServiceSpec(
        service="emergency_help",
        title="紧急求助",
        fields=("emergency_type", "address", "phone"),
        reset=("emergency_type",),
        priority="urgent",
    ),
)
SPECS: dict[str, ServiceSpec] = {spec.service: spec for spec in _ALL}
