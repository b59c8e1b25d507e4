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
# JioNLP's time extractor (called from nlu/rules/timeexpr.py:_jio_matches) tries every
# sub-span of a run of time words: 明天 x 40 takes seconds, x 500 over a minute. Until
# that is bounded in nlu/, random text for the time functions stays short and the long
# inputs are an expected failure (strict: the marker must go once it is fixed).
TIME_FUNCTIONS = sorted(SLOW_FUNCTIONS)
SHORT_FOR_TIME = 24
QUADRATIC_TIME = pytest.mark.xfail(
    strict=True, reason="JioNLP time extraction is super-linear on long runs of time words "
                        "(nlu/rules/timeexpr.py:230 _jio_matches): reported to the lead")


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


@QUADRATIC_TIME
@pytest.mark.parametrize("text", ["明天" * 100, "1-" * 300], ids=["明天x100", "1-x300"])
def test_time_extraction_on_long_runs_of_time_words(text):
    check_nlu_bounded("find_times", text)


def test_extractors_still_find_values_in_noise():
    # The fuzzing above only proves absence of crashes; the extractors must still work.
    from nlu.rules.phone import find_phones
    noisy = "😀\u200b" * 20 + "电话１３８ １２３４ ５６７８" + "\ufffd" * 5
    assert [m.value for m in find_phones(noisy)] == ["13812345678"]
