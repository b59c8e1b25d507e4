"""What the recogniser is told to expect, and Simplified characters on the way out.

Whisper reads its prompt as the text that came before the audio: in simplified
Chinese it answers in simplified Chinese, with digits it writes digits, and
the words in it (service names, repair trades, the centre's own estates) are
the ones it reaches for when the sound is unclear. The gateway knows which
question the caller is answering (the conversation's `requested_slot` after
each turn), so each question gets the words its answers use.
"""
from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlu.rules.vocab import (CONSULTATION_TYPE, CERT_METHOD, REPAIR_CATEGORY, SERVICE_NAMES,
                             SERVICE_TYPE)

logger = logging.getLogger(__name__)

_OPENING = "您好，我想报修，家里厨房水管漏水了，电话13812345678。转人工。"
_ADDRESS = "我住{place}3号楼2单元502室。"
_SLOT_SENTENCES: dict[str, str] = {
    "phone": "我的电话是13812345678，手机号码15900001234。",
    "id_number": "身份证号码是11010519500312123X。",
    "person_name": "我叫张秀英，姓王，王建国。",
    "confirm": "对，没错，是的。不对，要改一下。",
    "case_number": "受理编号是SQ20261128-000123。",
    "participants": "两个人，3个人。",
    "grade": "孩子上3年级，二年级。",
    "description": "厨房水管一直在漏水，已经两天了。",
    "content": "楼下广场舞声音太大，晚上10点还在跳。",
    "anonymous": "匿名，不用留电话。",
    "kind": "我要投诉，提个建议。",
    "preferred_time": "明天下午3点以后，随时都可以，周六上午。",
    "frequency": "每周3次，每天中午。",
}
_TABLES = {"repair_category": REPAIR_CATEGORY, "service_type": SERVICE_TYPE,
           "consultation_type": CONSULTATION_TYPE, "cert_method": CERT_METHOD}
_ADDRESS_SLOTS = {"address", "building", "unit", "room"}


def _words(table: dict[str, list[str]], per_value: int = 3) -> str:
    return "、".join(w for words in table.values() for w in words[:per_value]
                    if w.isascii() is False)


def default_prompt(language: str) -> str | None:
    """The prompt when nothing is known of the question: the hotline's opening."""
    if language != "zh":
        return None
    return "社区服务热线。" + _words(SERVICE_NAMES, 2) + "。" + _OPENING


def for_slot(slot: str | None, place_names: Iterable[str] = ()) -> str:
    """A short simplified-Chinese prompt for answers to the question about `slot`."""
    places = [p for p in place_names if p]
    if slot in _ADDRESS_SLOTS:
        named = "、".join(places[:12])
        example = _ADDRESS.format(place=places[0] if places else "阳光小区")
        return (f"小区：{named}。" if named else "") + example
    if slot in _TABLES:
        return _words(_TABLES[slot]) + "。"
    if slot in _SLOT_SENTENCES:
        return _SLOT_SENTENCES[slot]
    return default_prompt("zh") or ""


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional → Simplified, one character at a time.

    The table is the one jionlp (already installed for the NLU) ships; read as a
    file so that importing jionlp's heavy modules is not needed here.
    """
    spec = importlib.util.find_spec("jionlp")
    table: dict[int, str] = {}
    if spec is None or not spec.submodule_search_locations:
        logger.warning("jionlp not installed: Traditional characters are left as they are")
        return table
    path = Path(list(spec.submodule_search_locations)[0]) / "dictionary" / "tra2sim_char.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
            table[ord(parts[0])] = parts[1]
    # The file maps these to variants no longer in standard use.
    table.update({ord("餘"): "余", ord("鍾"): "钟", ord("瀋"): "沈"})
    return table


def simplified(text: str) -> str:
    return text.translate(_t2s_table())
