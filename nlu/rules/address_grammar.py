"""The parts an address is read from, the way residents say them: each numbered part
(7号楼, 2单元, 502室, 长乐路120弄) and named part (朝阳区, 光明街道, 和平新村) as a pattern, what
may follow what in a chain, and what may stand between two parts. Reading a whole
address from these is `address.py`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零〇一二两三四五六七八九十百千幺洞"
NUM = rf"(?<![\d{CN_DIGITS}])(?:\d{{1,4}}|[{CN_DIGITS}]{{1,6}})(?![\d{CN_DIGITS}])"
_LETTER = r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])"
_AREA = (r"楼道|楼梯间?|电梯间?|电梯|单元门|楼门|门口|楼下|楼顶|顶楼|天台|地下室|地下车库|车库|大厅"
         r"|[东南西北正后侧大]门口?|停车场|车棚|广场|健身区|垃圾站|花园|绿化带|走廊")
# Between parts: a pause, 的, or a filler a recogniser writes down (3座 嗯 1205, 3座 我住1205).
# (88弄5号，她家在六层，602室: who lives there, said between the parts)
SEP = r"(?:[\s的,，]|嗯|呃|啊|那个|我住在?|我家|(?:[他她俺]|老人)(?:家|住)在?){0,4}"

# Named parts: a name (read backwards from the suffix) and the suffix.
_DISTRICT_SUFFIX = r"街道|镇|乡|新区|(?<![小社园校片厂])区(?!域)"
_ROAD_SUFFIX = r"大道|大街|路|街|胡同|巷|道(?!路)|(?<=[一二三四五六七八九十头])条"
_ESTATE_SUFFIX = (r"小区|花园|花苑|家园|新村|新邨|新苑|公寓|大厦|社区|大院|名苑|嘉园|雅苑|公馆|华庭|山庄|"
                  r"家属院|家属区|家属楼|宿舍楼|宿舍区|职工楼|"
                  r"佳苑|广场|苑|里|庄|村|屯|邨|城|府|湾|庭|园|坊|宿舍")
# Where a name stops when reading backwards: punctuation, pronouns, the verbs
# that come before an address (我住在, 到, 去), and digits of an earlier part.
# (订 报 约 办 替 and the kinship words too: 给我爸订社区助餐 names no estate 爸订社区)
NAME_STOP = set("，。、,.!?！？：:；;我你他她您这那哪在住是去到来的了给把从往于就写填叫说想让要请帮辣"
                "订报约办替爸妈还们 \t\n0123456789")
# A place said relative to the flat (楼下小花园, 门口那个花园) names no estate.
RELATIVE_PLACE = re.compile(r"楼下|楼上|门口|对面|旁边|后面|前面|隔壁|附近|^小区")
_HOLDS_A_PLACE = re.compile(r"(?:区|县|镇|路|大街|大道|胡同)[\u4e00-\u9fff]+$")
NOT_PLACE_NAMES = re.compile(r"^(?:小|这|那|哪|附近|旁边|对面|我们|咱们|俺们|隔壁|本|该|各|每|一个|整个|个|哪个|啥)$")

_NUMBERED = {
    "road_no": rf"[甲乙丙丁]?(?P<v>{NUM})\s*号(?:大院|院)?(?![楼栋房])",
    # 大院3排5号, 平房区2排: a row of single-storey houses
    "row": rf"(?P<v>{NUM})\s*排(?!水|风|队|班|骨)",
    # 红星路三段16号: a long road's section
    "section": rf"(?P<v>{NUM})\s*段",
    # 中兴路66号附2号 (Chongqing, Chengdu): a building numbered from the house number
    "annex": rf"附\s*(?P<v>{NUM})\s*号?",
    "lane": rf"(?P<v>{NUM})\s*(?:支弄|弄|巷)",
    "phase": rf"(?P<v>{NUM}|{_LETTER})\s*期",
    "zone": rf"(?P<v>{NUM}|{_LETTER}|[东南西北中])\s*区(?!域)",
    # a village's group (西山村三组二十六号, 八里村五组)
    "group": rf"(?P<v>{NUM})\s*(?:村民小组|村民组|组|队|屯)(?![织长员])",
    "building": rf"(?P<v>{NUM}|{_LETTER})\s*(?P<s>号楼|号栋|栋楼?|幢楼?|座楼?|号(?![院房]))",
    "unit": rf"(?:(?P<v>{NUM})\s*(?P<s>单元|梯(?!子)|门(?!口|禁|铃|锁|窗|卫|岗))|(?P<side>[东南西北中])单元)",
    "floor": rf"(?P<v>{NUM})\s*(?:楼|层)(?![道梯下顶门房])",
    "room": rf"(?:(?P<v>{NUM}|(?<![\dA-Za-z])[A-Za-z]?\d{{3,4}}(?!\d))\s*(?P<s>室|号房|号|房|户)?"
            rf"|(?P<side>[东西中南北][边面]?户|[东西南北]房|[东西]厢房))",
    "area": rf"(?:{_AREA})",
}
NUMBERED_RE = {kind: re.compile(pattern) for kind, pattern in _NUMBERED.items()}
# What may follow what, once a chain has started.
NEXT = {
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
NOT_ESTATES = {"家", "这", "那", "哪", "心", "城", "村", "公", "医院", "学校", "单位", "老家", "乡下",
               "农村", "城里", "镇上", "乡里", "县城", "市里", "省里", "幼儿", "动物", "公", "花", "菜",
               "果", "校", "厂", "工地", "商场", "超市", "饭店", "宾馆", "乐",
               "小区", "社区", "院", "楼", "楼道", "楼下"}  # 小区里 / 社区里 is no estate name
INDOOR = ("厨房", "卫生间", "厕所", "客厅", "卧室", "房间", "屋", "楼", "家", "阳台", "院子", "门", "窗",
          "柜", "池", "箱", "管", "灯", "梯")
# 三村, 曹杨五村, 文一小区, 和平二新村: a numeral may end an estate's name
_NUMBERED_ESTATE = ("村", "区", "街坊", "小区", "新村", "花园", "家园", "公寓", "新邨", "苑")
# 李家村, 张家庄, 王家屯: a clan's village, not a room of the home (家)
_CLAN_VILLAGE = ("村", "庄", "屯", "湾")


@dataclass
class Part:
    kind: str
    start: int
    end: int
    value: str | None = None
    suffix: str | None = None


def named_at(text: str, pos: int, kinds: tuple[str, ...]) -> Part | None:
    """A district, road or estate name starting at ``pos``: name characters, then the suffix."""
    best = None
    for kind in ("district", "road", "estate"):
        if kind not in kinds:
            continue
        for m in _NAMED_RE[kind].finditer(text, pos, min(len(text), pos + 12)):
            name = text[pos:m.start()]
            if not (1 <= len(name) <= 8) or any(ch in NAME_STOP for ch in name):
                continue
            # 三村, 曹杨五村, 石门二路, 中山北一路: a numeral ends the name of many villages and roads.
            numbered_village = (kind == "estate" and m.group(0) in _NUMBERED_ESTATE and (
                re.fullmatch(NUM, name) or re.search(r"[\u4e00-\u9fff][一二三四五六七八九十]$", name))) or (
                kind == "road" and (re.search(r"[\u4e00-\u9fff]{2}[一二三四五六七八九]$", name)
                                     or m.group(0) == "条"))
            # 五四路88号, 八一路12弄, 五四路温泉新村: a road named by a date, wholly numerals, told by
            # its number or an estate after it
            numeral_road = kind == "road" and re.fullmatch(r"[一二三四五六七八九十]{2}", name) and re.match(
                rf"\s*(?:{NUM})\s*[号弄]|[\u4e00-\u9fff]{{2,6}}?(?:{_ESTATE_SUFFIX})", text[m.end():])
            # 劲松八区, 和平街十一区: a numbered area of an estate, not a district.
            numbered_area = kind == "district" and m.group(0) == "区" and re.search(
                r"[\u4e00-\u9fff](?:[一二三四五六七八九十]{1,3}|\d{1,2})$", name)
            if re.match(r"地址|住址|地点|位置", name):
                continue  # 地址阳光花园…: the address starts after the word that announces it
            if m.group(0) == "社区" and re.search(r"[进去到来回走]", name):
                continue  # 义诊进社区, 送温暖到社区: something coming to the community
            relative = RELATIVE_PLACE.match(name) if kind == "road" else RELATIVE_PLACE.search(name)
            if kind in ("estate", "road") and _HOLDS_A_PLACE.search(name):
                continue  # 庐阳区亳州路安居苑: a district and a road before the estate, not its name
            if NOT_PLACE_NAMES.match(name) or relative or (re.search(NUM + r"$", name) and not (numbered_village or numbered_area or numeral_road)) \
                    or name in NOT_ESTATES \
                    or (kind == "estate" and any(name.endswith(w) for w in INDOOR)
                        and not (name.endswith("家") and len(name) >= 2 and m.group(0) in _CLAN_VILLAGE)):
                continue
            if kind == "estate" and _NAMED_RE["estate"].match(text, m.end()):
                continue  # 漓江路花园小区: 花园 begins the estate's name (花园小区), after the road
            part = Part("estate" if numbered_area else kind, pos, m.end(), suffix=m.group(0))
            if best is None or part.end > best.end:
                best = part
    return best


def own_community_at(text: str, pos: int) -> Part | None:
    """小区东门, 社区停车场: the resident's own community, named by the word alone."""
    m = re.compile(rf"(?:小区|社区)的?(?={_AREA})").match(text, pos)
    return Part("estate", pos, m.end(), suffix="小区") if m else None


def numbered_at(text: str, pos: int, kinds: tuple[str, ...]) -> Part | None:
    for kind in kinds:
        if kind not in NUMBERED_RE:
            continue
        m = NUMBERED_RE[kind].match(text, pos)
        if m and m.end() > pos:
            groups = m.groupdict()
            value = groups.get("v") or groups.get("side")
            return Part(kind, pos, m.end(), value, groups.get("s"))
    return None
