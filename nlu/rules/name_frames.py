"""The frames that introduce a name and say who the person is: a cue (我叫, 名字是), a
kinship or role word before it (我老伴叫周玉芬, 帮我爸何建军申请, 是我外婆，名字叫钱桂香) or
after it (钱桂香是我外婆). Each frame gives a role and where the name should start;
reading the name itself is `name_reading`'s."""
from __future__ import annotations

import re
from typing import Iterator

from nlu.rules.kinship import RELATIONS
from nlu.rules.name_reading import NAME_CHARS

_REL = "(?:" + "|".join(RELATIONS) + ")"
# How an elder is called by neighbours and helpers (王秀英阿姨, 独居老人屈秀梅)
_ELDER = r"(?:老人家|老人|老太太|老爷子|老大爷|老爷爷|老奶奶|阿姨|大爷|奶奶|爷爷|大妈|大娘|婆婆|阿婆|阿公|阿伯|伯伯|嬢嬢|孃孃)"
_POSSESSOR = r"(?:我们?家?|俺家?|咱家?|他|她|佢|他们|老人|孩子)?的?"
_CALLED = r"(?:姓[\u4e00-\u9fff]{1,2}[，,\s]*(?:名字)?叫|的?(?:名字|姓名|大名|全名)\s*(?:叫做?|是|为|[:：])?|叫做?|名叫|是)"

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
    # 结对帮扶的独居老人屈秀梅 / 我们楼的阿姨王桂兰: an elder described, then named
    ("served", re.compile(rf"(?:独居|孤寡|空巢|残疾|困难|的)(?P<rel>{_ELDER})[\s，,]?(?P<n>)")),
    # 帮我们楼的孙秀珍阿姨办 / 给王德顺老人家申请: the whole name, then how a neighbour calls them
    ("served", re.compile(rf"(?:(?<=[的帮给替为和跟，,。\s])|^)(?P<n>)(?={NAME_CHARS}{{2,3}}?{_ELDER})")),
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
    rf"(?<![\u4e00-\u9fff])(?P<n>{NAME_CHARS}{{2,4}}?)是(?:我|俺|咱)们?家?的?(?P<rel>{_REL})")


def frame_candidates(text: str) -> Iterator[tuple[str, int, str | None, bool]]:
    """(role, where the name starts, relation word, whether it must start with a surname)
    for each frame that introduces a name in ``text``."""
    for role, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            yield role, m.start("n"), m.groupdict().get("rel"), role != "named"
    for m in _NAME_THEN_RELATION.finditer(text):
        yield "served", m.start("n"), m.group("rel"), True
