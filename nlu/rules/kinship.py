"""Who a person is to the speaker: the kinship and role words that introduce a name
(我老伴, 孙子, 申请人), and which of them are children (for the child's form)."""
from __future__ import annotations

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
