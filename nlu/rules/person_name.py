"""Person names in what residents say, with who the person is to the speaker.

Chinese names have no capitals or spaces to find them by. What marks them is the
frame around them: a cue (我叫, 名字是), a kinship or role word (我老伴叫周玉芬, 帮我爸
何建军申请, 是我外婆，名字叫钱桂香, 钱桂香是我外婆), and a surname at the start. Every
name found carries a role:

- ``served``: the person the service is for, introduced through a relation
  (我妈, 老伴, 孙子, 老人, 申请人) or as 他/她;
- ``helper``: the speaker, introduced as a relative of that person (我是他闺女林小红);
- ``self``: the speaker (我叫张秀英, 我是王建国);
- ``named``: a bare 姓名是/名字叫 with no relation around it.

A relation word alone (他女儿, 我妈) is never a name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.surnames import COMMON_SPELLINGS, COMPOUND_SURNAMES, SPELLED_OUT, surname_len

# Who the person is to the speaker. Longer words first so 外孙女 wins over 外孙.
RELATIONS = sorted("""
老伴 老伴儿 爱人 老公 老婆 丈夫 妻子 媳妇 对象 先生 太太
爸 妈 爸爸 妈妈 父亲 母亲 老爸 老妈 老爹 老娘 爹 娘 俺爹 俺娘 老父亲 老母亲
老爷子 老太太 老太 老头 老头子 老人家 老人 家里老人 老母亲
外婆 外公 奶奶 爷爷 姥姥 姥爷 婆婆 公公 岳父 岳母 丈人 丈母娘 太奶奶 太爷爷
孩子 儿子 女儿 闺女 孙子 孙女 外孙 外孙女 小孩 小孩子 娃 娃娃 宝宝 小朋友 学生 大儿子 小儿子 大女儿 小女儿
哥哥 姐姐 弟弟 妹妹 大哥 大姐 二哥 二姐 哥 姐 弟 妹
叔叔 阿姨 舅舅 舅妈 姑姑 姑妈 姨妈 小姨 婶婶 伯伯 大爷 大妈 大伯 叔
邻居 朋友 同事 家属 亲戚 老邻居
申请人 认证人 当事人 服务对象 被认证人 预约人 报名人 参加人
阿婆 阿公 阿伯 阿爷 阿嬷 阿妈 阿爸 老太婆 老爷爷 老奶奶
姐夫 妹夫 女婿 儿媳 儿媳妇 干爹 干妈 侄子 侄女 外甥 外甥女 嫂子 弟媳 亲家 继父 继母 老丈人 丈母
家婆 家公 老豆 老窦 老母 阿嫲 嫲嫲 阿奶 阿母 阿爹 家姐 细佬 细妹 孙仔 孙女仔 老表 老汉 老汉儿 妈老汉 嬢嬢 孃孃 幺儿 老人家
外父 外母 新抱 奶奶家
老大 老二 老三 老幺 大宝 二宝 小宝 大的 小的 大孙子 小孙子 大孙女 小孙女
伢子 伢 崽 崽崽 娃儿 娃子 细路 细路仔 囡囡 妹崽 满崽 姆妈 阿拉姆妈 屋里头的
""".split()
    # 大姨, 二舅, 小姑, 老舅, 三叔, 表姐, 堂哥, 姨夫: relatives by their order or branch
    + [order + kin for order in "大二三四五小老幺" for kin in ("姨", "舅", "姑", "叔", "伯", "婶", "娘", "爷", "姐", "哥")]
    + [branch + kin for branch in "表堂" for kin in ("哥", "姐", "弟", "妹", "叔", "舅", "姨")]
    + "姨夫 姨父 姑父 姑夫 舅妈 伯母 婶子 姨姥姥 姨奶奶 舅姥爷 姑奶奶 舅爷".split(), key=len, reverse=True)
CHILD_RELATIONS = frozenset(
    "孩子 儿子 女儿 闺女 孙子 孙女 外孙 外孙女 小孩 小孩子 娃 娃娃 宝宝 小朋友 学生 大儿子 小儿子 大女儿 小女儿 "
    "老大 老二 老三 老幺 大宝 二宝 小宝 大的 小的 大孙子 小孙子 大孙女 小孙女 "
    "伢子 伢 崽 崽崽 娃儿 娃子 细路 细路仔 囡囡 妹崽 满崽".split())
_REL = "(?:" + "|".join(RELATIONS) + ")"
_POSSESSOR = r"(?:我们?家?|俺家?|咱家?|他|她|佢|他们|老人|孩子)?的?"
_CALLED = r"(?:姓[\u4e00-\u9fff]{1,2}[，,\s]*(?:名字)?叫|的?(?:名字|姓名|大名|全名)\s*(?:叫做?|是|为|[:：])?|叫做?|名叫|是)"
_NAME_CHARS = r"[\u4e00-\u9fff·]"

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
_ROLE_RANK = {"served": 0, "named": 1, "self": 2, "helper": 3}


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
    transliterated = _TRANSLITERATED.match(text, start)  # 迪丽努尔·艾山: no surname to look for
    if transliterated and not any(transliterated.group(0).startswith(r) for r in RELATIONS) \
            and not set(transliterated.group(0)) & (_FUNCTION_CHARS | _NEVER_FIRST | set("叫姓名")):
        return start, transliterated.end()
    if not re.match(_NAME_CHARS, rest[:1]) or rest[:1] in _NEVER_FIRST or any(rest.startswith(w) for w in _STOP if len(w) >= 2):
        return None
    surname = surname_len(rest)
    if not surname:
        if need_surname:
            return None
        surname = 1
    end = start + surname
    given = 0
    while given < 2 and end < len(text) and re.match(_NAME_CHARS, text[end]):
        # (孙福来 at the end of what was said keeps its 来: a name's last character
        # can be one that elsewhere starts the next word)
        last = end + 1 == len(text) or text[end + 1] in _CLAUSE_END
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
    if not nxt or not re.match(_NAME_CHARS, nxt):
        return text[pos] not in "的了吗呢吧啊呀和跟与是在我你他她"
    return not text[pos + 1:].startswith(_STOP) and text[pos] not in "的了吗呢吧啊呀和跟与是我你他她"


_PATTERNS: list[tuple[str, re.Pattern]] = [
    # 我是他闺女林小红 / 我是老人的女儿，叫林小红 / 我是孩子妈妈刘敏
    ("helper", re.compile(rf"我(?:就)?是{_POSSESSOR}(?P<rel>{_REL})(?:[，,\s]*(?:我)?{_CALLED})?[，,\s]*(?P<n>)")),
    # 我老伴叫周玉芬 / 孙子叫陈浩然 / 我妈的名字是王秀英 / 老人叫李桂兰
    ("served", re.compile(rf"(?<!我是)(?<!是){_POSSESSOR}(?P<rel>{_REL})[\s，,]*{_CALLED}[\s，,:：]*(?P<n>)")),
    # 是我老伴 叫黎明华 / 是我外婆，她叫…
    ("served", re.compile(rf"是(?:我|俺|咱)们?家?的?(?P<rel>{_REL})[\s，,]*(?:她|他)?(?:叫做?|名叫|名字叫|名字是)[\s:：]*(?P<n>)")),
    # 是我外婆，名字叫钱桂香 / 我外婆，她叫钱桂香 / 给我妈办，她名字是王秀英
    ("served", re.compile(rf"(?<!我)(?:是|给|帮|替|为)?{_POSSESSOR}(?P<rel>{_REL})[^。？?！!]{{0,8}}?[，,\s]"
                          rf"(?:她|他|老人|名字|姓名)的?(?:名字|姓名)?{_CALLED}[\s:：]*(?P<n>)")),
    # 登记我爸名字吧 叫马德福 / 给我妈报，就叫王秀英
    ("served", re.compile(rf"(?<!我)(?:是|给|帮|替|为)?{_POSSESSOR}(?P<rel>{_REL})[^。？?！!]{{0,20}}?[，,\s]"
                          rf"(?:他|她)?(?:就)?(?:叫做?|名叫)[\s:：]*(?P<n>)")),
    # 帮我爸何建军申请 / 给我外婆钱桂香办 / 我妈王秀英今年85 / 他妹妹陈雨桐也报一个
    ("served", re.compile(rf"(?:帮|给|替|为|带|陪|我|俺|咱|还有|另外|以及|和|他|她|^|(?<=[\s，,。]))(?:我|俺|咱)?们?家?的?(?P<rel>{_REL})[\s，,]?(?P<n>)")),
    # 他叫 / 她叫 / 老人姓名是
    ("served", re.compile(r"(?<![我你])(?:他|她)(?:的)?(?:名字|姓名)?(?:叫做?|是)[\s:：]*(?P<n>)")),
    # 我叫张秀英 / 我是王建国 / 本人张秀英 / 我的名字是
    ("self", re.compile(r"(?:(?:我|俺)姓\S[，,\s]?(?:叫|名叫|全名叫?)|我叫|我是|我名字叫|我的名字(?:叫|是)|我姓名是|本人(?:叫|是)?|俺叫|俺是|"
                        r"(?:我|俺)的?(?:大名|全名|本名|真名|学名)(?:叫|是)?|(?:^|(?<=[\s，,。]))(?:额|阿拉|偶|我们)叫)[\s:：]*(?P<n>)")),
    # 我是领队，叫潘玉珍 / 我是楼长 我叫…: the speaker's role, then their name
    ("self", re.compile(r"我是[\u4e00-\u9fff]{1,5}[，,\s]+(?:我)?(?:叫|名叫|名字叫)[\s:：]*(?P<n>)")),
    # 登记名字就写王淑芬 / 名字填李强 / 就写张秀英: the name to put on the form
    # (名字 must be said: 你就写梅花碑小区2幢 is an address to put down)
    ("named", re.compile(r"(?:名字|姓名)[^，,。\s]{0,2}?(?:写|填|记)(?:成|上|的是|为)?[\s:：]*(?P<n>)(?!名字|姓名|我)")),
    # 我姓冯 两点水一个马 冯德山: the surname, how it is written, then the whole name
    ("self", re.compile(r"(?:我|俺)姓(?P<sur>[\u4e00-\u9fff])[^\d]{1,10}?(?P<n>)(?P=sur)")),
    # 家长李娜 / 监护人：王敏 / 联系人是刘强: the adult acting for the person served
    ("helper", re.compile(r"(?:家长|监护人|联系人|经办人|代办人)(?:的)?(?:姓名|名字)?(?:是|叫)?(?!我)[\s:：]*(?P<n>)")),
    # 家长是我，何静 / 联系人是我 王敏
    ("self", re.compile(r"(?:是我|就是我|我本人)[，,\s]*(?:叫|名叫|名字叫)?[\s:：]*(?P<n>)")),
    # 姓名是 / 名字叫 / 姓名：
    ("named", re.compile(r"(?<![他她我])(?:姓名|名字|全名|大名)\s*(?:叫做?|是|为|[:：])?[\s:：，,]*(?P<n>)")),
]


# 钱桂香是我外婆 / 周玉芬是俺老伴: the name comes first.
_NAME_THEN_RELATION = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<n>{_NAME_CHARS}{{2,4}}?)是(?:我|俺|咱)们?家?的?(?P<rel>{_REL})")
_ROLE_WORDS = ("申请人", "认证人", "被认证人", "服务对象", "预约人", "报名人", "参加人", "当事人")


def _candidates(text: str):
    for role, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            yield role, m.start("n"), m.groupdict().get("rel"), role != "named"
    for m in _NAME_THEN_RELATION.finditer(text):
        yield "served", m.start("n"), m.group("rel"), True


# Cantonese words the frames read in their Mandarin form, one character for one so every
# position holds: 佢 (he/she) → 他, 系 after a pronoun (我系佢女婿) → 是.
_CANTONESE = ((re.compile(r"佢"), "他"), (re.compile(r"(?<=[我你他她佢])系"), "是"))


def _as_mandarin(text: str) -> str:
    for pattern, word in _CANTONESE:
        text = pattern.sub(word, text)
    return text


# One character of a name explained the way people say it on the phone: its parts (木子李,
# 口天吴, 草头黄, 三点水的江), a description (三横一竖那个王) or a word that holds it (马路的马,
# 淑女的淑, 芬芳嘅芬), perhaps led by the character itself (丁是甲乙丙丁的丁).
_COMPOUND = "|".join(sorted(COMPOUND_SURNAMES, key=len, reverse=True))
_EXPLAINED = re.compile(
    r"(?:(?P<lead>[\u4e00-\u9fff])是)?(?:"
    # 欧阳复姓 / 复姓司马 / 欧阳是复姓: the surname is two characters
    rf"(?P<cs>{_COMPOUND})是?复姓|复姓(?P<cs2>{_COMPOUND})"
    rf"|(?P<parts>{'|'.join(SPELLED_OUT)})"
    r"|(?:草字头|草头|三点水|单人旁|双人旁|提手旁|女字旁|金字旁|木字旁|王字旁|绞丝旁|竖心旁|耳朵旁|言字旁|"
    r"火字旁|日字旁|月字旁|石字旁|足字旁|车字旁|口字旁|土字旁|宝盖头|竹字头|雨字头|走之旁|反犬旁|"
    r"[\u4e00-\u9fff]字[旁头底])的?(?P<r>[\u4e00-\u9fff])"
    r"|[\u4e00-\u9fff]{1,6}?那个(?P<d>[\u4e00-\u9fff])"
    r"|(?P<w>[\u4e00-\u9fff]{1,4}?)[的嘅](?P<c>[\u4e00-\u9fff])"
    # 于是干钩于, 刘是文刀刘: the character, then how it is written, ending with it again
    r"|[\u4e00-\u9fff]{1,4}?(?P<again>(?P=lead)))")
_CLAUSE_END = set(" \t\n，。,.！!？?、;；")


def _explained_char(m: re.Match) -> str | None:
    if m.group("cs") or m.group("cs2"):
        return m.group("cs") or m.group("cs2")
    parts = m.group("parts") or ""
    char = m.group("c") or ("冯" if parts.startswith("两点水") else parts[-1:]) or m.group("r") \
        or m.group("d") or m.group("again")
    word = m.group("w")
    if word is not None and char not in (word[0], word[-1]) and not (len(word) == 4 and char in word):
        return None  # 马路的马, 大海的海, or an idiom that holds it: 一帆风顺的帆
    if m.group("lead") and m.group("lead") != char:
        return None
    return char


def _explanation_chain(text: str, start: int) -> tuple[int, str] | None:
    """(end, characters explained) when explanations run from ``start`` to a clause end,
    pauses between them or not (淑女的淑芬芳的芬, 木子李 淑女的淑)."""
    pos, chars = start, ""
    while True:
        m = _EXPLAINED.match(text, pos)
        char = m and _explained_char(m)
        if not char:
            break
        chars += char
        pos = m.end()
        following = pos
        while following < len(text) and text[following] in " ，,、":
            following += 1
        m = _EXPLAINED.match(text, following)
        if following == pos or not (m and _explained_char(m)):
            if following != pos:
                break
            continue
        pos = following
    if not chars or (pos < len(text) and text[pos] not in _CLAUSE_END):
        return None
    return pos, chars


def chars_in_order(chars: str, text: str) -> bool:
    """Every character of ``chars`` appears in ``text``, in that order (淑芬 in 李淑芬,
    茶话 in 敬老茶话会)."""
    at = 0
    for ch in chars:
        at = text.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def spelled_names(text: str) -> list[tuple[int, int, int]]:
    """(name start, name end, explanation end) for each name followed by how it is written
    (李淑芬木子李淑女的淑芬芳的芬, 马福来马路的马福气的福来去的来), pauses or not."""
    found: list[tuple[int, int, int]] = []
    start = 2
    while start < len(text):
        chain = _explanation_chain(text, start) if text[start] not in _CLAUSE_END else None
        name_end = start
        while name_end > 0 and text[name_end - 1] in " ，,":
            name_end -= 1
        for size in (3, 2, 4) if chain else ():
            name = text[max(0, name_end - size):name_end]
            if len(name) == size and surname_len(name) and chars_in_order(chain[1], name) \
                    and (size < 4 or surname_len(name) == 2):
                found.append((name_end - size, name_end, chain[0]))
                start = chain[0]
                break
        start += 1
    return found


def mask_spelling(text: str) -> str:
    """``text`` with each name's spelling-out blanked, positions unchanged."""
    for _, name_end, end in spelled_names(text):
        text = text[:name_end] + "，" * (end - name_end) + text[end:]
    return text


def find_person_names(text: str) -> list[NameMatch]:
    """Every name in ``text`` with its role, in order of position, one per span."""
    found: dict[int, NameMatch] = {}
    spelled = {start: (start, end) for start, end, _ in spelled_names(text)}
    text = mask_spelling(text)
    for role, start, rel, need_surname in _candidates(_as_mandarin(text)):
        span = spelled.get(start) or read_name(text, start, need_surname=need_surname)
        if span is None:
            continue
        match = NameMatch(span[0], span[1], text[span[0]:span[1]], role, rel)
        held = found.get(span[0])
        if held is None or (_ROLE_RANK[role] < _ROLE_RANK[held.role] and held.role != "helper"):
            found[span[0]] = match
    if not found:
        listed = listed_name(text)
        return [listed] if listed else []
    return _without_overlaps(sorted(found.values(), key=lambda n: n.start))


_LIST_SEP = re.compile(r"[\s，,、；;/]+")
_TIME_WORD = re.compile(r"^[今明后昨前大]|[天日号点周月年午晚早]$|星期|礼拜|[市县省州口镇乡区村]$")
_VALUE_SEGMENT = re.compile(r"\d{7,}|[零〇一二三四五六七八九幺]{7,}")


_NOT_NAME_TAGS = set("vdfpcuye")


def _reads_as_name(word: str) -> bool:
    """Jieba's tagger does not read ``word`` as ordinary words: 应该系 (应该 + 系), 楼里,
    居住正 and 高血压 are no names, 刘洋 and 杜建军 may be."""
    import jieba.posseg

    tokens = list(jieba.posseg.cut(word))
    if any(t.flag[:1] in _NOT_NAME_TAGS for t in tokens):
        return False
    return len(tokens[0].word) == 1 or tokens[0].flag.startswith("nr")


def listed_name(text: str) -> NameMatch | None:
    """A name given bare among other values in one typed line (约律师 劳动仲裁的事
    下周二下午2点 刘洋 15921234567): one segment is exactly a full name and another holds
    a phone or ID number."""
    from nlu.rules.gazetteer import lookup
    from nlu.rules.vocab import GAZETTEERS

    from nlu.rules.service_names import service_spans

    segments = [(m.start(), m.end()) for m in re.finditer(r"[^\s，,、；;/]+", text)]
    if len(segments) < 3 or not any(_VALUE_SEGMENT.search(text[a:b]) for a, b in segments):
        return None
    names = []
    for a, b in segments:
        seg = text[a:b]
        span = read_name(seg, 0) if _BARE.match(seg) and 2 <= len(seg) <= 4 else None
        if span and span[1] == len(seg) and not any(r in seg for r in RELATIONS) \
                and not any(lookup(seg, entity) for entity in GAZETTEERS) and not service_spans(seg) \
                and not _TIME_WORD.search(seg) and _reads_as_name(seg):
            names.append(NameMatch(a, b, seg, "named"))
    return names[0] if len(names) == 1 else None


def _without_overlaps(names: list[NameMatch]) -> list[NameMatch]:
    kept: list[NameMatch] = []
    for name in names:
        if kept and name.start < kept[-1].end:
            continue
        kept.append(name)
    return kept


def best_name(names: list[NameMatch], prefer: tuple[str, ...] = ("served", "named", "self")) -> NameMatch | None:
    """The name a form wants: by role preference, then the first said."""
    for role in prefer:
        for name in names:
            if name.role == role:
                return name
    return None


_FILLER = re.compile(r"^(?:嗯|呃|那个|就是|这个|喂|哦|噢|啊)+|(?:吧|啊|呀|呢|的|哈|嘛|哦)+$")
_BARE = re.compile(rf"^{_NAME_CHARS}{{2,5}}$")


# How people spell a name out: 口天吴, 耳东陈, 弓长张, 立早章, 木子李, 周总理的周, 三横一竖那个王.
_SPELLING = re.compile(rf"(?:[\u4e00-\u9fff]{{1,6}}[的嘅][\u4e00-\u9fff]|{'|'.join(COMMON_SPELLINGS)}|"
                       r"[\u4e00-\u9fff]{2,6}那个[\u4e00-\u9fff]|草头[\u4e00-\u9fff]|三点水[\u4e00-\u9fff]*)$")


_TRANSLITERATED = re.compile(r"[\u4e00-\u9fff]{1,8}(?:[·•・.．][\u4e00-\u9fff]{1,8})+")


def bare_name(text: str) -> str | None:
    """A name given alone in answer to 请问叫什么名字 (张秀英, 叫欧阳娜娜吧), perhaps spelled
    out after it (吴根宝 口天吴 根本的根 宝贝的宝)."""
    # 阿依古丽·买买提: a Uyghur name, given name then father's
    said = re.sub(r"^(?:我叫|我是|叫|是|姓名是|名字是|就叫)\s*", "", _FILLER.sub("", text.strip()).strip())
    transliterated = _TRANSLITERATED.match(said)
    if transliterated and not re.search(r"[\u4e00-\u9fff]", said[transliterated.end():]):
        return transliterated.group(0)
    spelled = spelled_names(text)
    if len(spelled) == 1 and not _FILLER.sub("", re.sub(r"^(?:我叫|叫|是|姓名是|名字是|就叫)", "",
                                                         text[:spelled[0][0]].strip(" ，,"))):
        return text[spelled[0][0]:spelled[0][1]]
    text = re.sub(r"[（(][^）)]*[）)]", "，", mask_spelling(text))  # 陈浩（孩子爸爸）
    segments = [seg for seg in re.split(r"[\s，。,.！!？?、;；]+", text) if seg]
    if len(segments) > 1 and all(_SPELLING.search(seg) for seg in segments[1:]):
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
