"""A name given as an answer rather than in a frame: alone, in answer to 请问叫什么名字
(张秀英, 叫欧阳娜娜吧, 吴根宝 口天吴 根本的根 宝贝的宝), or bare among other values typed on one
line (约律师 劳动仲裁的事 下周二下午2点 刘洋 15921234567)."""
from __future__ import annotations

import re

from nlu.rules.kinship import RELATIONS
from nlu.rules.name_reading import NAME_CHARS, NOT_NAMES, TRANSLITERATED, NameMatch, read_name
from nlu.rules.name_spelling import is_spelling, mask_spelling, spelled_names
from nlu.rules.ordinary_words import NOT_IN_A_PERSON_NAME, any_tagged, names_a_known_value, tagged_words
from nlu.rules.surnames import surname_len

_TIME_WORD = re.compile(r"^[今明后昨前大]|[天日号点周月年午晚早]$|星期|礼拜|[市县省州口镇乡区村]$")
_VALUE_SEGMENT = re.compile(r"\d{7,}|[零〇一二三四五六七八九幺]{7,}")
_FILLER = re.compile(r"^(?:嗯|呃|那个|就是|这个|喂|哦|噢|啊)+|(?:吧|啊|呀|呢|的|哈|嘛|哦)+$")
_BARE = re.compile(rf"^{NAME_CHARS}{{2,5}}$")


def _reads_as_name(word: str) -> bool:
    """Jieba's tagger does not read ``word`` as ordinary words: 应该系 (应该 + 系), 楼里,
    居住正 and 高血压 are no names, 刘洋 and 杜建军 may be."""
    words = tagged_words(word)
    if any_tagged(words, NOT_IN_A_PERSON_NAME):
        return False
    first, tag = words[0]
    return len(first) == 1 or tag.startswith("nr")


def listed_name(text: str) -> NameMatch | None:
    """A name given bare among other values in one typed line (约律师 劳动仲裁的事
    下周二下午2点 刘洋 15921234567): one segment is exactly a full name and another holds
    a phone or ID number."""
    segments = [(m.start(), m.end()) for m in re.finditer(r"[^\s，,、；;/]+", text)]
    if len(segments) < 3 or not any(_VALUE_SEGMENT.search(text[a:b]) for a, b in segments):
        return None
    names = []
    for a, b in segments:
        seg = text[a:b]
        span = read_name(seg, 0) if _BARE.match(seg) and 2 <= len(seg) <= 4 else None
        if span and span[1] == len(seg) and not any(r in seg for r in RELATIONS) \
                and not names_a_known_value(seg) and not _TIME_WORD.search(seg) and _reads_as_name(seg):
            names.append(NameMatch(a, b, seg, "named"))
    return names[0] if len(names) == 1 else None


def bare_name(text: str) -> str | None:
    """A name given alone in answer to 请问叫什么名字 (张秀英, 叫欧阳娜娜吧), perhaps spelled
    out after it (吴根宝 口天吴 根本的根 宝贝的宝)."""
    # 阿依古丽·买买提: a Uyghur name, given name then father's
    said = re.sub(r"^(?:我叫|我是|叫|是|姓名是|名字是|就叫)\s*", "", _FILLER.sub("", text.strip()).strip())
    transliterated = TRANSLITERATED.match(said)
    if transliterated and not re.search(r"[\u4e00-\u9fff]", said[transliterated.end():]):
        return transliterated.group(0)
    spelled = spelled_names(text)
    if len(spelled) == 1 and not _FILLER.sub("", re.sub(r"^(?:我叫|叫|是|姓名是|名字是|就叫)", "",
                                                         text[:spelled[0][0]].strip(" ，,"))):
        return text[spelled[0][0]:spelled[0][1]]
    text = re.sub(r"[（(][^）)]*[）)]", "，", mask_spelling(text))  # 陈浩（孩子爸爸）
    segments = [seg for seg in re.split(r"[\s，。,.！!？?、;；]+", text) if seg]
    if len(segments) > 1 and all(is_spelling(seg) for seg in segments[1:]):
        text = segments[0]
    elif len(segments) > 1:
        # 沈阿婆，沈惠珍 / 家长写我，许志刚: the one part that is a full name
        full = [seg for seg in segments if _BARE.match(seg) and surname_len(seg) and read_name(seg, 0)
                and read_name(seg, 0)[1] == len(seg) and not any(r in seg for r in RELATIONS)]
        if len(full) == 1:
            return full[0]
    text = re.sub(r"[\s，。,.！!？?、]", "", text)
    text = re.sub(r"^(?:叫|是|姓名是|名字是|就叫)", "", _FILLER.sub("", text))
    text = _FILLER.sub("", text)
    if not _BARE.match(text) or text in NOT_NAMES or any(text.startswith(r) for r in RELATIONS):
        return None
    if any(word in text for word in ("不知道", "不记得", "忘了", "不清楚", "没有", "不用", "转人工")):
        return None
    if re.search(r"[他她我你您们的了吗呢]", text):
        return None
    return text
