"""The NLU's pure functions (nlu/rules/) on arbitrary and hostile text: they never
raise, and their work stays bounded: the time functions in parses of JioNLP's time
parser (nlu.rules.timeexpr.PARSE_BUDGET), the others in CPU time far above what they
use. How fast they are is measured by `python -m bench.fuzz`, which also runs longer."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from nlu.rules.timeexpr import PARSE_BUDGET, find_times
from tests.hardening.fuzzing import (
    NLU_FUNCTIONS, NOW, PATHOLOGICAL, TIME_FUNCTIONS, check_nlu, check_nlu_bounded,
    counting_time_parses, resident_text,
)

BOUNDED = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Random text for the time functions stays short to keep this test quick (a long run of
# time words costs up to PARSE_BUDGET parses); the long runs are checked below.
SHORT_FOR_TIME = 24


@pytest.mark.parametrize("name", sorted(NLU_FUNCTIONS))
@BOUNDED
@given(text=resident_text())
def test_never_raises(name, text):
    if name in TIME_FUNCTIONS:
        text = text[:SHORT_FOR_TIME]
    check_nlu(name, text)


@pytest.mark.parametrize("name", sorted(set(NLU_FUNCTIONS) - set(TIME_FUNCTIONS)))
def test_long_repetitive_messages_do_not_backtrack(name):
    for text in PATHOLOGICAL:
        check_nlu_bounded(name, text)


def parses_for(text: str) -> tuple[int, list]:
    with counting_time_parses() as calls:
        matches = find_times(text, NOW)
    return calls[0], matches


def assert_bounded(parses: int, matches: list) -> None:
    # the message's budget, plus one re-reading per year-less date found in the past
    assert parses <= PARSE_BUDGET + len(matches), f"{parses} parses"


WITHOUT_TIME_RUNS = [t for t in PATHOLOGICAL if not t.startswith(("明天", "1-"))]


@pytest.mark.parametrize("text", WITHOUT_TIME_RUNS, ids=[f"{t[:4]}..{len(t)}" for t in WITHOUT_TIME_RUNS])
def test_time_extraction_on_long_messages_without_time_words(text):
    assert_bounded(*parses_for(text))


# Unbounded, each of these took thousands of parses (明天x30, parsed whole: 10,451;
# 明天x100: 7,848 in three windows) and seconds of CPU.
TIME_RUNS = {"明天x30": "明天" * 30, "明天x100": "明天" * 100, "明天x500": "明天" * 500,
             "下周三下午两点x8": "下周三下午两点" * 8, "1-x300": "1-" * 300}


@pytest.mark.parametrize("text", TIME_RUNS.values(), ids=TIME_RUNS.keys())
def test_time_extraction_on_long_runs_of_time_words(text):
    parses, matches = parses_for(text)
    assert_bounded(parses, matches)
    if text.startswith(("明天", "下周三")):  # still read, as far as the budget goes
        assert matches and matches[0].start == 0 and matches[0].value.startswith("2026-12-0")


def test_a_time_after_a_long_message_is_still_found():
    """The budget is per message: one long run does not starve the next message."""
    parses_for("明天" * 100)
    parses, [match] = parses_for("我明天上午有空")
    assert match.text == "明天上午" and match.value == "2026-12-01T09:00"
    assert 0 < parses < 50


def test_extractors_still_find_values_in_noise():
    # The fuzzing above only proves absence of crashes; the extractors must still work.
    from nlu.rules.phone import find_phones
    noisy = "😀\u200b" * 20 + "电话１３８ １２３４ ５６７８" + "\ufffd" * 5
    assert [m.value for m in find_phones(noisy)] == ["13812345678"]
