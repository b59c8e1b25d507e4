"""Values said the residents' way: names in kinship frames, city address forms, times
with a start and a frequency, symptoms, case numbers in other shapes (issue examples)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.forms.service_values import find_frequency
from actions.forms.values import check_person_name
from nlu.rules.address import find_address
from nlu.rules.address_edit import written_address
from nlu.rules.case_number import find_case_numbers
from nlu.rules.gazetteer import lookup
from nlu.rules.person_name import find_person_names
from nlu.rules.timeexpr import find_times

MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("text, name, role", [
    ("我老伴叫周玉芬", "周玉芬", "served"),
    ("是我外婆，名字叫钱桂香", "钱桂香", "served"),
    ("孙子叫陈浩然", "陈浩然", "served"),
    ("我是他闺女林小红", "林小红", "helper"),
    ("帮我爸何建军申请", "何建军", "served"),
    ("钱桂香是我外婆", "钱桂香", "served"),
    ("我叫张秀英", "张秀英", "self"),
    ("姓名是欧阳娜娜", "欧阳娜娜", "named"),
])
def test_names_in_kinship_frames_carry_whose_they_are(text, name, role):
    found = find_person_names(text)
    assert [(n.value, n.role) for n in found] == [(name, role)]


@pytest.mark.parametrize("text", ["我是王阿姨", "帮隔壁李奶奶报个名", "我们楼的阿姨说", "我是他女儿，打我电话", "帮我老伴申请", "给我爸和我妈报名", "我是社区居民",
                                  "我邻居刘大妈说可以申请", "孩子初三了，压力大"])
def test_a_relation_word_alone_is_no_name(text):
    assert find_person_names(text) == []


@pytest.mark.parametrize("text, name", [
    ("吴根宝 口天吴 根本的根 宝贝的宝", "吴根宝"),
    ("我老伴叫周玉芬，周总理的周，玉石的玉，芬芳的芬", "周玉芬"),
    ("沈阿婆，沈惠珍", "沈惠珍"),
    ("家长写我，许志刚", "许志刚"),
    # a recogniser leaves no pause between the name and how it is written
    ("高建华高低的高建设的建中华的华", "高建华"),
    ("我叫马福来马路的马福气的福来去的来", "马福来"),
    ("丁淑云 丁是甲乙丙丁的丁 白云的云", "丁淑云"),
    ("我叫张明明天的明", "张明"),
    ("老人叫江海三点水的江大海的海", "江海"),
    ("刘芳文刀刘芬芳的芳", "刘芳"),
    ("孩子叫黄子涵黄色的黄", "黄子涵"),
    # the speaker asks for their own name on the form
    ("写我的名字就行，我是她外孙女，叫韩雪", "韩雪"),
    ("周立（孩子妈妈）", "周立"),
    ("于海洋于是干钩于大海的海海洋的洋", "于海洋"), ("我叫杨帆木易杨一帆风顺的帆", "杨帆"),
    # relatives by their order or branch
    ("我大姨叫刘桂兰，我是她外甥女", "刘桂兰"),
    # a name bare among other values typed in one line
    ("约律师 劳动仲裁的事 下周二下午2点 刘洋 15921234567", "刘洋"), ("给我老舅张德胜办", "张德胜"), ("我表姐孙丽", "孙丽"),
    # how a neighbour calls the elder after the name, or the elder described before it
    ("我是志愿者，帮我们楼的孙秀珍阿姨做养老金认证", "孙秀珍"), ("帮王建国大爷申请", "王建国"),
    ("我们结对帮扶的独居老人屈秀梅，八十多了", "屈秀梅"),
    # the surname said alone first; Shanghainese 伊 and Cantonese 佢 for 他/她
    ("伊叫 钱 钱福生 有钱的钱", "钱福生"), ("佢叫 梁 梁亚妹 亚洲嘅亚 妹妹嘅妹", "梁亚妹"),
    # a name put right: the one said last, never the one said not to be it
    ("我叫 程晓东 哎 不对 是耳东陈 不是程 陈晓东", "陈晓东"), ("我叫王小明，哦不对，王晓明，晓是拂晓的晓", "王晓明"),
    ("我叫王小明，不是王晓明", "王小明"),
    # the helper named in a frame, the person listed bare among the values
    ("三年级 孙小北 报课后托管 家长孙伟 13770281195", "孙小北"),
])
def test_a_name_spelled_out_or_among_other_words(text, name):
    assert check_person_name(text).value == name


def test_only_a_relatives_own_name_is_re_asked_with_the_reason():
    check = check_person_name("我是他闺女林小红")
    assert not check.ok and "林小红" in check.reason


@pytest.mark.parametrize("text, said, building, unit, room", [
    ("长乐路120弄7号3楼", "长乐路120弄7号3楼", "7", None, None),
    ("我住和平新村", "和平新村", None, None, None),
    ("东风小区 3栋", "东风小区 3栋", "3", None, None),
    ("金色家园二期12座1803室", "金色家园二期12座1803室", "12", None, "1803"),
    ("绿城花园三期5幢2单元1102", "绿城花园三期5幢2单元1102", "5", "2", "1102"),
    ("万科城市花园B区3栋2单元", "万科城市花园B区3栋2单元", "3", "2", None),
    # a numbered area after a road or name (团结湖七区) is no district
    ("住朝阳区团结湖七区4号楼1单元101", "朝阳区团结湖七区4号楼1单元101", "4", "1", "101"),
    ("海淀区学院路十五区2号楼", "海淀区学院路十五区2号楼", "2", None, None),
    # a lane or a second road inside a village or road (城中村 巷, 街 + 巷)
    ("天河区棠下村五巷3号201房", "天河区棠下村五巷3号201房", None, None, "201"),
    ("荔湾区中山七路西华巷8号2楼", "荔湾区中山七路西华巷8号2楼", None, None, None),
    # a recogniser's filler between parts
    ("南山区蛇口花园 5座 嗯 803", "南山区蛇口花园 5座 嗯 803", "5", None, "803"),
    ("幸福里小区7号楼东单元", "幸福里小区7号楼东单元", "7", "东", None),
    ("我家东风小区3栋2单元502", "东风小区3栋2单元502", "3", "2", "502"),
    ("曹杨一村12号201室", "曹杨一村12号201室", "12", None, "201"),
    # a road named by a date before an estate
    ("鼓楼区五四路温泉新村6座401", "鼓楼区五四路温泉新村6座401", "6", None, "401"),
    # who lives there, said between the parts
    ("徐汇区宛平南路88弄5号，她家在六层，602室", "徐汇区宛平南路88弄5号，她家在六层，602室", "5", None, "602"),
    # a number begun, then said whole with its part
    ("在 燕山小区 九 九号楼 一单元 二零一", "燕山小区 九 九号楼 一单元 二零一", "9", "1", "201"),
])
def test_city_address_forms_are_kept_whole(text, said, building, unit, room):
    match = find_address(text)
    assert (match.text, match.building, match.unit, match.room) == (said, building, unit, room)


@pytest.mark.parametrize("text", ["我家里的水管漏了", "厨房里的水管", "楼道里的楼梯", "我外公想让社区给他送饭"])
def test_rooms_and_words_ending_like_estates_are_no_address(text):
    assert find_address(text) is None


@pytest.mark.parametrize("text, value", [
    ("下周二上午十点开始送", "2026-12-15T10:00"),
    ("下周一上午十一点开始送吧", "2026-12-14T11:00"),
    ("今晚7点后 白天上班没人", "2026-12-07T19:00"),
    ("明天下午三点以后", "2026-12-08T15:00"),
    ("从下周一开始送饭，一周三次", "2026-12-14"),
    ("明儿上午十点以后家里都有人", "2026-12-08T10:00"),
    ("后儿个上午九点", "2026-12-09T09:00"),
    # a recogniser's word gaps, a date with its weekday, minutes before the hour
    ("下礼拜二 中午 十一点 开始 送", "2026-12-15T11:00"),
    ("十二月 二十二号 礼拜二 下午 三点", "2026-12-22T15:00"),
])
def test_times_with_a_start_resolve_to_the_start(text, value):
    assert [m.value for m in find_times(text, MONDAY)] == [value]


@pytest.mark.parametrize("text", ["每周一三五送", "一周三次", "每周二四帮我妈洗个澡", "长乐路120弄7号3楼",
                                  "给孙女报四点半课堂", "我是他姥爷韩国庆"])
def test_frequencies_addresses_and_names_are_no_times(text):
    assert find_times(text, MONDAY) == []


@pytest.mark.parametrize("text, frequency", [
    ("每周一三五送", "每周一三五"), ("一个礼拜送三回就行", "每周3次"), ("每礼拜来两趟", "每周2次"),
    ("一个礼拜洗一次就够了", "每周1次"), ("就这一次，复查完就行", "仅一次"), ("每天中午", "每天"),
])
def test_frequency_in_a_short_normal_form(text, frequency):
    assert find_frequency(text) == frequency


@pytest.mark.parametrize("text, category", [
    ("家里跳闸了合不上去", "electricity"), ("推拉门滑轨坏了", "door_window"),
    ("楼梯扶手松了", "public_facility"), ("马桶一直流水", "water"), ("燃气灶打不着火", "gas"),
    ("厨房水管漏水", "water"), ("一开电暖气就跳闸", "electricity"),
])
def test_symptoms_give_the_repair_category(text, category):
    assert lookup(text, "repair_category").value == category


@pytest.mark.parametrize("text", ["上门助浴", "上门签约家庭医生", "上门地址是安康苑5栋"])
def test_other_home_visits_are_no_certification_method(text):
    assert lookup(text, "cert_method") is None


@pytest.mark.parametrize("text, method", [
    ("我自己弄不了手机上那个刷脸我看不着能不能上门给我弄", "home_visit"),
    ("去中心不方便，能上门吗", "home_visit"), ("我不想去窗口，网上行吗", "online_guidance"),
    ("我腿脚不方便，想上门认证", "home_visit"), ("手机上那个刷脸我会弄", "online_guidance"),
])
def test_a_method_the_resident_cannot_use_is_not_the_one_asked_for(text, method):
    assert lookup(text, "cert_method").value == method


@pytest.mark.parametrize("text, number", [
    ("受理号2026100700218", "2026100700218"), ("单号幺二三四五六", "123456"),
    ("单号是PR20261203001，办到哪了", "PR20261203001"), ("我的编号是SQ20261128-000123", "SQ20261128-000123"),
])
def test_case_numbers_in_other_shapes(text, number):
    assert [m.value for m in find_case_numbers(text)] == [number]


@pytest.mark.parametrize("said, written", [
    ("淮海中路 嗯 二百三十弄 十四号 二楼", "淮海中路230弄14号2楼"),
    ("翠苑 三期 十八幢 两单元 一千一百零二", "翠苑三期18幢2单元1102"),
    ("丰台区 东大街 六号院 五号楼 四零一", "丰台区东大街6号院5号楼401"),
    # a part said twice, or put right as it is said
    ("康乐路 二十弄 五号 五号 二楼", "康乐路20弄5号2楼"),
    ("新华小区 九栋 二单元 三零二 不对 三零三", "新华小区9栋2单元303"),
    # a village's group is named as said, like 二期
    ("李家村 三组 二十七号", "李家村三组27号"),
])
def test_a_spoken_address_is_written_down_in_digits_without_the_pauses(said, written):
    assert written_address(said) == written


@pytest.mark.parametrize("text, value", [
    ("周三 上午 差一刻 十一点", "2026-12-09T10:45"),
    ("后天 下午 三点 哦 不对 三点半", "2026-12-09T15:30"),
    ("这周五 上午 八点 哦 你们 九点 才上班 那 就 九点半", "2026-12-11T09:30"),
    ("时间不对 不是两点 两点半 还是下礼拜四", "2026-12-17T14:30"),
    ("后天 上午 十点 十点左右", "2026-12-09T10:00"),
    # a start day, then the daily clock of the routine (每天 is no day)
    ("从下周二开始，每天中午十一点半送", "2026-12-15T11:30"),
    ("从下周一开始天天中午送就十一点半吧", "2026-12-14T11:30"),
    ("今天天气冷 明天上午十点吧", "2026-12-08T10:00"),
])
def test_the_time_meant_when_said_in_pieces_or_put_right(text, value):
    from actions.forms import values
    assert values.said_time(text, MONDAY, asked=True).value == value


@pytest.mark.parametrize("text, address", [
    ("青年新村12幢302，哦不对不对，是12幢203", "青年新村12幢203"),
    ("不是东单元，是西单元，幸福里小区7号楼西单元502", "幸福里小区7号楼西单元502"),
])
def test_the_address_put_right_in_the_same_breath(text, address):
    from actions.forms.values import said_address
    assert said_address(text) == address


@pytest.mark.parametrize("text, name", [
    ("大的叫陈思远", "陈思远"), ("小的叫陈思琪", "陈思琪"), ("老二叫王小雨", "王小雨"),
])
def test_children_named_by_their_order(text, name):
    from nlu.rules.person_name import CHILD_RELATIONS, find_person_names
    found = find_person_names(text)
    assert [(n.value, n.role) for n in found] == [(name, "served")]
    assert found[0].relation in CHILD_RELATIONS


def test_the_speaker_can_be_the_applicant_where_the_form_is_theirs():
    from actions.forms.values import check_person_name
    said = "我是孩子妈妈，叫汪晓燕"
    assert not check_person_name(said).ok  # an elder's form: the helper's own name is not the elder's
    assert check_person_name(said, ("served", "named", "self", "helper")).value == "汪晓燕"


@pytest.mark.parametrize("text, name", [
    ("我大名叫李德顺", "李德顺"), ("我姓冯两点水一个马冯德山", "冯德山"), ("王福海三横王福气的福大海的海", "王福海"),
    ("欧阳志远，欧阳复姓，志向的志，远方的远", "欧阳志远"), ("女儿叫迪丽努尔·艾山", "迪丽努尔·艾山"),
    ("阿依古丽·买买提", "阿依古丽·买买提"), ("俺爹叫孙福来", "孙福来"), ("伢子叫谭浩然", "谭浩然"),
    ("我是领队，叫潘玉珍", "潘玉珍"), ("登记名字就写王淑芬", "王淑芬"), ("我是楼长 我叫赵大海", "赵大海"),
    ("额叫杜建华", "杜建华"),
])
def test_names_as_people_across_the_country_give_them(text, name):
    from actions.forms.values import check_person_name
    assert check_person_name(text, ("served", "named", "self", "helper")).value == name


def test_a_story_in_a_free_text_answer_asks_for_no_one():
    from rasa_sdk import Tracker

    from actions.forms.turn import asks_for_human

    def tracker(requested, text):
        return Tracker("s", {"requested_slot": requested}, {"text": text, "intent": {}, "entities": []},
                       [], False, None, None, None)
    story = "半年了我还是每天晚上睡不着，孩子们都说我瘦了一大圈，就想找个人说说话"
    assert not asks_for_human(tracker("topic", story))
    assert asks_for_human(tracker("topic", "我想找个人工"))
    assert asks_for_human(tracker("phone", "找个人跟我说"))


def test_an_address_to_put_down_names_no_one():
    from nlu.rules.person_name import find_person_names
    assert find_person_names("她住在我们老房子那边，你就写梅花碑小区2幢3单元102吧") == []


@pytest.mark.parametrize("text, written, building, unit, room", [
    ("我住在 锦绣花园 三栋 二单元 五零二 哎不对不对 是六零二", "锦绣花园3栋2单元602", "3", "2", "602"),
    ("长乐路 一百二十弄 七号 三楼 哦不对不对 是四楼", "长乐路120弄7号4楼", "7", None, None),
    # a part before the last put right, and the parts after it said again
    ("金水花园 七号楼 三单元 不是 四单元 六零二 四单元六零二", "金水花园7号楼4单元602", "7", "4", "602"),
    ("骏景花园 九座 一五零二 唔系 系一五零三", "骏景花园9座1503", "9", None, "1503"),
    # a time after the address puts nothing right
    ("3号楼2单元502 三点以后", "3号楼2单元502", "3", "2", "502"),
])
def test_an_address_part_put_right_as_it_is_said(text, written, building, unit, room):
    match = find_address(text)
    assert (written_address(match.text), match.building, match.unit, match.room) == (written, building, unit, room)


def test_a_named_repair_category_beats_the_catch_all():
    assert lookup("他家卫生间天花板往下滴水", "repair_category").value == "water"
    assert lookup("天花板掉皮了", "repair_category").value == "other"


def test_what_the_address_is_then_what_it_is_not():
    from actions.forms.values import said_address
    assert said_address("地址打错了 是和平里小区4号楼2单元310 不是301") == "和平里小区4号楼2单元310"


@pytest.mark.parametrize("text, value", [
    ("下周三 10am", "2026-12-16T10:00"), ("12/15 3pm", "2026-12-15T15:00"),
    ("12.17 下午2点", "2026-12-17T14:00"), ("下周一 2:30pm", "2026-12-14T14:30"),
])
def test_times_typed_the_short_way(text, value):
    assert [m.value for m in find_times(text, MONDAY)] == [value]


def test_values_typed_one_per_line_stay_apart():
    from actions.forms.values import check_id_number, check_phone
    assert check_phone("东方花园2号楼602\n13611527748").value == "13611527748"
    assert check_id_number("我爸 周建国 310104195803120417\n电话13816720394").value == "310104195803120417"
