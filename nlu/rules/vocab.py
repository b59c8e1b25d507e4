"""Canonical entity values and the words residents use for them.

One table per entity; the gazetteer matches these by characters and by
pinyin, so a recogniser's homophone (包修, 设保) still lands on the value.
Order matters inside a table only for overlaps: longer phrases win anyway.
"""
from __future__ import annotations

REPAIR_CATEGORY: dict[str, list[str]] = {
    "water": ["水管", "漏水", "渗水", "滴水", "下水道", "堵了", "马桶", "水龙头", "水表",
              "没水", "停水", "水压", "地漏", "返水", "淋浴", "管道", "马桶一直流水", "水箱",
              "下水", "花洒", "水管爆", "洗手池", "水槽", "反味", "冒水",
              # Cantonese: 渠 is a drain, 水喉 a tap or pipe (read with 咗/唔 as 了/不)
              "渠塞", "个渠", "水去不到", "水喉", "去水"],
    "electricity": ["跳闸", "停电", "没电", "电路", "插座", "电线", "漏电", "电表", "开关",
                    "灯不亮", "灯坏了", "断电", "保险丝", "空气开关", "电闸", "合不上", "一合就跳",
                    "灯泡", "插头", "电灯"],
    "gas": ["燃气灶", "煤气灶", "打不着火", "点不着", "燃气表", "热水器打不着", "灶台打不着",
            "燃气热水器", "灶具", "打火"],
    "door_window": ["门锁", "窗户", "防盗门", "窗户关不上", "门关不上", "玻璃碎", "纱窗",
                    "门坏了", "锁坏了", "窗框", "推拉门", "滑轨", "门把手", "合页", "锁芯", "门框",
                    "拧不动", "窗户把手", "窗户合不上", "门吸", "卷帘门"],
    "elevator": ["电梯", "电梯坏了", "电梯停了", "困电梯", "电梯异响"],
    "heating": ["暖气", "暖气片", "地暖", "供暖", "暖气不热", "散热器"],
    "public_facility": ["楼道灯", "单元门", "单元门关不上", "单元门坏了", "门禁", "健身器材", "路灯", "楼道", "垃圾桶",
                        "公共区域", "小区大门", "围墙", "井盖", "监控", "充电桩", "信报箱", "楼梯扶手",
                        "扶手", "台阶", "对讲", "楼道窗", "车棚", "消防栓", "雨棚", "路面", "垃圾房",
                        "楼梯灯", "声控灯", "门铃坏", "滑梯", "秋千", "游乐设施", "儿童乐园", "长椅", "凉亭"],
    "other": ["其他问题", "别的问题", "外墙", "瓷砖", "墙皮", "屋顶漏", "晾衣架",
              "天花板", "吊顶", "柜子", "地板"],
}

CERT_METHOD: dict[str, list[str]] = {
    "home_visit": ["上门", "来家里", "到家里", "家里来", "入户", "上门认证", "行动不便"],
    "window": ["窗口", "去中心", "到中心", "现场", "柜台", "自己过去", "到社区"],
    "online_guidance": ["线上", "网上", "手机上", "视频认证", "刷脸", "人脸识别", "app", "小程序",
                        "远程", "指导我在手机"],
}

SERVICE_TYPE: dict[str, list[str]] = {
    "meal": ["助餐", "送餐", "送饭", "吃饭", "老年食堂", "做饭", "老年餐", "订餐", "订饭", "午餐", "午饭", "盒饭"],
    "bath": ["助浴", "洗澡", "洗个澡", "擦身", "擦澡", "冲凉", "洗身"],
    "cleaning": ["助洁", "打扫", "保洁", "做卫生", "家政", "搞卫生", "搞下卫生", "收拾屋子", "收拾屋", "擦窗",
                 "拖地", "大扫除", "清洁"],
    "medical": ["助医", "陪诊", "看病", "量血压", "上门护理", "拿药", "陪他去医院", "陪她去医院",
                "陪同就医", "去医院", "复查", "陪着去", "陪护", "取药", "开药"],
}

CONSULTATION_TYPE: dict[str, list[str]] = {
    "legal": ["法律", "律师", "打官司", "纠纷", "法律咨询", "遗嘱"],
    "psychological": ["心理", "心理咨询", "抑郁", "焦虑", "睡不着", "压力大"],
    "family_doctor": ["家庭医生", "签约医生", "家医签约", "一起签", "也签", "也要签", "也想签", "签个约"],
}

EMERGENCY_TYPE: dict[str, list[str]] = {
    "fall": ["摔倒", "摔了", "跌倒", "起不来", "滑倒", "摔跤", "跌了", "倒在地上", "摔伤", "磕着头",
             "跌低", "跌咗", "起唔到身", "起唔到", "爬不起来", "绊倒", "栽倒"],
    "gas": ["煤气味", "燃气味", "燃气泄漏", "煤气泄漏", "天然气味", "漏气"],
    "fire": ["着火", "失火", "冒烟", "火灾"],
    "medical": ["晕倒", "昏迷", "胸口疼", "喘不上气", "心脏病", "中风", "不舒服", "发烧", "头晕",
                "胸闷", "抽搐", "抽筋", "脑梗", "心梗", "呼吸困难", "吐了", "呕吐", "吐血", "犯病",
                "发病", "不省人事", "叫不醒", "血压高", "心口疼", "晕过去", "站不起来", "口吐白沫",
                "晕低", "晕咗", "唔舒服", "冇反应", "心口痛", "透唔到气", "唞唔到气", "昏过去"],
    "other": ["困在电梯", "被困", "走丢", "走失", "找不到人", "关在里面"],
}

# A phrase inside one of these is not a match: 燃气灶打不着火 is no fire.
EXCLUDED_CONTEXTS: dict[str, tuple[str, ...]] = {
    "着火": ("打不着火", "点不着火", "不着火"),
    # an electric heater is an appliance on the flat's wiring, not the heating system
    "暖气": ("电暖气", "电暖器"),
    # 上门 names the certification method only when it is about the certification.
    "上门": ("上门助浴", "上门助餐", "上门助洁", "上门助医", "上门签约", "上门服务", "上门维修", "上门修",
             "上门打扫", "上门送", "上门看", "上门护理", "上门洗澡", "上门量", "上门做饭", "上门时间",
             "上门前", "上门来修", "上门检查", "上门地址", "上门的地址"),
}

GAZETTEERS: dict[str, dict[str, list[str]]] = {
    "repair_category": REPAIR_CATEGORY,
    "cert_method": CERT_METHOD,
    "service_type": SERVICE_TYPE,
    "consultation_type": CONSULTATION_TYPE,
    "emergency_type": EMERGENCY_TYPE,
}

# Plain words for read-backs and status replies.
LABELS_ZH: dict[str, dict[str, str]] = {
    "repair_category": {"water": "水管/用水", "electricity": "电路/用电", "gas": "燃气设备",
                        "door_window": "门窗", "elevator": "电梯", "heating": "暖气",
                        "public_facility": "公共设施", "other": "其他"},
    "cert_method": {"home_visit": "工作人员上门认证", "window": "到中心窗口认证",
                    "online_guidance": "工作人员指导线上认证"},
    "service_type": {"meal": "助餐（送餐）", "bath": "助浴", "cleaning": "助洁（打扫卫生）",
                     "medical": "助医（陪诊、拿药）"},
    "consultation_type": {"legal": "法律咨询", "psychological": "心理咨询", "family_doctor": "家庭医生签约"},
    "emergency_type": {"fall": "有人摔倒", "gas": "燃气泄漏", "fire": "着火/冒烟", "medical": "突发疾病",
                       "other": "其他紧急情况"},
    "kind": {"complaint": "投诉", "suggestion": "建议"},
}

# Symptoms that say little about the trade on their own: 暖气片漏水 is a
# heating repair, 楼道灯不亮 a public facility. A specific object wins over
# these when both are mentioned.
GENERIC_PHRASES: frozenset[str] = frozenset(
    ["漏水", "渗水", "滴水", "堵了", "没水", "停水", "停电", "没电", "灯不亮", "灯坏了",
     "断电", "开关", "管道", "楼道", "门坏了", "不舒服", "站不起来", "疼得厉害"]
)

# What residents call each service, for the classifier's service-name features
# (matched by characters and by pinyin, so 设保认证 and 高林津贴 still count).
SERVICE_NAMES: dict[str, list[str]] = {
    "property_repair": ["报修", "维修", "物业报修", "修一下", "来修"],
    "social_security_certification": ["社保认证", "资格认证", "养老金认证", "待遇认证", "生存认证",
                                      "刷脸认证", "社保待遇", "年审"],
    "elderly_allowance": ["高龄津贴", "高龄补贴", "老年补贴", "尊老金", "长寿金", "高龄补助", "八十岁补贴"],
    "residence_permit": ["居住证", "暂住证"],
    "elderly_home_service": ["居家养老", "助餐", "助浴", "助洁", "助医", "老年食堂", "送餐上门", "冲凉", "陪诊",
                             "送饭"],
    "after_school_care": ["四点半课堂", "课后托管", "托管班", "放学后没人接"],
    "activity_signup": ["活动报名", "报名活动", "社区活动", "茶话会", "讲座", "培训班", "义诊", "手工课"],
    "consultation_booking": ["法律咨询", "心理咨询", "家庭医生", "律师", "心理医生", "签约医生"],
    "subsistence_allowance": ["低保", "困难救助", "临时救助", "最低生活保障", "救助金", "特困"],
    "complaint_suggestion": ["投诉", "建议", "意见", "举报"],
    "emergency_help": ["煤气味", "燃气味", "着火", "摔倒", "晕倒", "救命", "冒烟", "跌低", "晕低",
                       "起唔到身", "火烧", "煤气漏"],
    "case_status_query": ["进度", "办得怎么样", "受理编号", "办到哪", "有结果"],
}
