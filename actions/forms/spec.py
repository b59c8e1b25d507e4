"""What the read-back, the submission and the reset need to know of a service."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from nlu.rules.id_number import mask_id
from nlu.rules.vocab import LABELS_ZH

LABELS = {
    "person_name": "姓名", "id_number": "身份证号", "phone": "联系电话", "address": "地址",
    "repair_category": "问题类别", "description": "情况描述", "preferred_time": "希望上门时间",
    "cert_method": "认证方式", "appointment_time": "预约时间",
}


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
        return {name: slots.get(name) for name in names if slots.get(name) not in (None, "")}

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
    if name in ("appointment_time", "preferred_time"):
        return describe_time(str(value))
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
)
SPECS: dict[str, ServiceSpec] = {spec.service: spec for spec in _ALL}
