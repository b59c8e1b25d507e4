"""Find a residential address the way residents say it, in the forms used across
Chinese cities.

阳光小区三号楼二单元五零二 → building "3", unit "2", room "502", with the text kept as
said. The address is read as a chain of parts, each optional: district or street
(朝阳区, 光明街道), road with its number and lane (长乐路120弄, 建设路88号院), estate name
(和平新村, 金色家园, 阳光苑, 幸福里), phase and zone (二期, B区), building (7号楼, 3栋, 5幢,
A座, 7号), unit (2单元, 东单元, 2门), floor (3楼, 四层), room (502, 301室, 东户) and a common
area (楼道, 东门, 停车场), since many repairs are outside the flat. An estate said alone
(我住和平新村) is an address too.

Numbers may be ASCII, full-width, Chinese numerals (十二) or read digit by digit (五零二).
A number never runs into neighbouring digits, so a phone or ID number in the same
message cannot turn into a room.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.digits import chinese_numeral_to_int, fullwidth_to_ascii, spoken_run_to_digits
from nlu.rules.ordinary_words import NOT_IN_AN_ESTATE_NAME, any_tagged, names_a_known_value, tagged_words


@dataclass(frozen=True)
class AddressMatch:
    start: int
    end: int
    text: str
    building: str | None
    unit: str | None
    room: str | None
    # (kind, start, end) of each part read, in order: district, road, estate, building, ...
    parts: tuple[tuple[str, int, int], ...] = ()



CN_DIGITS = "零〇一二两三四五六七八九十百千幺洞"
_NUM = rf"(?<![\d{CN_DIGITS}])(?:\d{{1,4}}|[{CN_DIGITS}]{{1,6}})(?![\d{CN_DIGITS}])"
_LETTER = r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])"
_AREA = (r"楼道|楼梯间?|电梯间?|电梯|单元门|楼门|门口|楼下|楼顶|顶楼|天台|地下室|地下车库|车库|大厅"
         r"|[东南西北正后侧大]门口?|停车场|车棚|广场|健身区|垃圾站|花园|绿化带|走廊")
_AGAIN = re.compile(r"(?:[\s,，]|嗯|啊|哦|那个)*(?:不对|不是|就是|应该是|是)?(?:[\s,，]|嗯|啊)*")
# Between parts: a pause, 的, or a filler a recogniser writes down (3座 嗯 1205, 3座 我住1205).
_SEP = r"(?:[\s的,，]|嗯|呃|啊|那个|我住在?|我家){0,4}"

# Named parts: a name (read backwards from the suffix) and the suffix.
_DISTRICT_SUFFIX = r"街道|镇|乡|新区|(?<![小社园校片厂])区(?!域)"
_ROAD_SUFFIX = r"大道|大街|路|街|胡同|巷|道(?!路)|(?<=[一二三四五六七八九十头])条"
_ESTATE_SUFFIX = (r"小区|花园|花苑|家园|新村|新邨|新苑|公寓|大厦|社区|大院|名苑|嘉园|雅苑|公馆|华庭|山庄|"
                  r"家属院|家属区|家属楼|宿舍楼|宿舍区|职工楼|"
                  r"佳苑|广场|苑|里|庄|村|屯|邨|城|府|湾|庭|园|坊|宿舍")
# Where a name stops when reading backwards: punctuation, pronouns, the verbs
# that come before an address (我住在, 到, 去), and digits of an earlier part.
# (订 报 约 办 替 and the kinship words too: 给我爸订社区助餐 names no estate 爸订社区)
_NAME_STOP = set("，。、,.!?！？：:；;我你他她您这那哪在住是去到来的了给把从往于就写填叫说想让要请帮辣"
                 "订报约办替爸妈还们 \t\n0123456789")
# A place said relative to the flat (楼下小花园, 门口那个花园) names no estate.
_RELATIVE_PLACE = re.compile(r"楼下|楼上|门口|对面|旁边|后面|前面|隔壁|附近|^小区")
_LEAD_BEFORE = re.compile(r"(?:家住|家里|家在|我家|俺家|咱家|住|地址|位置|位于|就在)$")
_LEAD_FILLER = re.compile(r"^(?:家住|家里|家|住|地址|位置|位于|就在|在)+")
_HOLDS_A_PLACE = re.compile(r"(?:区|县|镇|路|大街|大道|胡同)[\u4e00-\u9fff]+$")
_NOT_PLACE_NAMES = re.compile(r"^(?:小|这|那|哪|附近|旁边|对面|我们|咱们|俺们|隔壁|本|该|各|每|一个|整个|个|哪个|啥)$")

_NUMBERED = {
    "road_no": rf"[甲乙丙丁]?(?P<v>{_NUM})\s*号(?:大院|院)?(?![楼栋房])",
    # 大院3排5号, 平房区2排: a row of single-storey houses
    "row": rf"(?P<v>{_NUM})\s*排(?!水|风|队|班|骨)",
    # 红星路三段16号: a long road's section
    "section": rf"(?P<v>{_NUM})\s*段",
    # 中兴路66号附2号 (Chongqing, Chengdu): a building numbered from the house number
    "annex": rf"附\s*(?P<v>{_NUM})\s*号?",
    "lane": rf"(?P<v>{_NUM})\s*(?:支弄|弄|巷)",
    "phase": rf"(?P<v>{_NUM}|{_LETTER})\s*期",
    "zone": rf"(?P<v>{_NUM}|{_LETTER}|[东南西北中])\s*区(?!域)",
    # a village's group (西山村三组二十六号, 八里村五组)
    "group": rf"(?P<v>{_NUM})\s*(?:村民小组|村民组|组|队|屯)(?![织长员])",
    "building": rf"(?P<v>{_NUM}|{_LETTER})\s*(?P<s>号楼|号栋|栋楼?|幢楼?|座楼?|号(?![院房]))",
    "unit": rf"(?:(?P<v>{_NUM})\s*(?P<s>单元|梯(?!子)|门(?!口|禁|铃|锁|窗|卫|岗))|(?P<side>[东南西北中])单元)",
    "floor": rf"(?P<v>{_NUM})\s*(?:楼|层)(?![道梯下顶门房])",
    "room": rf"(?:(?P<v>{_NUM}|(?<![\dA-Za-z])[A-Za-z]?\d{{3,4}}(?!\d))\s*(?P<s>室|号房|号|房|户)?"
            rf"|(?P<side>[东西中南北][边面]?户|[东西南北]房|[东西]厢房))",
    "area": rf"(?:{_AREA})",
}
NUMBERED_RE = {kind: re.compile(pattern) for kind, pattern in _NUMBERED.items()}
# What may follow what, once a chain has started.
_NEXT = {
    None: ("building", "unit", "room", "area"),
    # (the order is the order of preference where two readings fit)
    "district": ("district", "road", "estate", "building", "zone"),
    "road": ("road_no", "section", "lane", "estate", "zone", "building", "road", "room"),
    "section": ("road_no", "lane", "estate"),
    "road_no": ("annex", "row", "estate", "building", "unit", "floor", "room", "area"),
    "row": ("building", "room"),
    "annex": ("building", "unit", "floor", "room", "area"),
    "lane": ("building", "lane", "floor", "room"),
    "estate": ("estate", "phase", "zone", "row", "building", "unit", "area", "road_no", "lane", "group"),
    "group": ("building", "room"),
    "phase": ("zone", "building", "estate"),
    "zone": ("building", "estate"),
    "building": ("unit", "floor", "room", "area"),
    "unit": ("floor", "room", "area"),
    "floor": ("room",),
    "room": (),
    "area": (),
}
_NAMED_RE = {
    "district": re.compile(rf"(?:{_DISTRICT_SUFFIX})"),
    "road": re.compile(rf"(?:{_ROAD_SUFFIX})"),
    "estate": re.compile(rf"(?:{_ESTATE_SUFFIX})"),
}
_NOT_ESTATES = {"家", "这", "那", "哪", "心", "城", "村", "公", "医院", "学校", "单位", "老家", "乡下",
                "农村", "城里", "镇上", "乡里", "县城", "市里", "省里", "幼儿", "动物", "公", "花", "菜",
                "果", "校", "厂", "工地", "商场", "超市", "饭店", "宾馆", "乐",
                "小区", "社区", "院", "楼", "楼道", "楼下"}  # 小区里 / 社区里 is no estate name
_INDOOR = ("厨房", "卫生间", "厕所", "客厅", "卧室", "房间", "屋", "楼", "家", "阳台", "院子", "门", "窗",
           "柜", "池", "箱", "管", "灯", "梯")
# 三村, 曹杨五村, 文一小区, 和平二新村: a numeral may end an estate's name
_NUMBERED_ESTATE = ("村", "区", "街坊", "小区", "新村", "花园", "家园", "公寓", "新邨", "苑")
# 李家村, 张家庄, 王家屯: a clan's village, not a room of the home (家)
_CLAN_VILLAGE = ("村", "庄", "屯", "湾")
_WEAK_SUFFIX = set("苑里庄村屯城府湾庭园坊")
_STRONG = {"district", "road", "estate", "unit", "lane", "phase", "group"}


@dataclass
class _Part:
    kind: str
    start: int
    end: int
    value: str | None = None
    suffix: str | None = None


def to_digits(raw: str | None) -> str | None:
    """ASCII digits for a said number: 十二 → 12, 五零二 → 502, 五百零二 → 502."""
    if raw is None:
        return None
    raw = fullwidth_to_ascii(raw).strip()
    if raw.isascii():
        return raw.upper()
    if any(ch in "十百千" for ch in raw):
        value = chinese_numeral_to_int(raw)
        return None if value is None else str(value)
    digits = spoken_run_to_digits(raw)
    return digits if digits.isdigit() else None


def normalise_address_parts(building: str | None = None, unit: str | None = None,
                            room: str | None = None) -> dict[str, str | None]:
    """Normalise parts filled from elsewhere (a form answer 三号楼 → "3")."""
    parts = {"building": building, "unit": unit, "room": room}
    strip = re.compile(r"(号楼|号栋|栋|幢|座|号|单元|门|室|房)$")
    return {key: to_digits(strip.sub("", value.strip())) if value else None
            for key, value in parts.items()}


def _named_at(text: str, pos: int, kinds: tuple[str, ...]) -> _Part | None:
    """A district, road or estate name starting at ``pos``: name characters, then the suffix."""
    best = None
    for kind in ("district", "road", "estate"):
        if kind not in kinds:
            continue
        for m in _NAMED_RE[kind].finditer(text, pos, min(len(text), pos + 12)):
            name = text[pos:m.start()]
            if not (1 <= len(name) <= 8) or any(ch in _NAME_STOP for ch in name):
                continue
            # 三村, 曹杨五村, 石门二路, 中山北一路: a numeral ends the name of many villages and roads.
            numbered_village = (kind == "estate" and m.group(0) in _NUMBERED_ESTATE and (
                re.fullmatch(_NUM, name) or re.search(r"[\u4e00-\u9fff][一二三四五六七八九十]$", name))) or (
                kind == "road" and (re.search(r"[\u4e00-\u9fff]{2}[一二三四五六七八九]$", name)
                                     or m.group(0) == "条"))
            # 五四路88号, 八一路12弄: a road named by a date, wholly numerals, told by its number after
            numeral_road = kind == "road" and re.fullmatch(r"[一二三四五六七八九十]{2}", name) and re.match(
                rf"\s*(?:{_NUM})\s*[号弄]", text[m.end():])
            # 劲松八区, 和平街十一区: a numbered area of an estate, not a district.
            numbered_area = kind == "district" and m.group(0) == "区" and re.search(
                r"[\u4e00-\u9fff](?:[一二三四五六七八九十]{1,3}|\d{1,2})$", name)
            if re.match(r"地址|住址|地点|位置", name):
                continue  # 地址阳光花园…: the address starts after the word that announces it
            if m.group(0) == "社区" and re.search(r"[进去到来回走]", name):
                continue  # 义诊进社区, 送温暖到社区: something coming to the community
            relative = _RELATIVE_PLACE.match(name) if kind == "road" else _RELATIVE_PLACE.search(name)
            if kind in ("estate", "road") and _HOLDS_A_PLACE.search(name):
                continue  # 庐阳区亳州路安居苑: a district and a road before the estate, not its name
            if _NOT_PLACE_NAMES.match(name) or relative or (re.search(_NUM + r"$", name) and not (numbered_village or numbered_area or numeral_road)) \
                    or name in _NOT_ESTATES \
                    or (kind == "estate" and any(name.endswith(w) for w in _INDOOR)
                        and not (name.endswith("家") and len(name) >= 2 and m.group(0) in _CLAN_VILLAGE)):
                continue
            if kind == "estate" and _NAMED_RE["estate"].match(text, m.end()):
                continue  # 漓江路花园小区: 花园 begins the estate's name (花园小区), after the road
            part = _Part("estate" if numbered_area else kind, pos, m.end(), suffix=m.group(0))
            if best is None or part.end > best.end:
                best = part
    return best


def _own_community_at(text: str, pos: int) -> _Part | None:
    """小区东门, 社区停车场: the resident's own community, named by the word alone."""
    m = re.compile(rf"(?:小区|社区)的?(?={_AREA})").match(text, pos)
    return _Part("estate", pos, m.end(), suffix="小区") if m else None


def numbered_at(text: str, pos: int, kinds: tuple[str, ...]) -> _Part | None:
    for kind in kinds:
        if kind not in NUMBERED_RE:
            continue
        m = NUMBERED_RE[kind].match(text, pos)
        if m and m.end() > pos:
            groups = m.groupdict()
            value = groups.get("v") or groups.get("side")
            return _Part(kind, pos, m.end(), value, groups.get("s"))
    return None


def _chain(text: str, start: int, first: _Part) -> list[_Part]:
    parts = [first]
    pos = first.end
    while True:
        sep = re.match(_SEP, text[pos:]).end()
        kinds = _NEXT[parts[-1].kind]
        same = numbered_at(text, pos + sep, (parts[-1].kind,)) if parts[-1].value else None
        if same is not None and to_digits(same.value) == to_digits(parts[-1].value) \
                and not text[same.end:same.end + 1].isdigit():
            pos = same.end  # 七号 七号: said twice
            continue
        part = _named_at(text, pos + sep, kinds) or numbered_at(text, pos + sep, kinds)
        if part is None and sep:
            part = _named_at(text, pos, kinds) or numbered_at(text, pos, kinds)
        if part is None and parts[-1].kind not in ("district", "road", "estate", "area"):
            # 七号 七号 / 五零二 不对 五零一: the same part said again, or put right
            again = _AGAIN.match(text, pos)
            part = numbered_at(text, again.end(), (parts[-1].kind,)) if again else None
            if part is not None and text[part.end:part.end + 1].isdigit():
                part = None  # the start of a phone number, not a room said again
            if part is not None:
                parts[-1] = part
                pos = part.end
                continue
        if part is None:
            return parts
        parts.append(part)
        pos = part.end


def _room_ok(part: _Part, parts: list[_Part]) -> bool:
    if part.value is None:
        return False
    if part.value[:1] in "东西中南北":
        return True
    digits = to_digits(part.value)
    if not digits or not digits.isdigit():
        return False
    structured = any(p.kind in ("building", "unit", "floor", "lane", "road") for p in parts)
    # A bare number is a room only after a building or unit and when it looks like one (502, 1202).
    return part.suffix in ("室", "房", "户") or (structured and 2 <= len(digits) <= 4)


def _accept(text: str, parts: list[_Part]) -> AddressMatch | None:
    kinds = [p.kind for p in parts]
    numbered_after = any(k in ("building", "unit", "room", "phase", "zone", "lane", "road_no", "group")
                         for k in kinds)
    estates = [p for p in parts if p.kind == "estate"]
    if estates and not numbered_after and not _estate_alone_ok(text, estates[-1]):
        return None
    if parts[0].suffix == "小区" and parts[0].end - parts[0].start <= 3 and len(parts) == 1:
        return None
    while parts and (parts[-1].kind == "room" and not _room_ok(parts[-1], parts)):
        parts = parts[:-1]
        kinds = kinds[:-1]
    if not parts:
        return None
    strong = any(k in _STRONG for k in kinds) or any(
        p.kind == "building" and p.suffix not in ("号",) for p in parts) or any(
        p.kind == "room" and p.suffix in ("室",) for p in parts)
    numbered = [k for k in kinds if k not in ("district", "road", "estate", "area")]
    if not strong and len(numbered) < 2:
        return None
    if kinds == ["district"] or kinds == ["road"] or kinds == ["floor"]:
        return None
    if kinds[-1] == "district":
        return None
    building = next((p for p in parts if p.kind == "building"), None)
    unit = next((p for p in parts if p.kind == "unit"), None)
    room = next((p for p in parts if p.kind == "room"), None)
    start, end = parts[0].start, parts[-1].end
    while end > start and text[end - 1].isspace():
        end -= 1
    return AddressMatch(start, end, text[start:end],
                        _part_value(building), _part_value(unit), _room_value(room),
                        tuple((p.kind, p.start, p.end) for p in parts))


def _estate_alone_ok(text: str, part: _Part) -> bool:
    """和平新村 said alone is an address; 幸福里 only where an address is expected (after 住/在,
    or as the whole answer), since 里/园/城 end many other words."""
    if part.suffix and part.suffix not in _WEAK_SUFFIX:
        return True
    if part.end - part.start < 3:
        return False
    before = text[:part.start]
    whole = not re.sub(r"[\s，,。.!！]", "", text[:part.start] + text[part.end:])
    return whole or bool(re.search(r"(?:住|住在|家在|地址是?|在)[:：\s]*$", before))


def _part_value(part: _Part | None) -> str | None:
    if part is None or part.value is None:
        return None
    if part.value in ("东", "西", "南", "北", "中"):
        return part.value
    return to_digits(part.value)


def _room_value(part: _Part | None) -> str | None:
    if part is None or part.value is None:
        return None
    if part.value[:1] in "东西中南北":
        return part.value
    return to_digits(part.value)


def _starts(text: str):
    """Positions where an address may begin: after a stop character, a lead-in, or anywhere
    a numbered part begins."""
    for pos in range(len(text)):
        prev = text[pos - 1] if pos else "，"
        yield pos, prev in _NAME_STOP or bool(_LEAD_BEFORE.search(text[max(0, pos - 3):pos]))


def find_addresses(text: str) -> list[AddressMatch]:
    """Every residential address in ``text``, in order."""
    found: list[AddressMatch] = []
    at = 0
    while at < len(text):
        match = find_address(text[at:])
        if match is None:
            break
        found.append(AddressMatch(at + match.start, at + match.end, match.text, match.building,
                                  match.unit, match.room,
                                  tuple((k, at + a, at + b) for k, a, b in match.parts)))
        at += match.end
    return found


def find_address(text: str) -> AddressMatch | None:
    """The first residential address in ``text``, or None."""
    ascii_text = fullwidth_to_ascii(text)  # same length, so spans stay valid
    for pos, boundary in _starts(ascii_text):
        if ascii_text[pos] in " \t\n，,。":
            continue
        if ascii_text[pos] == "家" and _named_at(ascii_text, pos + 1, ("district", "road", "estate")):
            continue  # 我家东风小区…: the name starts after 家
        first = (_named_at(ascii_text, pos, ("district", "road", "estate")) if boundary else None) \
            or _own_community_at(ascii_text, pos)
        if first is None and _LEAD_FILLER.match(ascii_text[pos:]):
            continue
        if first is None:
            first = numbered_at(ascii_text, pos, _NEXT[None])
            if first is not None and pos and ascii_text[pos - 1].isalnum() and ascii_text[pos - 1].isascii():
                first = None
        if first is None:
            continue
        found = _accept(ascii_text, _chain(ascii_text, pos, first))
        if found:
            found = _with_unsuffixed_estate(ascii_text, found)
            return AddressMatch(found.start, found.end, text[found.start:found.end],
                                found.building, found.unit, found.room, found.parts)
    return None


_BEFORE_ESTATE = re.compile(r"(?:^|[\s，,。：:；;]|住在?|在|地址是?|是)$")


def _with_unsuffixed_estate(text: str, found: AddressMatch) -> AddressMatch:
    """锦绣江南16幢1单元703: an estate named without 小区/花园 is the words said right
    before a building (栋 幢 号楼 座), when they read as a name and not as the problem
    (厨房漏水3号楼) or a place in the flat; 田林 十二村: the words before a numbered
    village, across a recogniser's pause, are its name."""
    if not found.parts:
        return found
    kind, first_start, first_end = found.parts[0]
    numbered_estate = kind == "estate" and re.fullmatch(rf"{_NUM}\S{{1,2}}", text[first_start:first_end])
    if not numbered_estate and (kind != "building" or text[first_start:first_end].endswith("号")):
        return found
    start = found.start
    if numbered_estate and start > 0 and text[start - 1] == " ":
        start -= 1  # 田林 十二村: the recogniser's pause inside the name
    if text[start:found.start] == " " and not (start > 0 and re.match(r"[\u4e00-\u9fff]", text[start - 1])):
        return found
    gap = found.start - start
    while start > 0 and re.match(r"[\u4e00-\u9fff]", text[start - 1]) and text[start - 1] not in _NAME_STOP \
            and found.start - gap - start < 6:
        start -= 1
    name = text[start:found.start - gap]
    if not 2 <= len(name) <= 6 or not _BEFORE_ESTATE.search(text[:start]) or name in _NOT_ESTATES \
            or _NOT_PLACE_NAMES.match(name) or _RELATIVE_PLACE.search(name) \
            or any(name.startswith(w) or name.endswith(w) for w in _INDOOR) or _names_something_else(name):
        return found
    return AddressMatch(start, found.end, text[start:found.end], found.building, found.unit, found.room,
                        (("estate", start, found.start - gap),) + found.parts)


def _names_something_else(name: str) -> bool:
    return names_a_known_value(name) or any_tagged(tagged_words(name), NOT_IN_AN_ESTATE_NAME)
