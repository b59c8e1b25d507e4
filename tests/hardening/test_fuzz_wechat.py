"""The WeChat channel's XML parsing (channels/wechat/parse.py) on arbitrary and
hostile bodies: a message the channel can read or NotAMessage (400), nothing
else; every DTD refused before anything is expanded. Bounded here; `python -m
bench.fuzz` runs longer and times the parses. The same bodies against the running
webhook: tests/channels/wechat."""
from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings

from channels.wechat.parse import NotAMessage, parse_wechat_xml
from tests.channels.wechat.simulator import text_xml
from tests.hardening.fuzzing_wechat import DTDS, check_wechat_xml, wechat_xml_inputs

# Refusing any of the DTDs allocates about 25 kB; expanding even 10^5 of the billion
# laughs' 10^9 "lol"s takes 700 kB.
REFUSAL_PEAK_BYTES = 256 * 1024
BOUNDED = settings(max_examples=300, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.filter_too_much])


def test_any_body_is_a_message_or_a_clean_refusal():
    outcomes: list[str] = []

    @BOUNDED
    @given(xml=wechat_xml_inputs)
    def fuzz(xml):
        outcomes.append(check_wechat_xml(xml))

    fuzz()
    # both sides were reached: the random messages are not all refused up front
    assert {"parsed", "refused"} <= set(outcomes)


@pytest.mark.parametrize("name", sorted(DTDS))
def test_every_kind_of_dtd_is_refused_before_anything_is_expanded(name):
    dtd, reference = DTDS[name]
    xml = dtd + text_xml("oTestOpenid0123456789abcdefgh", "x").replace("<![CDATA[x]]>", reference)
    tracemalloc.start()
    try:
        with pytest.raises(NotAMessage, match="forbidden XML construct"):
            parse_wechat_xml(xml)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < REFUSAL_PEAK_BYTES, f"{peak} bytes allocated while refusing {name}"


def test_a_plain_message_still_parses():
    message = parse_wechat_xml(text_xml("oTestOpenid0123456789abcdefgh", "我要报修", 42).encode())
    assert (message.type, message.source, message.content, message.id) == \
        ("text", "oTestOpenid0123456789abcdefgh", "我要报修", 42)
