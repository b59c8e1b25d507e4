"""Cantonese read as Mandarin, one character for one so every position, and so every
span found in the reading, holds in what was said. Two readings for two readers:

- the vocabulary look-up reads every Cantonese function word as its Mandarin one
  (楼梯间啲灯坏咗 → 楼梯间的灯坏了, 屋企冇水 → 屋企没水);
- the name frames read only the pronoun 佢 and the copula 系 after a pronoun (我系佢女婿 →
  我是他女婿): 系 elsewhere is Mandarin (关系, 联系), and the other words would shift
  frames that were written for what residents say.
"""
from __future__ import annotations

import re

# 佢: he or she
_PRONOUNS = {"佢": "他"}
# Function words (啲灯坏咗 → 的灯坏了, 唔着 → 不着, 冇水 → 没水)
_FUNCTION_WORDS = {"咗": "了", "啲": "的", "嘅": "的", "唔": "不", "冇": "没", "係": "是", "嚟": "来", "喺": "在",
                   **_PRONOUNS}
CANTONESE_CHARS = str.maketrans(_FUNCTION_WORDS)
_PRONOUN_CHARS = str.maketrans(_PRONOUNS)
_COPULA_AFTER_PRONOUN = re.compile(r"(?<=[我你他她佢])系")


def chars_as_mandarin(text: str) -> str:
    """Every Cantonese function word in ``text`` read as its Mandarin one."""
    return text.translate(CANTONESE_CHARS)


# Shanghainese 伊 (he, she) where it introduces a name: 伊叫钱福生, 伊个名字是… (伊 is also a
# surname and a syllable of names, so only before a naming word)
_WU_PRONOUN = re.compile(r"伊(?=叫|是|姓|个?名字|的名字|额名字)")


def pronouns_as_mandarin(text: str) -> str:
    """佢 read as 他, and 系 after a pronoun as 是 (我系佢女婿 → 我是他女婿); the Shanghainese
    伊 before a naming word as 他 (伊叫钱福生)."""
    text = _WU_PRONOUN.sub("他", text.translate(_PRONOUN_CHARS))
    return _COPULA_AFTER_PRONOUN.sub("是", text)
