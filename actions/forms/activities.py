"""The centre's activity catalogue as residents name it: a title said short or by sound
(查话会), what it is about (看病的那个活动), the day it is on; and how the open ones are read
out. Pure functions, no Rasa, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from pypinyin import Style, lazy_pinyin

from nlu.rules.person_name import chars_in_order

@dataclass(frozen=True)
class ActivityMatch:
    activity: dict[str, Any]
    score: float


_GENERIC = re.compile(r"活动|报名|参加|社区|我想|我要|一下|讲座|课堂?|培训班?")
MATCH_SCORE = 80.0


def _bigrams(syllables: list[str]) -> set[tuple[str, str]]:
    return set(zip(syllables, syllables[1:]))


_FILLER_CHARS = re.compile(r"那个|这个|还能|能报|报吗|还有|名额|的|吗|呢|吧|我和|老伴|两个人|一个人|我们|想|要|去|参加")


def _shared_words(core: str, title: str) -> int:
    """Longest run of characters the resident's words share with the title (教手机的课 → 手机)."""
    best = 0
    for i in range(len(core)):
        for j in range(i + 2, len(core) + 1):
            if core[i:j] in title:
                best = max(best, j - i)
            else:
                break
    return best


def _title_score(said: str, title: str) -> float:
    core = _GENERIC.sub("", said)
    if len(core) >= 2 and core in title:
        return 100.0
    plain = _FILLER_CHARS.sub("", core)
    shared = _shared_words(plain, title)
    if shared >= 2:
        return 84.0 + min(shared, 6)
    if 2 <= len(plain) <= 6 and chars_in_order(plain, title):
        return 83.0  # 防骗 → 防诈骗讲座
    for clause in re.split(r"[，,。.!！?？…、\s]+|那|还有|位置|报", plain):
        if 2 <= len(clause) <= 4 and chars_in_order(clause, title) and clause[0] in title[:2]:
            return 82.0  # 满了啊，那防骗的讲座还有位置吧 → 防诈骗讲座
    title_syl = lazy_pinyin(title, style=Style.NORMAL)
    said_syl = lazy_pinyin(core, style=Style.NORMAL)
    hits = len(_bigrams(title_syl) & _bigrams(said_syl))
    # Two shared syllable pairs (手机…培训, 防诈…诈骗 even as 防炸骗) name the title.
    if hits >= 2 or (hits == 1 and len(said_syl) <= 3):
        return 85.0 + min(hits, 3)
    return 0.0


# Everyday words for what an activity is about (看病的那个活动), and the words of a
# catalogue entry's title or description they point to.
_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "看病": ("义诊", "医生"), "看医生": ("义诊", "医生"), "医生": ("义诊", "医生"), "体检": ("义诊", "血压"),
    "血压": ("血压",), "血糖": ("血糖",), "开药": ("用药",), "义诊": ("义诊",),
    "骗": ("诈骗", "骗局"), "反诈": ("诈骗",), "诈": ("诈骗",), "民警": ("民警",), "警察": ("民警", "派出所"),
    "手机": ("手机",), "智能机": ("手机",), "微信": ("微信",), "视频": ("视频",), "挂号": ("挂号",),
    "喝茶": ("茶",), "茶": ("茶",), "聊天": ("聊天",), "节目": ("节目", "文艺"), "联欢": ("文艺", "节目"),
    "剪纸": ("剪纸",), "灯笼": ("灯笼",), "手工": ("手工",), "亲子": ("亲子",),
}


def _topic_score(said: str, activity: dict[str, Any]) -> float:
    title, about = str(activity.get("title", "")), str(activity.get("description", ""))
    in_title = sum(1 for word, targets in _TOPIC_WORDS.items()
                   if word in said and any(t in title for t in targets))
    in_about = sum(1 for word, targets in _TOPIC_WORDS.items()
                   if word in said and any(t in about for t in targets))
    if in_title:
        return 84.0 + min(in_title, 3)
    return 81.0 if in_about >= 2 else 0.0


def _on_day(activity: dict[str, Any], days: set[str]) -> bool:
    return str(activity.get("starts_at", ""))[:10] in days


def match_activity(text: str, catalogue: Iterable[dict[str, Any]],
                   days: Iterable[str] = ()) -> ActivityMatch | None:
    """The activity the resident named: by its title in characters or by sound, by what
    it is about (看病的活动 → 义诊进社区), or by its day (下礼拜一那个) where one is on it.
    ``days``: ISO dates said in the message."""
    said = re.sub(r"[\s，,。！!？?]", "", text)
    activities = list(catalogue)
    days = {d[:10] for d in days}
    on_day = [a for a in activities if days and _on_day(a, days)]
    best: ActivityMatch | None = None
    for activity in activities:
        score = max(_title_score(said, str(activity.get("title", ""))), _topic_score(said, activity))
        if on_day and activity in on_day:
            score = max(score, 88.0 if len(on_day) == 1 else score + 5)
        elif days and score < 100:
            score -= 10  # 周六那个 with a topic of another day's activity: not this one
        if score >= MATCH_SCORE and (best is None or score > best.score):
            best = ActivityMatch(activity, score)
    return best


def describe_activity(activity: dict[str, Any]) -> str:
    starts = str(activity.get("starts_at", ""))
    when = f"{int(starts[5:7])}月{int(starts[8:10])}日{starts[11:16]}" if len(starts) >= 16 else starts
    left = activity.get("remaining")
    return f"{activity.get('title')}（{when}，剩{left}个名额）"


def open_activities(catalogue: Iterable[dict[str, Any]], exclude: str | None = None,
                    limit: int = 3) -> list[dict[str, Any]]:
    return [a for a in catalogue
            if int(a.get("remaining") or 0) > 0 and a.get("activity_id") != exclude][:limit]
