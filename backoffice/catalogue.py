"""The activity catalogue seeded at first start, dated in the coming weeks."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Dict, List

from backoffice.clock import local_to_utc

# (activity_id, title, description, location, days ahead, local start, capacity, remaining)
_ACTIVITIES = (
    ("ACT001", "敬老茶话会",
     "为辖区60岁以上老人准备茶点和文艺节目，社工和志愿者陪伴聊天，欢迎家属陪同。",
     "社区服务中心一楼多功能厅", 5, time(14, 30), 60, 38),
    ("ACT002", "智能手机使用培训班",
     "手把手教老年人使用微信视频通话、网上挂号、医保电子凭证和识别诈骗链接，请自带手机。",
     "社区服务中心二楼电子阅览室", 3, time(9, 30), 20, 6),
    ("ACT003", "亲子手工课：剪纸与灯笼",
     "适合5至12岁儿童与一位家长共同参加，材料由中心提供。",
     "社区服务中心二楼活动室", 9, time(10, 0), 15, 0),
    ("ACT004", "义诊进社区",
     "社区卫生服务中心医生现场测量血压、血糖，提供用药咨询和家庭医生签约服务，请携带医保卡。",
     "社区中心广场", 7, time(8, 30), 100, 72),
    ("ACT005", "防诈骗讲座",
     "派出所民警讲解冒充公检法、养老投资、保健品推销等常见骗局及应对办法。",
     "社区服务中心一楼多功能厅", 12, time(15, 0), 80, 51),
)


def seed_activities(today: date) -> List[Dict[str, object]]:
    """Rows for the ``activities`` table, dated relative to ``today`` (local date)."""
    rows = []
    for activity_id, title, description, location, days, start, capacity, remaining in _ACTIVITIES:
        local_start = datetime.combine(today + timedelta(days=days), start)
        rows.append(
            {
                "activity_id": activity_id,
                "title": title,
                "description": description,
                "location": location,
                "starts_at": local_to_utc(local_start),
                "capacity": capacity,
                "remaining": remaining,
            }
        )
    return rows
