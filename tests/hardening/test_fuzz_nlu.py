"""The NLU's pure functions (nlu/rules/) on arbitrary and hostile text: they
never raise and stay fast. Bounded here; `python -m bench.fuzz` runs longer."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.hardening.fuzzing import (
    NLU_FUNCTIONS, PATHOLOGICAL, SLOW_FUNCTIONS, check_nlu, check_nlu_bounded, resident_text,
)

BOUNDED = settings(max_examples=60, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# JioNLP's time extractor tries every sub-span of a run of time words; nlu/rules/timeexpr.py
# gives it bounded windows only. Random text for the time functions stays short to keep
# this test quick; the long runs are checked below.
TIME_FUNCTIONS = sorted(SLOW_FUNCTIONS)
SHORT_FOR_TIME = 24


@pytest.mark.parametrize("name", sorted(NLU_FUNCTIONS))
@BOUNDED
@given(text=resident_text())
def test_never_raises_and_stays_fast(name, text):
    if name in TIME_FUNCTIONS:
        text = text[:SHORT_FOR_TIME]
    check_nlu(name, text)


@pytest.mark.parametrize("name", sorted(set(NLU_FUNCTIONS) - set(TIME_FUNCTIONS)))
def test_long_repetitive_messages_do_not_backtrack(name):
    for text in PATHOLOGICAL:
        check_nlu_bounded(name, text)


WITHOUT_TIME_RUNS = [t for t in PATHOLOGICAL if not t.startswith(("明天", "1-"))]


@pytest.mark.parametrize("text", WITHOUT_TIME_RUNS, ids=[f"{t[:4]}..{len(t)}" for t in WITHOUT_TIME_RUNS])
def test_time_extraction_on_long_messages_without_time_words(text):
    check_nlu_bounded("find_times", text)


@pytest.mark.parametrize("text", ["明天" * 100, "1-" * 300], ids=["明天x100", "1-x300"])
def test_time_extraction_on_long_runs_of_time_words(text):
    check_nlu_bounded("find_times", text)


def test_extractors_still_find_values_in_noise():
    # The fuzzing above only proves absence of crashes; the extractors must still work.
    from nlu.rules.phone import find_phones
    noisy = "😀\u200b" * 20 + "电话１３８ １２３４ ５６７８" + "\ufffd" * 5
    assert [m.value for m in find_phones(noisy)] == ["13812345678"]
