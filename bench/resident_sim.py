"""A simulated resident plays whole service conversations over the REST channel.

    .venv/bin/python -m bench.resident_sim [--rasa URL --backoffice URL] [--only SUBSTRING]

Each scenario is a resident with a profile of answers. The resident sends an
opening message, then reads `requested_slot` from the tracker and answers
from the profile; at the read-back it confirms (or first corrects a value);
it may ask a policy question mid-form or cancel. Without --rasa it starts
the whole assistant on free ports, as the tests do.

Prints task success rate, mean resident turns per completed case, and
re-asks: a slot asked again after the resident gave an acceptable value for
it (up front or in an answer), which should never happen.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from nlu.rules.id_number import checksum_char
from tests.stack import BACKOFFICE_TOKEN, start_stack


def make_id(birth: str, seq: str = "123") -> str:
    first17 = "110105" + birth + seq
    return first17 + checksum_char(first17)


OLD, YOUNG, ADULT = make_id("19410305"), make_id("19500312"), make_id("19900518")
MAX_TURNS = 16


@dataclass
class Scenario:
    name: str
    service: str
    opening: str
    answers: dict[str, str]            # slot -> what the resident says when asked
    given: tuple[str, ...] = ()        # slots the opening message already carries
    expect: dict[str, object] = field(default_factory=dict)  # case fields to check
    correction: tuple[str, str, object] | None = None  # (slot, what is said, expected value)
    digress_at: int | None = None      # answer this many questions, then ask a policy question
    cancel_at: int | None = None       # answer this many questions, then 不办了
    files: bool = True                 # a case is expected (False: cancel, under 80)
    invalid: dict[str, str] = field(default_factory=dict)  # slot -> a wrong value said first


def _p(n: int) -> str:
    return f"1370000{n:04d}"


NAME, ADDR = "李桂兰", "5号楼1单元301"
SCENARIOS = [
    # 物业报修
    Scenario("repair bare", "property_repair", "我要报修",
             {"address": "3号楼2单元502", "repair_category": "水管", "description": "厨房水管接头一直滴水",
              "phone": _p(1)}, expect={"repair_category": "water", "building": "3"}),
    Scenario("repair up front", "property_repair", f"我家3号楼2单元502卫生间水管漏水了，电话{_p(2)}",
             {}, given=("address", "repair_category", "description", "phone"), expect={"phone": None}),
    Scenario("repair correction", "property_repair", f"5号楼1单元301电灯开关坏了，电话{_p(3)}", {},
             given=("address", "repair_category", "description", "phone"),
             correction=("phone", f"不对，电话是{_p(4)}", None)),
    Scenario("repair elevator", "property_repair", "电梯坏了，困在一楼上不去",
             {"address": "7号楼", "phone": _p(5)}, given=("repair_category", "description"),
             expect={"repair_category": "elevator"}),
    Scenario("repair digression", "property_repair", "暖气片漏水了",
             {"address": "2号楼3单元402", "phone": _p(6)}, given=("repair_category", "description"),
             digress_at=1, expect={"repair_category": "heating"}),
    Scenario("repair cancel", "property_repair", "报修", {"address": "5栋1单元301"}, cancel_at=1, files=False),
    Scenario("repair wrong phone", "property_repair", "楼道灯不亮了好几天",
             {"address": "6号楼2单元", "phone": _p(7)}, given=("repair_category", "description"),
             invalid={"phone": "1381234"}, expect={"repair_category": "public_facility"}),
    # 社保认证
    Scenario("cert window", "social_security_certification", "我要做社保认证",
             {"person_name": "张秀英", "id_number": make_id("19500312"), "phone": _p(11),
              "cert_method": "去窗口办", "appointment_time": "下周二上午10点"},
             expect={"cert_method": "window"}),
    Scenario("cert online", "social_security_certification", "帮我妈做养老金资格认证，在手机上弄",
             {"person_name": "王桂芝", "id_number": make_id("19480607"), "phone": _p(12)},
             given=("cert_method",), expect={"cert_method": "online_guidance"}),
    Scenario("cert home visit", "social_security_certification", "我爸腿脚不方便，社保认证能上门吗",
             {"person_name": "赵德顺", "id_number": make_id("19440101"), "phone": _p(13),
              "appointment_time": "下周三上午10点", "address": "9号楼1单元101"},
             given=("cert_method",), expect={"cert_method": "home_visit", "building": "9"}),
    Scenario("cert bad id", "social_security_certification", "社保认证",
             {"person_name": "孙立", "id_number": make_id("19520808"), "phone": _p(14),
              "cert_method": "3"}, invalid={"id_number": make_id("19520808")[:-1] + "0"
                                            if make_id("19520808")[-1] != "0" else make_id("19520808")[:-1] + "1"}),
    Scenario("cert cancel", "social_security_certification", "我要社保认证",
             {"person_name": "钱芳"}, cancel_at=1, files=False),
    # 高龄津贴
    Scenario("allowance bare", "elderly_allowance", "我想给我妈申请高龄津贴",
             {"person_name": NAME, "id_number": OLD, "phone": _p(21), "address": ADDR},
             expect={"building": "5"}),
    Scenario("allowance indirect", "elderly_allowance", "我妈八十五了，听说有补贴",
             {"person_name": NAME, "id_number": OLD, "phone": _p(22), "address": ADDR}),
    Scenario("allowance up front", "elderly_allowance",
             f"我叫李桂兰，身份证{OLD}，电话{_p(23)}，住5号楼1单元301，申请高龄津贴", {},
             given=("person_name", "id_number", "phone", "address")),
    Scenario("allowance under 80", "elderly_allowance", "我想申请高龄津贴",
             {"person_name": "王建国", "id_number": YOUNG}, files=False),
    Scenario("allowance correction", "elderly_allowance", "申请高龄津贴",
             {"person_name": NAME, "id_number": OLD, "phone": _p(24), "address": ADDR},
             correction=("address", "地址写错了，是6号楼2单元202", None), expect={"building": "6"}),
    # 居住证
    Scenario("permit bare", "residence_permit", "我想预约办居住证",
             {"person_name": "陈晓东", "id_number": ADULT, "phone": _p(31), "appointment_time": "下周三上午10点"}),
    Scenario("permit up front", "residence_permit",
             f"我叫陈晓东，身份证{ADULT}，想预约办居住证，下周三上午10点，电话{_p(32)}", {},
             given=("person_name", "id_number", "phone", "appointment_time")),
    Scenario("permit weekend", "residence_permit", "居住证怎么预约",
             {"person_name": "马丽", "id_number": ADULT, "phone": _p(33), "appointment_time": "1"},
             invalid={"appointment_time": "这周日上午"}),
    Scenario("permit digression", "residence_permit", "我要办居住证",
             {"person_name": "马丽", "id_number": ADULT, "phone": _p(34), "appointment_time": "下周四下午3点"},
             digress_at=2),
    Scenario("permit time change", "residence_permit", "预约居住证",
             {"person_name": "马丽", "id_number": ADULT, "phone": _p(35), "appointment_time": "下周三上午10点"},
             correction=("appointment_time", "时间改成下周四上午10点", None)),
    # 居家养老
    Scenario("home meal", "elderly_home_service", "给我爸约个助餐服务，每周3次",
             {"person_name": "刘德福", "address": "2号楼3单元402", "phone": _p(41),
              "appointment_time": "下周三上午10点"}, given=("service_type",),
             expect={"service_type": "meal", "frequency": "每周3次"}),
    Scenario("home bare", "elderly_home_service", "我想给老人申请居家养老服务",
             {"service_type": "助浴", "person_name": "刘德福", "address": "2号楼3单元402", "phone": _p(42),
              "appointment_time": "下周三上午10点"}, expect={"service_type": "bath"}),
    Scenario("home cleaning", "elderly_home_service", "老人家里需要有人来打扫卫生",
             {"person_name": "吴秀珍", "address": "8号楼1单元201", "phone": _p(43),
              "appointment_time": "下周五上午9点"}, given=("service_type",), expect={"service_type": "cleaning"}),
    Scenario("home cancel", "elderly_home_service", "助医服务怎么申请",
             {"person_name": "吴秀珍"}, cancel_at=1, files=False),
    # 四点半课堂
    Scenario("care bare", "after_school_care", "我想给孩子报四点半课堂",
             {"child_name": "王小明", "grade": "三年级", "guardian_name": "王强", "phone": _p(51)},
             expect={"grade": 3}),
    Scenario("care up front", "after_school_care", "孩子王小明三年级，想报四点半课堂",
             {"guardian_name": "王强", "phone": _p(52)}, given=("child_name", "grade")),
    Scenario("care bad grade", "after_school_care", "课后托管报名",
             {"child_name": "李朵朵", "grade": "二年级", "guardian_name": "李华", "phone": _p(53)},
             invalid={"grade": "初一"}, expect={"grade": 2}),
    Scenario("care digression", "after_school_care", "我想给孩子报名四点半课堂",
             {"child_name": "李朵朵", "grade": "五年级", "guardian_name": "李华", "phone": _p(54)}, digress_at=1),
    # 活动报名
    Scenario("activity named", "activity_signup", "我想报名防诈骗讲座，我和老伴两个人",
             {"person_name": "赵丽华", "phone": _p(61)}, given=("activity_id", "participants"),
             expect={"participants": 2}),
    Scenario("activity bare", "activity_signup", "我想报名社区活动",
             {"activity_id": "茶话会", "participants": "1个人", "person_name": "赵丽华", "phone": _p(62)}),
    Scenario("activity full", "activity_signup", "我想报名亲子手工课剪纸",
             {"activity_id": "1", "participants": "2个人", "person_name": "钱多多", "phone": _p(63)}),
    Scenario("activity too many", "activity_signup", "报名智能手机培训班",
             {"participants": "1个人", "person_name": "郑老师", "phone": _p(64)}, given=("activity_id",),
             invalid={"participants": "八个人"}),
    # 咨询预约
    Scenario("consult legal up front", "consultation_booking", "我想约律师咨询离婚后孩子抚养权的问题",
             {"person_name": "周丽", "phone": _p(71), "appointment_time": "下周三上午10点"},
             given=("consultation_type", "topic"), expect={"consultation_type": "legal"}),
    Scenario("consult bare", "consultation_booking", "我想预约咨询",
             {"consultation_type": "心理咨询", "person_name": "何芳", "phone": _p(72),
              "appointment_time": "下周四下午3点", "topic": "最近总是失眠焦虑"},
             expect={"consultation_type": "psychological"}),
    Scenario("consult doctor", "consultation_booking", "想签约家庭医生",
             {"person_name": "何芳", "phone": _p(73), "appointment_time": "下周三上午10点",
              "topic": "高血压日常随访"}, given=("consultation_type",), expect={"consultation_type": "family_doctor"}),
    Scenario("consult time fix", "consultation_booking", "我想约律师咨询离婚后孩子抚养权的问题",
             {"person_name": "周丽", "phone": _p(74), "appointment_time": "下周三上午10点"},
             given=("consultation_type", "topic"), correction=("appointment_time", "时间改成下周四下午3点", None)),
    # 低保
    Scenario("subsistence", "subsistence_allowance", "家里实在困难，老伴生病，想申请低保，家里3口人",
             {"person_name": "孙玉梅", "phone": _p(81)}, expect={"household_size": 3}),
    Scenario("subsistence bare", "subsistence_allowance", "我想申请低保",
             {"person_name": "孙玉梅", "phone": _p(82)}),
    # 投诉建议
    Scenario("complaint anonymous", "complaint_suggestion", "我要投诉，小区东门的路灯坏了一个月了一直没人管",
             {"phone": "匿名"}, given=("kind", "content"), expect={"kind": "complaint", "phone": None}),
    Scenario("suggestion with phone", "complaint_suggestion", "我有个建议",
             {"content": "小区里多装几个电动车充电桩", "phone": _p(91)}, given=("kind",),
             expect={"kind": "suggestion"}),
    Scenario("complaint bare", "complaint_suggestion", "我想反映个问题",
             {"kind": "投诉", "content": "楼下烧烤店每天半夜还很吵", "phone": _p(92)}),
    # 紧急求助: filed at once, no read-back
    Scenario("emergency fall", "emergency_help", "我妈在3号楼2单元502摔倒了起不来",
             {"phone": _p(99)},  # the callback number, asked after the safety advice
             expect={"emergency_type": "fall", "building": "3"}),
]
POLICY_QUESTION = "你们中心几点上班"
DEFAULT_ANSWERS = {"preferred_time": "随时都可以", "frequency": "每周一次",
                   "household_size": "3口人", "situation": "老伴生病住院，家里没有收入"}


@dataclass
class Outcome:
    scenario: str
    success: bool
    turns: int
    reasks: int
    detail: str = ""


class CannotAnswer(Exception):
    """The assistant asked for something the scenario has no answer for."""


@dataclass
class Progress:
    """Where one resident is in a scenario; `next_text` is the answer logic
    (also used by bench/load/, which plays many residents at once)."""
    sc: Scenario
    answered: set[str]
    invalid: dict[str, str]
    corrected: bool = False
    questions: int = 0
    reasks: int = 0

    @classmethod
    def start(cls, sc: Scenario) -> "Progress":
        return cls(sc, set(sc.given), dict(sc.invalid))

    def next_text(self, tracker: dict) -> str | None:
        """What the resident says next given the tracker; None when no form is active."""
        sc, slot = self.sc, tracker["slots"].get("requested_slot")
        if not (tracker.get("active_loop") or {}).get("name"):
            return None
        if slot == "confirm":
            text = sc.correction[1] if sc.correction and not self.corrected else "对"
            self.corrected = self.corrected or bool(sc.correction)
        elif sc.cancel_at is not None and self.questions >= sc.cancel_at:
            text = "算了不办了"
        elif sc.digress_at is not None and self.questions == sc.digress_at:
            text, self.sc = POLICY_QUESTION, _without_digression(sc)
        elif slot in self.invalid:
            text = self.invalid.pop(slot)
        elif slot in DEFAULT_ANSWERS and slot not in sc.answers:
            text = DEFAULT_ANSWERS[slot]  # questions every resident of a service answers alike
        elif slot in sc.answers:
            if slot in self.answered:
                self.reasks += 1
            text = sc.answers[slot]
            self.answered.add(slot)
            self.questions += 1
        else:
            raise CannotAnswer(f"asked {slot}, which the resident can't answer")
        return text


class Resident:
    def __init__(self, client: httpx.Client, rasa: str, backoffice: str) -> None:
        self.client, self.rasa, self.backoffice = client, rasa, backoffice

    def say(self, sender: str, text: str) -> list[str]:
        response = self.client.post(f"{self.rasa}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": text})
        response.raise_for_status()
        return [m.get("text", "") for m in response.json()]

    def tracker(self, sender: str) -> dict:
        return self.client.get(f"{self.rasa}/conversations/{sender}/tracker").json()

    def cases(self, sender: str) -> list[dict]:
        response = self.client.get(f"{self.backoffice}/api/v1/cases", params={"conversation_id": sender},
                                   headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
        body = response.json()
        return body.get("cases", body) if isinstance(body, dict) else body

    def play(self, sc: Scenario) -> Outcome:
        sender = f"sim-{uuid.uuid4().hex[:10]}"
        self.say(sender, sc.opening)
        progress, turns = Progress.start(sc), 1
        for _ in range(MAX_TURNS):
            try:
                text = progress.next_text(self.tracker(sender))
            except CannotAnswer as err:
                return Outcome(sc.name, False, turns, progress.reasks, str(err))
            if text is None:
                break
            self.say(sender, text)
            turns += 1
        return self.judge(sc, sender, turns, progress.reasks)

    def judge(self, sc: Scenario, sender: str, turns: int, reasks: int) -> Outcome:
        cases = self.cases(sender)
        if not sc.files:
            return Outcome(sc.name, cases == [], turns, reasks, "" if cases == [] else "a case was filed")
        if [c["service"] for c in cases] != [sc.service]:
            return Outcome(sc.name, False, turns, reasks, f"cases: {[c['service'] for c in cases]}")
        fields = cases[0]["fields"]
        wrong = {k: fields.get(k) for k, v in sc.expect.items()
                 if v is not None and fields.get(k) != v or v is None and k in fields and k != "phone"}
        if sc.expect.get("phone", 1) is None and "phone" in fields and sc.service == "complaint_suggestion":
            wrong["phone"] = "kept"
        return Outcome(sc.name, not wrong, turns, reasks, f"fields differ: {sorted(wrong)}" if wrong else "")


def _without_digression(sc: Scenario) -> Scenario:
    return Scenario(**{**sc.__dict__, "digress_at": None})


def run(rasa: str, backoffice: str, only: str | None) -> list[Outcome]:
    chosen = [s for s in SCENARIOS if not only or only in s.name]
    with httpx.Client(timeout=60) as client:
        resident = Resident(client, rasa, backoffice)
        return [resident.play(sc) for sc in chosen]


def report(outcomes: list[Outcome]) -> None:
    done = [o for o in outcomes if o.success]
    print(f"scenarios: {len(outcomes)} across {len({s.service for s in SCENARIOS})} services")
    print(f"task success rate: {len(done) / len(outcomes):.3f} ({len(done)}/{len(outcomes)})")
    if done:
        print(f"mean resident turns per completed scenario: {statistics.mean(o.turns for o in done):.2f}")
    print(f"re-asks of values already given: {sum(o.reasks for o in outcomes)}")
    for o in outcomes:
        if not o.success or o.reasks:
            print(f"  FAIL {o.scenario}: {o.detail} (re-asks {o.reasks})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa")
    parser.add_argument("--backoffice")
    parser.add_argument("--only")
    args = parser.parse_args()
    if args.rasa:
        outcomes = run(args.rasa, args.backoffice, args.only)
    else:
        stack = start_stack(Path(tempfile.mkdtemp(prefix="sim-")))
        try:
            started = time.perf_counter()
            outcomes = run(stack.rasa, stack.backoffice, args.only)
            print(f"played in {time.perf_counter() - started:.1f} s")
        finally:
            stack.supervisor.stop_all()
    report(outcomes)
    return 0 if all(o.success for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
