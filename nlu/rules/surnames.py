"""Chinese surnames: the single and compound ones a name must start with, and the way
people spell a surname out on the phone by its parts (弓长张, 木子李)."""
from __future__ import annotations

# Single-character surnames in common use (百家姓 and the most frequent modern ones)
# and the compound ones; a name must start with one of them.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁"
    "胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜"
    "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由"
)
COMPOUND_SURNAMES = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "申屠", "百里", "呼延", "万俟", "闻人",
    "澹台", "公冶", "濮阳", "太史", "钟离", "宗政", "拓跋", "东郭", "司空", "左丘", "第五", "赫连",
}

# A character told by its parts, ending with the character itself: the surnames people
# spell out most (口天吴, 耳东陈) ...
COMMON_SPELLINGS = ("口天吴", "耳东陈", "弓长张", "立早章", "木子李", "双木林", "古月胡")
# ... and the rest heard on the line, surnames and a few given-name characters (日月明,
# 王子玉). 两点水一个马 and the other 两点水 forms spell 冯, which does not end them.
SPELLED_OUT = COMMON_SPELLINGS + (
    "言午许", "人可何", "子小孙", "关耳郑", "走肖赵", "三横一竖王", "文刀刘", "双口吕", "禾呈程", "日月明",
    "王子玉", "工口吕", "木易杨",
    "三横王", "三横一竖的王", "两点水一个马", "两点水加个马", "两点水的冯",
    "口十叶", "日天昊", "三划王", "双人徐", "耳刀陈", "禾口和", "女良娘", "女生姓", "金欠钦", "言身寸谢",
    "双人彭", "十八子李", "木公松")


def surname_len(text: str) -> int:
    """How many characters of the surname ``text`` starts with: 2, 1, or 0 for none."""
    if text[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if text[:1] in SURNAMES else 0
