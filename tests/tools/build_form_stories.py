"""Build tests/stories/test_forms.yml from compact scenarios.

    .venv/bin/python tests/tools/build_form_stories.py

The stories differ only in names and answers, so they are generated; edit the
tables here and rebuild rather than editing the YAML.
"""
import yaml

def idn(birth, seq="123"):
    import sys; sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    from nlu.rules.id_number import checksum_char
    f = "110105" + birth + seq
    return f + checksum_char(f)

OLD, YOUNG, ADULT = idn("19410305"), idn("19500312"), idn("19900518")
B = "BODY"   # in-form answer: form continues
END = "END"  # the read-back answer that submits

SERVICES = {
 "property_repair": dict(
   bare=("我要报修", ["3号楼2单元502", "水管", "厨房水管接头一直滴水", "13700004381"]),
   full="我家3号楼2单元502卫生间水管漏水了，电话13700004382",
   invalid=("1381234", "phone"), fix="不对，电话是13700004383"),
 "social_security_certification": dict(
   bare=("我要做社保认证", ["张秀英", idn("19500312"), "13700004391", "去窗口办", "下周二上午10点"]),
   full=f"我叫张秀英，身份证{idn('19500312')}，电话13700004392，社保认证想在手机上弄",
   invalid=(idn("19500312")[:-1] + ("0" if idn("19500312")[-1] != "0" else "1"), "id_number"),
   fix="电话不对，是13700004393"),
 "elderly_allowance": dict(
   bare=("我想给我妈申请高龄津贴", ["李桂兰", OLD, "13700004401", "5号楼1单元301"]),
   full=f"我叫李桂兰，身份证{OLD}，电话13700004402，住5号楼1单元301，申请高龄津贴",
   invalid=("1381234", "phone"), fix="电话不对，是13700004403"),
 "residence_permit": dict(
   bare=("我想预约办居住证", ["陈晓东", ADULT, "13700004411", "下周三上午10点"]),
   full=f"我叫陈晓东，身份证{ADULT}，想预约办居住证，下周三上午10点，电话13700004412",
   invalid=(ADULT[:-1] + ("0" if ADULT[-1] != "0" else "1"), "id_number"), fix="时间改成下周四上午10点"),
 "elderly_home_service": dict(
   bare=("我想给老人申请居家养老服务", ["助餐", "刘德福", "2号楼3单元402", "13700004421", "下周三上午10点"]),
   full="给我爸刘德福约助洁服务，地址2号楼3单元402，电话13700004422，下周三上午10点",
   invalid=("1381234", "phone"), fix="电话不对，是13700004423"),
 "after_school_care": dict(
   bare=("我想给孩子报四点半课堂", ["王小明", "三年级", "王强", "13700004431"]),
   full="孩子王小明三年级，想报四点半课堂",
   invalid=("初一", "grade"), fix="电话不对，是13700004433"),
 "activity_signup": dict(
   bare=("我想报名社区活动", ["防诈骗讲座", "2个人", "赵丽华", "13700004441"]),
   full="我想报名防诈骗讲座，我和老伴两个人",
   invalid=("八个人", "participants"), fix="电话不对，是13700004443"),
 "consultation_booking": dict(
   bare=("我想预约咨询", ["法律咨询", "周丽", "13700004451", "下周三上午10点", "离婚后孩子抚养权怎么判"]),
   full="我想约律师咨询离婚后孩子抚养权的问题，我叫周丽，电话13700004452，下周三上午10点",
   invalid=("1381234", "phone"), fix="时间改成下周四下午3点"),
 "subsistence_allowance": dict(
   bare=("我想申请低保", ["孙玉梅", "13700004461"]),
   full="我叫孙玉梅，电话13700004462，家里困难想申请低保",
   invalid=("1381234", "phone"), fix="电话不对，是13700004463"),
 "complaint_suggestion": dict(
   bare=("我有个投诉", ["小区东门的路灯坏了一个月了一直没人管", "13700004471"]),
   full="我建议小区多装几个电动车充电桩，电话13700004472",
   invalid=("嗯", "content"), fix="电话不对，是13700004473"),
}

def user(text, intent):
    return {"user": text, "intent": intent}

def opening(service, text):
    return [user(text, service), {"action": f"{service}_form"}, {"active_loop": f"{service}_form"}]

def body(service, text, intent="inform"):
    return [user(text, intent), {"action": f"{service}_form"}]

def submit(service, text="对"):
    steps = [user(text, "affirm"), {"action": f"{service}_form"}, {"active_loop": None},
             {"action": f"action_submit_{service}"}]
    return steps

def stories():
    out = []
    for s, d in SERVICES.items():
        first, answers = d["bare"]
        steps = opening(s, first)
        for a in answers:
            steps += body(s, a)
        out.append({"story": f"{s}: bare start", "steps": steps + submit(s)})
        out.append({"story": f"{s}: values given up front", "steps": _upfront(s, d)})
        steps = opening(s, first)
        for a in answers:
            steps += body(s, a)
        steps += body(s, d["fix"])
        out.append({"story": f"{s}: correction after the read-back", "steps": steps + submit(s)})
        steps = opening(s, first) + [user("你们中心几点上班", "faq/office_hours"), {"action": "action_digress"},
                                     {"action": f"{s}_form"}, {"active_loop": f"{s}_form"}]
        steps += [user("再说一遍", "repeat"), {"action": "action_digress"}, {"action": f"{s}_form"},
                  {"active_loop": f"{s}_form"}]
        out.append({"story": f"{s}: a question and a repeat in the middle", "steps": steps})
        steps = opening(s, first) + [user("算了不办了", "cancel"), {"action": "action_cancel_service"},
                                     {"active_loop": None}]
        out.append({"story": f"{s}: cancel", "steps": steps})
        bad, slot = d["invalid"]
        steps = opening(s, first)
        for a in answers:
            if _slot_of(s, a) == slot:
                steps += body(s, bad)
            steps += body(s, a)
        out.append({"story": f"{s}: an invalid {slot} is asked again", "steps": steps + submit(s)})
    return out

ORDER = {
 "property_repair": ["address", "repair_category", "description", "phone"],
 "social_security_certification": ["person_name", "id_number", "phone", "cert_method", "appointment_time"],
 "elderly_allowance": ["person_name", "id_number", "phone", "address"],
 "residence_permit": ["person_name", "id_number", "phone", "appointment_time"],
 "elderly_home_service": ["service_type", "person_name", "address", "phone", "appointment_time"],
 "after_school_care": ["child_name", "grade", "guardian_name", "phone"],
 "activity_signup": ["activity_id", "participants", "person_name", "phone"],
 "consultation_booking": ["consultation_type", "person_name", "phone", "appointment_time", "topic"],
 "subsistence_allowance": ["person_name", "phone"],
 "complaint_suggestion": ["content", "phone"],
}

def _slot_of(service, answer):
    return ORDER[service][SERVICES[service]["bare"][1].index(answer)]

UPFRONT_REST = {
 "after_school_care": ["王强", "13700004432"],
 "activity_signup": ["赵丽华", "13700004442"],
}

def _upfront(s, d):
    steps = opening(s, d["full"])
    for a in UPFRONT_REST.get(s, []):
        steps += body(s, a)
    return steps + submit(s)

def special():
    out = []
    s = "elderly_allowance"
    steps = opening(s, "我想申请高龄津贴") + body(s, "王建国") + [user(YOUNG, "inform"), {"action": f"{s}_form"},
            {"active_loop": None}, {"action": f"action_submit_{s}"}]
    out.append({"story": "elderly_allowance: under 80 explains and files nothing", "steps": steps})
    s = "activity_signup"
    steps = opening(s, "我想报名亲子手工课剪纸") + body(s, "1") + body(s, "1个人") + body(s, "赵丽华") + body(s, "13700004491")
    out.append({"story": "activity_signup: a full activity offers others, one is chosen", "steps": steps + submit(s)})
    s = "residence_permit"
    steps = opening(s, "我想预约办居住证") + body(s, "陈晓东") + body(s, ADULT) + body(s, "13700004492")
    steps += body(s, "这周日上午") + body(s, "1")
    out.append({"story": "residence_permit: a weekend time gets office-hour slots offered", "steps": steps + submit(s)})
    s = "subsistence_allowance"
    steps = opening(s, "家里困难想申请低保") + body(s, "孙玉梅") + body(s, "13700004493") + submit(s)
    out.append({"story": "subsistence_allowance: filed for a caseworker and handed over", "steps": steps})
    steps = [user("我妈摔倒了起不来", "emergency_help"), {"action": "action_emergency_handoff"}, {"active_loop": None}]
    out.append({"story": "emergency_help: safety first, urgent case, human", "steps": steps})
    s = "complaint_suggestion"
    steps = opening(s, "我要投诉小区东门的路灯坏了一个月没人管") + body(s, "匿名") + submit(s)
    out.append({"story": "complaint_suggestion: anonymous", "steps": steps})
    return out


doc = {"version": "3.1", "stories": stories() + special()}
with open(__import__("pathlib").Path(__file__).resolve().parents[1] / "stories" / "test_forms.yml", "w") as f:
    f.write("# Rasa test stories for every service form: bare start, everything up front,\n"
            "# a correction after the read-back, a digression, a cancel, an invalid value;\n"
            "# then each special rule (age, full activity, office hours, caseworker,\n"
            "# emergency, anonymity). Assertions on cases: tests/e2e/test_services.py.\n")
    yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=1000)
print(len(doc["stories"]))
