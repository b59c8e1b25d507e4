"""What the latest message says, read the same way by every form and action: whether it
confirms, asks for a person, asks for the same service again, answers the question asked,
and which slots it set or changed.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

from actions.forms import values
from actions.services.registry import services
from nlu.rules import clock
from nlu.rules.person_name import RELATIONS, mask_spelling

# Intents that leave the form to the rules (cancel, a human, a repeat, ...):
# the form must not swallow them as an attempt at the requested slot.
INTERRUPTING_INTENTS = frozenset({
    "cancel", "request_human", "repeat", "faq", "bot_challenge", "out_of_scope",
    "emergency_help",
})
_QUESTION = re.compile(r"[吗？?]|(?<![人个位口])呢|怎么|什么|哪|几点|多少|能不能|可不可以|是不是|有没有")
# 什么时候都可以, 哪天都行: "any", not a question.
_ANY_OF = re.compile(r"(?:什么时候|什么时间|啥时候|哪天|哪个时间|几点|哪一天)都")
# 周五早上九点整可以吗 / 明天上午行不行: a value offered, asking only whether it suits
_OFFERED = re.compile(r"(?:可以|行|方便|好|成|中)(?:吗|不|不行|嘛|么)?[？?。.！!\s]*$|行不行[？?]?$|可不可以[？?]?$")


# Words that really do leave the form, whatever else the message says.
EXPLICIT_INTERRUPT = re.compile(
    r"转人工|人工|真人|工作人员|客服|不办了|不弄了|不申请了|不报了|不约了|取消|不要了|^算了|算了吧|算了不|"
    r"救命|着火|冒烟|摔倒|晕倒|昏迷|煤气味|燃气味|漏气")
# A read-back confirmed in the resident's own words (对，快点派人 / 这回对了 / 没错提交吧).
_AFFIRM = re.compile(r"^(?:嗯+|恩|对|对的|是的|是|没错|没问题|可以|行|好|好的|确认|正确|都对|对了|这回对了|"
                     r"冇错|係咁|係啊|係|啱|啱晒|冇问题|得啦|无错|对着哩|要得|"
                     r"现在对了|这下对了|没有问题|OK|ok|Ok|提交|就这样|嗯嗯|对头|中|妥)")
_NOT_AFFIRM = re.compile(r"不对|不是|唔係|唔啱|(?<![没不冇无])错|改|不行|不可以|不好|等一下|等等|不确认|还有|但是|不过")


ASKS_FOR_HUMAN = re.compile(r"人工|真人|(?:找|跟|和|让|叫|转|问问)(?:个|一个|位|一位)?工作人员|工作人员来|"
                            r"叫个人|找个人|换个人|找个真人")
# A relation word in a new request: it is for that person (给我老婆也约一个, 我爸的也办一下).
# (every kinship and role word the name parser knows: 姥姥, 老丈人, 大姨, 表哥…)
_KIN = "(?:" + "|".join(RELATIONS) + ")"
SOMEONE_ELSE = re.compile(f"(?:给|帮|替|为|还有|另外|再|也)(?:我|俺|咱)?(?:家)?(?P<kin>{_KIN})|"
                          f"(?:我|俺|咱)家?(?P<kin2>{_KIN})(?:的)?(?:也|还)|"
                          # 另外我老伴有高血压，想签个家庭医生: the relative's own need
                          f"(?:^|[，,。\\s])(?:我|俺|咱)家?(?P<kin3>{_KIN})(?:有|得了?|患|身体|腿|腰|需要|想|要)|"
                          # 婆婆也要签，一起约: the relative first, then 也/还
                          f"(?:^|[，,。\\s])(?P<kin4>{_KIN})(?:的)?(?:也|还)(?:要|想|得|需要|一起)")
# 我自己也要办 / 我也还没办，能一起约吗: the speaker, after a request for someone else
SPEAKER_NOW = re.compile(r"(?:我|俺)(?:自己|本人)|(?<![他她])(?:我|俺)也(?:要|想|得|还没|没|一起|顺便)")
# 给老人签个家庭医生: the elder the conversation is about, not a new person
THE_ELDER = frozenset({"老人", "老人家", "老爷子", "老太太"})
# 地址电话跟我妈一样的 / 家长和电话跟刚才一样: the earlier phone, kept without asking
SAME_PHONE_SAID = re.compile(r"(?:电话|号码|手机)[^，。,.!?！？]{0,8}(?:一样|相同|同一个|不变|照旧|还是|也是|跟刚才)|"
                             r"(?:一样|同样)的?(?:电话|号码|手机)")
# 办到哪一步了 / 办到啥地方了 / 去到边一步 / 批下来没有: how far a case has got
ASKS_PROGRESS = re.compile(r"进度|进展|办到|到哪|到啥|到什么|去到边|到边度|处理得?怎么样|怎么样了|咋样了|"
                           r"批下来|批了没|有结果|有消息|什么时候能|啥时候能|几时能|受理了吗|受理了没|"
                           r"(?:什么时候|啥时候|几时|几点)(?:能)?(?:有人)?(?:来|过来|上门|嚟)")
# 再给我老婆约一个 / 我爸的也办一下: the service just filed, once more.
ASKS_AGAIN = re.compile(r"(?:再|也|还|同样)(?:给|帮|替|为)?.{0,6}?(?:约|办|报|申请|登记|弄|签)(?:一个|一下|个)?|"
                        r"(?:一样|同样)的?也?(?:给|帮)")


def relation_named(text: str) -> str | None:
    """The relative a new request is for (给我老婆也约一个 → 老婆), if one is named."""
    m = SOMEONE_ELSE.search(text)
    return m and (m.group("kin") or m.group("kin2") or m.group("kin3") or m.group("kin4"))


# Inside a story (就想找个人说说话, 跟工作人员吵了一架) these words ask for no one: a free-text
# answer asks for a person only when it is short or says so outright.
_PLAINLY_FOR_HUMAN = re.compile(r"转人工|人工客服|人工服务|找人工|要人工|真人")


def asks_for_human(tracker: Tracker) -> bool:
    text = latest_text(tracker)
    if tracker.get_slot("requested_slot") in FREE_TEXT_SLOTS and len(text) > 15:
        return bool(_PLAINLY_FOR_HUMAN.search(text))
    return bool(ASKS_FOR_HUMAN.search(text))


THEIR_PLACE = re.compile(r"(?:爸|妈|父母|老人|外婆|外公|奶奶|爷爷|婆婆|公公|岳父|岳母|儿子|女儿|亲戚|朋友)"
                          r"(?:那|家|住的|那边|那儿|那里)")
FREE_TEXT_SLOTS = ("description", "content", "situation", "topic")
# A question about the centre's rules in the middle of a free-text answer (收费吗, 几点下班).
_ASKS_ABOUT_SERVICE = re.compile(r"收费吗|要钱吗|几点|上班吗|下班|周末|要带|什么材料|怎么办理|在哪")


def confirms(text: str) -> bool:
    text = text.strip(" ，,。.!！~～")
    return bool(_AFFIRM.match(text)) and not _NOT_AFFIRM.search(text)


def confirmed_unchanged(slot: str, tracker: Tracker) -> Any:
    """对，下周五 at the read-back confirms what was read back: the day said with it is
    not a new, vaguer time. The value before this message, when that is the case."""
    if tracker.get_slot("requested_slot") != "confirm" or not confirms(latest_text(tracker)):
        return None
    return previous_value(slot, tracker)


def set_by_latest_message(tracker: Tracker) -> set[str]:
    """Slots the latest message's entities set (whoever is asked to check them)."""
    names: set[str] = set()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("value") is not None:
            names.add(event.get("name"))
    return names


def skipped_by_rasa(tracker: Tracker) -> set[str]:
    """Slots the latest message set that Rasa did not hand to the form for checking: it
    hands over only the slots the form's domain lists (not those a form adds as it goes)."""
    return set_by_latest_message(tracker) - set(tracker.slots_to_validate()) - {"confirm"}


def previous_value(slot: str, tracker: Tracker) -> Any:
    """The slot's value before the latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def looks_like_answer(slot: str | None, text: str) -> bool:
    """A value that fits the question asked is an answer, whatever the classifier thought
    (钱多多 is a name, not a question about fees; 算投诉吧 picks complaint, it does not cancel)."""
    text = text.strip()
    if not slot or not text or EXPLICIT_INTERRUPT.search(text):
        return False
    if slot == "confirm":
        return confirms(text)
    if slot in FREE_TEXT_SLOTS:
        return len(text) >= 4 and not _ASKS_ABOUT_SERVICE.search(text)
    plain = _ANY_OF.sub("", re.sub(r"\s+", "", text))
    if slot in ("appointment_time", "preferred_time", "activity_id"):
        plain = _OFFERED.sub("", plain)
    if _QUESTION.search(plain) and slot != "address":
        return False
    probe = _PROBES.get(slot)
    return bool(probe and probe(text))


def _probe_choice(slot: str):
    from nlu.rules.gazetteer import lookup
    return lambda text: lookup(text, slot) is not None


def _probe_name(text: str) -> bool:
    # short once how the name is written (孙悟空的孙 长江的长) is set aside
    return values.check_person_name(text).ok and len(re.sub(r"[，\s]", "", mask_spelling(text))) <= 12


_PROBES = {
    "person_name": _probe_name,
    "child_name": _probe_name,
    "guardian_name": _probe_name,
    "phone": lambda t: values.check_phone(t).ok,
    "id_number": lambda t: bool(re.fullmatch(r"[\dXx\s]{15,20}", t)) or values.check_id_number(t).ok,
    "address": lambda t: values.find_address(t) is not None,
    "appointment_time": lambda t: bool(values.find_times(t, values.clock.now(values.TZ))),
    "preferred_time": lambda t: bool(values.find_times(t, values.clock.now(values.TZ))),
    "repair_category": _probe_choice("repair_category"),
    "service_type": _probe_choice("service_type"),
    "cert_method": _probe_choice("cert_method"),
    "consultation_type": _probe_choice("consultation_type"),
    "kind": lambda t: bool(re.search(r"投诉|建议|意见|反映", t)),
    # a count, a grade, a household or a rhythm said is an answer even when it breaks a rule
    # (我们 七八个人 呢 is told the limit, not handed to staff)
    "participants": lambda t: _service_values().find_participants(t) is not None,
    "grade": lambda t: bool(re.search(r"[一二三四五六七八九1-9]\s*年级|初[一二三]|高[一二三]|幼儿园", t)),
    "household_size": lambda t: _service_values().check_household_size(t).ok,
    "frequency": lambda t: _service_values().find_frequency(t) is not None,
}


def _service_values():
    from actions.forms import service_values  # (it reads messages with this module's helpers)
    return service_values




def now_local() -> datetime:
    return clock.now(ZoneInfo(services().settings.timezone))


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def names_in(tracker: Tracker) -> List[Dict[str, Any]]:
    """person_name entities of the latest message, each with its `name_role`."""
    return [e for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "person_name"]


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


# 就这个号 / 打我这个手机 / 本机: the number the call comes from
THIS_NUMBER = re.compile(r"(?:这个|这|现在|本)(?:号|手机|电话|座机)|本机|打来的|来电(?:号码)?|"
                         r"(?:电话|手机|号码|联系)[^，。,.\d]{0,6}这个|(?:打|用|留)我?(?:现在)?的?这个")
# 就这个 / 是 / 行 answering 就用您打来的这个号码吗？
THIS_ONE = re.compile(r"这个|这号|就这|是|对|行|可以|好|嗯|用|打")
NOT_THIS_ONE = re.compile(r"不(?:要|用|是|行|对)|别|换|另外|其他|其它")


def caller_number(tracker: Tracker) -> str | None:
    """The number a phone call comes from (the voice channel's metadata), if known."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            number = (event.get("metadata") or {}).get("caller_number")
            if number:
                return str(number)
    return None
