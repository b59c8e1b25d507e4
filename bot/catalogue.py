"""Plain Chinese words for the contract's service and status names.

One place for what residents and staff read: the progress answers, the
status notifications and the console's labels all use these.
"""
from __future__ import annotations

SERVICE_ZH: dict[str, str] = {
    "property_repair": "物业报修", "social_security_certification": "社保待遇资格认证",
    "elderly_allowance": "高龄津贴申请", "residence_permit": "居住证办理预约",
    "elderly_home_service": "居家养老服务", "after_school_care": "四点半课堂报名",
    "activity_signup": "社区活动报名", "consultation_booking": "咨询预约",
    "subsistence_allowance": "低保/困难救助申请", "complaint_suggestion": "投诉建议",
    "emergency_help": "紧急求助",
}
# Conversations (not cases) may also be about these.
CONVERSATION_TOPIC_ZH: dict[str, str] = {
    **SERVICE_ZH, "case_status_query": "查询办理进度", "faq": "政策咨询",
}
STATUS_ZH: dict[str, str] = {
    "received": "已受理，等待分派", "accepted": "已审核通过，等待办理", "in_progress": "正在办理中",
    "done": "已办结", "rejected": "未通过（工作人员会联系您说明原因）",
}
# The same statuses as a staff member's list shows them.
STATUS_SHORT_ZH: dict[str, str] = {
    "received": "待受理", "accepted": "已受理", "in_progress": "办理中", "done": "已办结", "rejected": "未通过",
}
# Field names of cases and forms, for read-backs, the console and notifications.
FIELD_ZH: dict[str, str] = {
    "person_name": "姓名", "id_number": "身份证号", "phone": "联系电话", "address": "地址",
    "building": "楼号", "unit": "单元", "room": "房号", "repair_category": "问题类别",
    "description": "情况描述", "preferred_time": "希望上门时间", "cert_method": "认证方式",
    "appointment_time": "预约时间", "service_type": "服务项目", "frequency": "服务频次",
    "child_name": "孩子姓名", "grade": "年级", "guardian_name": "监护人",
    "activity_id": "活动编号", "activity_title": "活动", "participants": "参加人数",
    "consultation_type": "咨询类别", "topic": "想咨询的问题", "household_size": "家庭人口",
    "situation": "家庭情况", "kind": "类型", "content": "内容", "emergency_type": "紧急情况",
    "case_number": "业务单号", "last_case_number": "最近业务单号", "handoff_reason": "转人工原因",
}
CHANNEL_ZH: dict[str, str] = {
    "webchat": "网页咨询", "wechat": "微信", "voice": "电话", "rest": "接口", "console": "坐席台",
}
HANDOFF_REASON_ZH: dict[str, str] = {
    "requested": "居民要求", "fallback": "无法理解", "validation_failed": "信息校验失败",
    "caseworker": "需社工跟进", "emergency": "紧急求助",
}
