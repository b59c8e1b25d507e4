import pytest

from nlu.rules.address import find_address, normalise_address_parts


@pytest.mark.parametrize("text, said, building, unit, room", [
    ("3号楼2单元502", "3号楼2单元502", "3", "2", "502"),
    ("阳光小区三号楼二单元五零二", "阳光小区三号楼二单元五零二", "3", "2", "502"),
    ("5栋1单元301室", "5栋1单元301室", "5", "1", "301"),
    ("5幢1单元301", "5幢1单元301", "5", "1", "301"),
    ("幸福里7号楼三单元六零二", "幸福里7号楼三单元六零二", "7", "3", "602"),
    ("和平路12号院3号楼", "和平路12号院3号楼", "3", None, None),
    ("3号楼2单元五百零二室", "3号楼2单元五百零二室", "3", "2", "502"),
    ("１２号楼３单元１２０２", "１２号楼３单元１２０２", "12", "3", "1202"),
    ("十二号楼", "十二号楼", "12", None, None),
    ("12号2门1202号", "12号2门1202号", "12", "2", "1202"),
    ("金色家园12号2单元", "金色家园12号2单元", "12", "2", None),
    ("阳光小区的3号楼", "阳光小区的3号楼", "3", None, None),
    ("3号楼2单元5楼502", "3号楼2单元5楼502", "3", "2", "502"),
    ("A座1202", "A座1202", "A", None, "1202"),
    ("502室", "502室", None, None, "502"),
    # villages: a clan's name before 村/庄/屯, the village group (组) and the house number
    ("孟津区城关镇西山村三组二十六号", "孟津区城关镇西山村三组二十六号", "26", None, None),
    ("李家屯5组3号", "李家屯5组3号", "3", None, None),
    ("张家庄二组", "张家庄二组", None, None, None),
    ("文一小区2幢3单元201室", "文一小区2幢3单元201室", "2", "3", "201"),
    ("福康里 3座 嗯 我住1205", "福康里 3座 嗯 我住1205", "3", None, "1205"),
    # an estate named without a suffix, before its building; a numbered village across a pause
    ("锦绣江南16幢1单元703", "锦绣江南16幢1单元703", "16", "1", "703"),
    ("田林 十二村 二十五号 四零二", "田林 十二村 二十五号 四零二", "25", None, "402"),
    ("厨房漏水3号楼", "3号楼", "3", None, None),
    # a phone number typed after the address is no room
    ("和平小区8号楼3单元 13816543210", "和平小区8号楼3单元", "8", "3", None),
    # a road named by a date, wholly numerals (五四路, 八一路), before its number
    ("五四路88号2座1101", "五四路88号2座1101", "2", None, "1101"),
    ("我住八一路12弄3号502", "八一路12弄3号502", "3", None, "502"),
    # Beijing hutongs and 条, a courtyard's rooms; Chongqing 附X号; a road's section; work-unit compounds
    ("西城区宫门口东岔胡同8号", "西城区宫门口东岔胡同8号", None, None, None),
    ("东城区雨儿胡同23号院北房", "东城区雨儿胡同23号院北房", None, None, "北房"),
    ("东城区东四十条甲22号院3号楼2门501", "东城区东四十条甲22号院3号楼2门501", "3", "2", "501"),
    ("渝中区中兴路66号附2号4楼", "渝中区中兴路66号附2号4楼", None, None, None),
    ("红星路三段16号4栋2单元803", "红星路三段16号4栋2单元803", "4", "2", "803"),
    ("长安区棉纺厂家属院三号楼一单元二零二", "长安区棉纺厂家属院三号楼一单元二零二", "3", "1", "202"),
    ("武钢宿舍楼十四栋二单元五零一", "武钢宿舍楼十四栋二单元五零一", "14", "2", "501"),
    # a district and a road said before the estate are parts of their own
    ("庐阳区亳州路安居苑新村二号楼", "庐阳区亳州路安居苑新村二号楼", "2", None, None),
    ("天河区龙口西路龙苑小区8座1102", "天河区龙口西路龙苑小区8座1102", "8", None, "1102"),
    ("七星区漓江路花园小区6栋2单元301", "七星区漓江路花园小区6栋2单元301", "6", "2", "301"),
    ("鼓楼区衣锦坊23号", "鼓楼区衣锦坊23号", "23", None, None),
])
def test_addresses_as_residents_say_them(text: str, said: str, building: str | None,
                                         unit: str | None, room: str | None) -> None:
    match = find_address(text)
    assert match is not None, text
    assert (match.text, match.building, match.unit, match.room) == (said, building, unit, room)
    assert text[match.start:match.end] == match.text


@pytest.mark.parametrize("text, said", [
    ("我家住在阳光小区3号楼2单元502，电话13812345678", "阳光小区3号楼2单元502"),
    ("我住在幸福家园五栋二单元", "幸福家园五栋二单元"),
    ("家住阳光小区5栋", "阳光小区5栋"),
    ("你好我想报修，3号楼2单元502厨房水管漏水", "3号楼2单元502"),
    ("地址 2单元502", "2单元502"),
    ("下午两点来三号楼", "三号楼"),
])
def test_lead_in_words_are_not_part_of_the_address(text: str, said: str) -> None:
    assert find_address(text).text == said


@pytest.mark.parametrize("text, said, building, unit", [
    ("3号楼楼道灯坏了", "3号楼楼道", "3", None),
    ("2单元电梯坏了", "2单元电梯", None, "2"),
    ("5栋的单元门关不上", "5栋的单元门", "5", None),
])
def test_common_areas_of_a_building(text: str, said: str, building: str | None,
                                    unit: str | None) -> None:
    match = find_address(text)
    assert (match.text, match.building, match.unit, match.room) == (said, building, unit, None)


@pytest.mark.parametrize("text, said", [
    ("小区东门的路灯不亮", "小区东门"),
    ("阳光花园东门的路灯不亮", "阳光花园东门"),
    ("幸福家园停车场", "幸福家园停车场"),
])
def test_common_areas_of_the_community(text: str, said: str) -> None:
    match = find_address(text)
    assert (match.text, match.building, match.unit, match.room) == (said, None, None, None)


def test_phone_next_to_an_address_is_not_the_room() -> None:
    match = find_address("3号楼2单元502 13812345678")
    assert (match.building, match.unit, match.room) == ("3", "2", "502")
    match = find_address("幺三八幺二三四五六七八 3号楼")
    assert (match.text, match.room) == ("3号楼", None)


@pytest.mark.parametrize("text", [
    "13812345678",
    "电话13812345678",
    "电话是138 1234 5678",
    "幺三八幺二三四五六七八",
    "身份证110105194912310023",
    "明天3号去",
    "12月5号下午两点",
    "住在3楼",
    "我家里的门口",
    "五百零二",
    "我今年85岁",
    "坐十二路公交到社区",
    "我家门口那条路",
    "",
])
def test_not_an_address(text: str) -> None:
    assert find_address(text) is None


def test_normalise_address_parts() -> None:
    assert normalise_address_parts("三号楼", "二单元", "五零二") == {
        "building": "3", "unit": "2", "room": "502"}
    assert normalise_address_parts("十二", None, "１２０２室") == {
        "building": "12", "unit": None, "room": "1202"}
