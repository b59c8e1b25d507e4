"""Pure checks for the values only one or two services ask for.

Same shape as `values.py`: each returns a `Check` with the normalised value,
or a reason with an example to re-ask with. No Rasa, no I/O.
"""
from __future__ import annotations

import re
from datetime import date

from actions.forms.values import Check
from nlu.rules.cantonese import chars_as_mandarin
from nlu.rules.digits import chinese_numeral_to_int, fullwidth_to_ascii
from nlu.rules.gazetteer import lookup
from nlu.rules.id_number import birth_date
from nlu.rules.vocab import GENERIC_PHRASES

ALLOWANCE_MIN_AGE = 80
MAX_PARTICIPANTS = 5

_NUM = r"[0-9０-９一二两三四五六七八九十]+|[俩仨]"
# 俩 and 仨 are two and three said as one word (俩人, 我们仨)
_FUSED_COUNTS = {"俩": 2, "仨": 3}


_SMALL_COUNTS = "一两三四五六七八九"


def _number(token: str) -> int | None:
    token = fullwidth_to_ascii(token)
    if token in _FUSED_COUNTS:
        return _FUSED_COUNTS[token]
    # 两三个 / 七八个: about that many, the larger said (never 23 or 78)
    if len(token) == 2 and all(ch in _SMALL_COUNTS for ch in token) \
            and _SMALL_COUNTS.index(token[1]) == _SMALL_COUNTS.index(token[0]) + 1:
        return _SMALL_COUNTS.index(token[1]) + 1
    return int(token) if token.isdigit() else chinese_numeral_to_int(token)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_allowance_age(id_number: str, today: date) -> Check:
    """高龄津贴: 80 or older on the day of application, from the ID's birth date."""
    born = birth_date(id_number)
    if born is None:
        return Check(reason="身份证号里的出生日期不对，请再核对一下。")
    age = age_on(born, today)
    if age >= ALLOWANCE_MIN_AGE:
        return Check(id_number, extra={"applicant_age": age})
    try:
        eligible = born.replace(year=born.year + ALLOWANCE_MIN_AGE)
    except ValueError:  # born on 29 February
        eligible = date(born.year + ALLOWANCE_MIN_AGE, 3, 1)
    return Check(reason=(
        f"高龄津贴是给年满{ALLOWANCE_MIN_AGE}周岁的老人的。按身份证上的出生日期，老人现在{age}岁，"
        f"要到{eligible.year}年{eligible.month}月{eligible.day}日满{ALLOWANCE_MIN_AGE}周岁，"
        f"到时候再来申请就可以。这次先不提交。"),
        extra={"applicant_age": age})


_GRADE = re.compile(rf"({_NUM})\s*年[级纪]|^\s*({_NUM})\s*$")  # 四年纪: a common slip
_NOT_PRIMARY = re.compile(r"初[一二三]|初中|高中|高[一二三]|幼儿园|大班|中班|小班")


def check_grade(text: str) -> Check:
    """四点半课堂 is for primary pupils: grade 1 to 6."""
    plain = fullwidth_to_ascii(text)
    grades = [(m.start(), _number(m.group(1) or m.group(2))) for m in _GRADE.finditer(plain)]
    said = [g for _, g in grades]
    # 七年级是他哥，天乐是四年级 / 初一是他姐，他是二年级: of several grades, the primary one
    # said last is the child's
    primary = [(at, g) for at, g in grades if g and 1 <= g <= 6]
    other = [m.start() for m in _NOT_PRIMARY.finditer(plain)] + [at for at, g in grades if g and not 1 <= g <= 6]
    if primary and other and min(other) < primary[-1][0]:
        return Check(primary[-1][1])
    if _NOT_PRIMARY.search(text):
        return Check(reason="四点半课堂只面向小学1到6年级的孩子。请说孩子上几年级，例如“三年级”。")
    grade = said[0] if said else None
    if grade is None:
        return Check(reason="没听清孩子上几年级。请说例如“三年级”。")
    if not 1 <= grade <= 6:
        return Check(reason="四点半课堂只面向小学1到6年级的孩子。请说孩子上几年级，例如“三年级”。")
    return Check(grade)


def find_grade(text: str) -> int | None:
    match = re.search(rf"({_NUM})\s*年[级纪]", fullwidth_to_ascii(text))
    grade = _number(match.group(1)) if match else None
    return grade if grade and 1 <= grade <= 6 else None


_PEOPLE = re.compile(rf"({_NUM})\s*(?:个人|口人|人|位|名)")
# 三个 said alone counts people, but 报一个 / 约一个 is the sign-up itself
_PEOPLE_BARE = re.compile(rf"(?<![报约办弄登记])({_NUM})\s*个")
_PRONOUN_COUNT = re.compile(r"(?:他|她|我|咱|俺|你)们?([俩仨])")  # 帮他们俩报上, 我们仨
_SIGNED_UP = re.compile(rf"({_NUM})\s*个")
_ALONE = re.compile(r"就?我一?个人|就我自己|我自己|只有我|本人|(?:我|俺)?自(?:个儿?|各儿?|己个儿)|就我(?:一个)?$|就俺(?:一个)?|俺一个")
_COUPLE = re.compile(r"我和(?:老伴|爱人|老婆|老公|我妈|我爸|孩子|女儿|儿子|孙子|孙女|外孙|外孙女|闺女|媳妇|对象)|"
                     r"我们俩|我俩|两口子|老两口|夫妻|我们两个|咱俩|俺俩")


_KINDS_OF_PEOPLE = re.compile(rf"({_NUM})\s*(?:个|位|名)?(?:大人|小孩|孩子|儿童|成人|家长|老人|学生)")
# 我和我爸妈 / 我跟老公 / 带着孙子孙女: the speaker and each relative named.
_WITH = re.compile(r"(?:我|俺)(?:和|跟|带着?|同)|(?:和|跟|带着?)(?:我|俺)一起")
_PAIRS = re.compile(r"爸妈|父母|爷爷奶奶|外公外婆|姥姥姥爷|公公婆婆|岳父岳母|公婆|老两口")
_FOR = re.compile(rf"(?:给|帮|替)(?:我|俺)?家?(?={_PAIRS.pattern})")  # 给我爷爷奶奶报: a pair, not the speaker
_ONE_RELATIVE = re.compile(r"老伴|爱人|老婆|老公|媳妇|丈夫|妻子|对象|爸|妈|父亲|母亲|爷爷|奶奶|外公|外婆|姥姥|"
                           r"姥爷|孙子|孙女|外孙女?|儿子|女儿|闺女|孩子|哥|姐|弟|妹|朋友|邻居|同事")


def _relatives_named(text: str) -> int:
    pairs = len(_PAIRS.findall(text))
    singles = len(_ONE_RELATIVE.findall(_PAIRS.sub("", text)))
    return 2 * pairs + singles


def find_participants(text: str) -> int | None:
    kinds = _KINDS_OF_PEOPLE.findall(text)
    if kinds:  # 两个大人一个小孩
        return sum(_number(n) or 0 for n in kinds) or None
    match = _PEOPLE.search(text) or _PEOPLE_BARE.search(text) or _PRONOUN_COUNT.search(text)
    if match:
        return _number(match.group(1))
    together = _WITH.search(text)
    if together:
        named = _relatives_named(text[together.start():])
        if named:
            return 1 + named
    for_them = _FOR.search(text)  # 给我爷爷奶奶报: the relatives named, the speaker not going
    if for_them:
        named = _relatives_named(text[for_them.end():])
        if named:
            return named
    if _COUPLE.search(text):
        return 2
    if _ALONE.search(text):
        return 1
    signed_up = _SIGNED_UP.search(text)  # 就报一个, said when asked how many
    return _number(signed_up.group(1)) if signed_up else None


def check_participants(text: str, remaining: int | None = None) -> Check:
    count = find_participants(text)
    if count is None:
        bare = re.fullmatch(rf"\s*({_NUM})\s*", text)
        count = _number(bare.group(1)) if bare else None
    if count is None:
        return Check(reason="没听清几个人参加。请说人数，例如“2个人”。")
    if not 1 <= count <= MAX_PARTICIPANTS:
        return Check(reason=f"每次报名可以报1到{MAX_PARTICIPANTS}个人。请说参加的人数。")
    if remaining is not None and count > remaining:
        return Check(reason=f"这个活动只剩{remaining}个名额了，最多能报{remaining}个人。请说参加的人数。")
    return Check(count)


_ALONE_HOME = re.compile(r"就?我一个(?:人|老头子?|老太太?)?|一个人(?:住|过)|独居|自己一个人|就我自己")
_TWO_HOME = re.compile(r"老两口|两口子|我们俩|我俩|就我们两个|夫妻俩")


def check_household_size(text: str) -> Check:
    if _TWO_HOME.search(text):
        return Check(2)
    if _ALONE_HOME.search(text) and not re.search(r"[0-9两三四五六七八九十]\s*口", text):
        return Check(1)
    match = re.search(rf"({_NUM})\s*(?:口人|口|个人|人)", fullwidth_to_ascii(text)) or re.search(
        # 就我跟孙子两个 / 我们娘儿仨: a count said after who lives there
        rf"(?:跟|和|带着?|同|加上?|还有)[^，,。.\d]{{1,6}}?({_NUM})\s*个?(?=$|[，,。.！!\s吧啊呀])", text)
    bare = re.fullmatch(rf"\s*({_NUM})\s*个?\s*", fullwidth_to_ascii(text))
    found = match or bare
    size = _number(found.group(1)) if found else None
    if size is None or not 1 <= size <= 20:
        return Check(reason="没听清家里几口人。请说例如“3口人”。")
    return Check(size)


# What went wrong, said as a grievance (态度还很差, 排了一个多小时, 没人来修): a complaint.
_COMPLAINT = re.compile(r"投诉|举报|不满|太差|态度[^，。,.]{0,3}差|[很太真特别]差|差劲|扰民|不管|没人(?:管|来|理|修)|"
                        r"乱收费|告|差评|气死|反映问题|太吵|吵得|噪音|占用|占了|乱停|乱堆|堆满|推诿|刁难|不理人|"
                        r"爱答不理|排了?[^，。,.]{0,4}(?:小时|半天)|等了[^，。,.]{0,4}(?:小时|半天|好久)|拖了|一直没|"
                        r"好几天了?都没|臭|脏|乱扔|不文明|派人[^，。,.]{0,2}管|管管|管一?下|嘈|吵|"
                        # something wrong that someone does or leaves: 遛狗不拴绳, 狗屎也不捡, 吓哭
                        r"不拴|不捡|不清理|不打扫|不处理|不修|不退|不给|吓[哭坏着]|受不了|烦死|没法(?:睡|住|过)|"
                        r"坏了?[^，。,.]{0,3}(?:好几|一|半|几)个?[天周月礼拜星期]|太脏|太乱|危险")
_SUGGESTION = re.compile(r"建议|希望|能不能|可不可以|最好|提个意见|提意见|意见|增加|多开|改进")


_SAYS_COMPLAINT = re.compile(r"投诉|举报|差评")
_SAYS_SUGGESTION = re.compile(r"建议|提个?意见|出个主意")


def find_kind(text: str) -> str | None:
    """投诉 / 建议 when said; otherwise a grievance is a complaint and a wish a suggestion."""
    # 也不算投诉 / 唔系投诉 / 唔系提下意见咁简单: what it is not
    text = re.sub(r"(?:不算|不是|不要|不用|别|不想|唔系|唔算|唔使)[^，。,.]{0,3}?(?:投诉|建议|意见)", "", text)
    complaint, suggestion = _SAYS_COMPLAINT.search(text), _SAYS_SUGGESTION.search(text)
    if complaint or suggestion:
        return "complaint" if complaint and (not suggestion or complaint.start() < suggestion.start()) \
            else "suggestion"
    if _COMPLAINT.search(text):
        return "complaint"
    if _SUGGESTION.search(text):
        return "suggestion"
    if re.search(r"反映|反应一下", text):
        return "complaint"  # 我要反映个事儿 + what is wrong, with no wish in it
    return None


def check_kind(text: str) -> Check:
    if re.fullmatch(r"\s*(?:1|一|第一个)\s*", text):
        return Check("complaint")
    if re.fullmatch(r"\s*(?:2|二|第二个)\s*", text):
        return Check("suggestion")
    kind = find_kind(text)
    if kind:
        return Check(kind)
    return Check(reason="请说一下是哪一种：1. 投诉 2. 建议。")


_PERIOD = r"(?:每个?|一个?|每一?|每?(?P<every>[两三四234])个?)\s*(?P<unit>周|星期|礼拜|拜|天|日|月)"
_TIMES = rf"(?P<n>{_NUM})\s*(?:次|回|趟|遍)"
_COUNT = re.compile(rf"{_PERIOD}[^\d一二两三四五六七八九十，,。]{{0,4}}?{_TIMES}")
_WEEKDAYS = re.compile(r"(?:每个?|逢)?(?:周|星期|礼拜)(?P<days>[一二三四五六日天](?:[、，,和跟及]?[一二三四五六日天]){1,6})(?![次回趟遍])")
_ONE_WEEKDAY = re.compile(r"(?:每个?|逢)(?:周|星期|礼拜)(?P<days>[一二三四五六日天])(?![次回趟遍])")
_UNIT = {"周": "周", "星期": "周", "礼拜": "周", "拜": "周", "天": "天", "日": "天", "月": "月"}
_DAILY = re.compile(r"每天|天天|每日|一天一次")
_EVERY_OTHER = re.compile(r"隔天|隔一天|两天一次")
_ONCE = re.compile(r"就这一次|只要?这?一次|就一次|一次就行|一次就够|不用经常|只来一次|就这一回|临时一次")


def find_frequency(text: str) -> str | None:
    """How often, in a short normal form: 每周3次, 每周一三五, 每天, 隔天, 仅一次.

    一个礼拜送三回 → 每周3次; 每周一三五送 → 每周一三五; 每礼拜来两趟 → 每周2次.
    """
    text = fullwidth_to_ascii(text)
    # 每个礼拜二和礼拜五 → 每个礼拜二和五
    text = re.sub(r"(?<=[一二三四五六日天])\s*([、，,和跟及]|还有)\s*(?:周|星期|礼拜)(?=[一二三四五六日天])", r"\1", text)
    days = _WEEKDAYS.search(text) or _ONE_WEEKDAY.search(text)
    if days:
        listed = re.sub(r"[、，,和跟及]", "", days.group("days")).replace("天", "日")
        return f"每周{listed}"
    count = _COUNT.search(text)
    if count:
        n = _number(count.group("n"))
        every = _number(count.group("every")) if count.group("every") else None
        if n and every:  # 两个礼拜一次 → 每2周1次
            return f"每{every}{_UNIT[count.group('unit')]}{n}次"
        if n:
            return f"每{_UNIT[count.group('unit')]}{n}次"
    if _DAILY.search(text):
        return "每天"
    if _EVERY_OTHER.search(text):
        return "隔天"
    if _ONCE.search(text):
        return "仅一次"
    return None


# 一三五送就行 answering "多久一次": weekdays by number with no 周 before them, in order.
_BARE_WEEKDAYS = re.compile(r"(?:^|(?<=[，,\s]))(?P<days>[一二三四五六](?:[、，,]?[一二三四五六]){1,4})"
                            r"(?=送|来|做|去|洗|打扫|都|就|吧|的|$|[，,。\s])")


def _bare_weekdays(text: str) -> str | None:
    m = _BARE_WEEKDAYS.search(text)
    days = re.sub(r"[、，,]", "", m.group("days")) if m else ""
    order = "一二三四五六"
    if len(days) >= 2 and all(order.index(a) < order.index(b) for a, b in zip(days, days[1:])):
        return f"每周{days}"
    return None


# 随便 / 你们看着办 to how often: staff settle it with the resident
_UP_TO_YOU = re.compile(r"随便|看着办|都行|都可以|无所谓|你们定|听你们的|不一定|说不准|再说")


def check_frequency(text: str) -> Check:
    found = find_frequency(text) or _bare_weekdays(fullwidth_to_ascii(text).strip())
    if not found and _UP_TO_YOU.search(text):
        return Check("待定（工作人员联系商定）")
    if found:
        return Check(found)
    return Check(reason="没听清多久一次。请说例如“每周3次”“每周一三五”，只要这一次就说“就一次”。")


def check_free_text(text: str, what: str, example: str, min_chars: int = 4) -> Check:
    """A topic, a complaint's content, a situation: said in the resident's words."""
    cleaned = re.sub(r"\s+", " ", text).strip(" ，,。")
    if len(re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", cleaned)) < min_chars:
        return Check(reason=f"请再具体说说{what}，例如“{example}”。")
    return Check(cleaned[:500])


# -- repairs ------------------------------------------------------------------

# Places shared by the building or estate: a generic symptom there (楼道的灯坏了,
# 小区里的路面坏了) is the property's public facility, not a trade inside a flat.
_COMMON_AREA = re.compile(r"楼道|楼梯间?|走廊|单元门|大门|小区里|小区的|院子里|车棚|地下室|地库|天台|公共")


def repair_category_of(text: str) -> str:
    match = lookup(text, "repair_category")
    if match is None:
        return "other"
    if chars_as_mandarin(match.text) in GENERIC_PHRASES and _COMMON_AREA.search(text):
        return "public_facility"
    return match.value
