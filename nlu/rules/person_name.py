"""Names introduced with a cue (我叫张秀英, 老人叫李桂兰, 姓名王建国).

Chinese names have no capital letters or spaces to find them by; a cue
word before them is the reliable signal in what residents say. Bare names
given in answer to 请问叫什么名字 are taken by the form's validator.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CUE = r"(?:我叫|我是|名字叫|名字是|姓名是|姓名叫|姓名[:：]?|他叫|她叫|老人叫|我妈叫|我爸叫|母亲叫|父亲叫|孩子叫|认证人是|申请人是)"
# Two to four Han characters (or a compound name with ·), stopping before
# common words that follow a name in one breath.
_NAME = r"([\u4e00-\u9fff]{1,2}(?:·[\u4e00-\u9fff]{1,6}|[\u4e00-\u9fff]{1,2}))"
_STOP = r"(?=$|[\s，,。.！!？?、；;]|身份证|电话|手机|今年|住在|家住|想|要|来|在|的|帮|我|你|请|办|号码|是|，)"
_PATTERN = re.compile(_CUE + r"\s*" + _NAME + _STOP)
_NOT_NAMES = {"社区", "居民", "老人", "本人", "自己", "一个", "工作", "退休", "残疾", "这个", "那个"}


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    value: str


def find_person_names(text: str) -> list[NameMatch]:
    found = []
    for m in _PATTERN.finditer(text):
        name = m.group(1)
        if name[:2] in _NOT_NAMES or len(name) < 2:
            continue
        found.append(NameMatch(m.start(1), m.end(1), name))
    return found
