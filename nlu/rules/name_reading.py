"""Where a name said at a given position ends: a surname, one or two given characters,
and the words that cannot be part of a name (王强我是…, 李华的…, 王阿姨). Every reader of
names (the kinship frames, a bare answer) finds the span here."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.kinship import CHILD_RELATIONS, RELATIONS
from nlu.rules.surnames import surname_len

NAME_CHARS = r"[\u4e00-\u9fff·]"
# What ends a clause, and so a name or its spelling-out.
CLAUSE_END = set(" \t\n，。,.！!？?、;；")
# 迪丽努尔·艾山, 阿依古丽·买买提: a transliterated name, its parts joined by a dot
TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:[·•・.．][\u4e00-\u9fff]{1,8})+")

# Words that end a name when they follow it in one breath.
_STOP_WORDS = (
    "今年 身份证 电话 手机 号码 住在 住 家住 在 想 要 来 的 帮 我 你 他 她 请 办 是 申请 预约 报名 认证 "
    "做 去 今 明 后 上 下 这 那 和 跟 与 及 还 也 都 就 已 已经 现在 八 九 七 六 五 四 三 二 一 十 两 岁 "
    "老 年 腿 身体 行动 不 没 有 给 让 被 把 对 吧 啊 呀 呢 吗 嘛 哦 噢 了 着 过 说 讲 签 约 "
    "呗 啦 哈 嗯 同志 先生 女士 阿姨 大爷 老师 师傅 本人 自己"
).split()
_STOP = tuple(sorted(set(_STOP_WORDS), key=len, reverse=True))
_ADDRESS_FORMS = frozenset("阿姨 大爷 叔叔 奶奶 爷爷 大妈 婆婆 阿婆 阿公 阿伯 师傅 老师 大姐 大哥 姐姐 哥哥 "
                           "老太 老头 老爷子 姨 叔 伯 婶".split())
NOT_NAMES = frozenset(
    "初一 初二 初三 高一 高二 高三 "  # 孩子初二: a school year, not a name
    "社区 居民 老人 本人 自己 一个 工作 退休 残疾 这个 那个 家属 家人 邻居 户主 他们 我们 大家 "
    "外地 本地 业主 租户 房东 租客 网格 物业 医生 律师 老师 社工 孩子 小孩 学生 "
    "高血压 高血糖 高血脂 高龄 高楼 高层 方便 明白 常常 金额 安全 程序 任务 "
    # roles a speaker gives before the name (我是楼长，我叫…)
    "楼长 组长 队长 领队 会长 班长 主任 书记 师傅 志愿者 网格员 楼栋长 单元长 名字 姓名".split())
_STOP_LONG = tuple(w for w in _STOP if len(w) >= 2)
# Characters that end a name when they follow its first given character (王强我是…, 李华的…).
_PARTICLES = set("的了吗呢吧啊呀和跟与是在也都就还")
_FUNCTION_CHARS = set("的了吗呢吧啊呀和跟与是在我你他她也都就还岁今住想要来帮请办说")
_NEVER_FIRST = set("我你他她您的了是在和跟与也都就还把被给让对不没有这那啥写填叫")


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    value: str
    role: str = "named"          # served | helper | self | named
    relation: str | None = None  # the kinship or role word that introduced it

    @property
    def is_child(self) -> bool:
        return self.relation in CHILD_RELATIONS


def read_name(text: str, start: int, need_surname: bool = True) -> tuple[int, int] | None:
    """The span of a name starting at ``start`` (surname + one or two characters)."""
    rest = text[start:]
    transliterated = TRANSLITERATED.match(text, start)  # 迪丽努尔·艾山: no surname to look for
    if transliterated and not any(transliterated.group(0).startswith(r) for r in RELATIONS) \
            and not set(transliterated.group(0)) & (_FUNCTION_CHARS | _NEVER_FIRST | set("叫姓名")):
        return start, transliterated.end()
    if not re.match(NAME_CHARS, rest[:1]) or rest[:1] in _NEVER_FIRST or any(rest.startswith(w) for w in _STOP if len(w) >= 2):
        return None
    surname = surname_len(rest)
    if not surname:
        if need_surname:
            return None
        surname = 1
    end = start + surname
    given = 0
    while given < 2 and end < len(text) and re.match(NAME_CHARS, text[end]):
        # (孙福来 at the end of what was said keeps its 来: a name's last character
        # can be one that elsewhere starts the next word)
        last = end + 1 == len(text) or text[end + 1] in CLAUSE_END
        if given >= 1 and (text[end:].startswith(_STOP_LONG) or (
                text[end] in _FUNCTION_CHARS and not (last and text[end] not in _PARTICLES))):
            break
        if given == 0 and text[end:].startswith(_STOP) and not _keeps_stop_char(text, end):
            break
        end += 1
        given += 1
    if given == 0:
        return None
    value = text[start:end]
    if re.search(r"字[旁头底边]$|[旁头底]$", value) and "字" in value:
        return None  # 草字头, 木字旁: how a character is written, not a name
    if value in NOT_NAMES or value[:2] in NOT_NAMES or any(value.startswith(r) for r in RELATIONS):
        return None
    if value[surname:] in _ADDRESS_FORMS:
        return None  # 王阿姨, 李大爷: how a neighbour is called, not a name for a form
    return start, end


def _keeps_stop_char(text: str, pos: int) -> bool:
    """A first given-name character that also starts a stop word (王建国 vs 王在, 张明 vs 张明天)
    belongs to the name when another name character follows and no stop word does."""
    nxt = text[pos + 1:pos + 2]
    if not nxt or not re.match(NAME_CHARS, nxt):
        return text[pos] not in "的了吗呢吧啊呀和跟与是在我你他她"
    return not text[pos + 1:].startswith(_STOP) and text[pos] not in "的了吗呢吧啊呀和跟与是我你他她"
