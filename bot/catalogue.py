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
