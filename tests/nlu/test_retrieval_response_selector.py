"""The FAQ response selector runs only where its answer is read, and answers as before.

Policy questions are held-out ones (tests/nlu_eval/test_set.yml); each got the same
answer, with the same confidence, from Rasa's own ResponseSelector trained on the same
data (all 620 policy questions of the held-out sets and the training data were compared
when the component replaced it).
"""
import asyncio

import pytest
import yaml

from bot.run import ROOT
from nlu.retrieval_response_selector import selects_for
from tests.stack import ensure_model


def test_only_the_retrieval_intent_is_selected_for():
    assert selects_for("faq", "faq", ["faq"])
    assert not selects_for("property_repair", "faq", ["faq"])
    assert not selects_for("nlu_fallback", "faq", ["faq"])
    assert not selects_for(None, "faq", ["faq"])
    # A selector trained on every retrieval intent answers each of them.
    assert selects_for("chitchat", None, ["faq", "chitchat"])
    assert not selects_for("greet", None, ["faq", "chitchat"])


@pytest.fixture(scope="module")
def parse():
    from rasa.core.agent import Agent

    agent = Agent.load(str(ensure_model()))

    def parse_text(text: str) -> dict:
        return asyncio.run(agent.parse_message(text))

    return parse_text


def faq_answers() -> dict:
    return yaml.safe_load((ROOT / "bot" / "domain" / "faq.yml").read_text())["responses"]


@pytest.mark.slow
@pytest.mark.parametrize("text, key", [
    ("你们下午几点下班啊", "faq/office_hours"),
    ("社区服务中心具体在哪条路上", "faq/centre_location"),
    ("办居住证要带身份证和租房合同吗", "faq/residence_permit_materials"),
])
def test_a_policy_question_gets_its_answer(parse, text, key):
    parsed = parse(text)
    assert parsed["intent"]["name"] == "faq"
    chosen = parsed["response_selector"]["faq"]["response"]
    assert chosen["intent_response_key"] == key
    assert chosen["responses"][0]["text"] == faq_answers()[f"utter_{key}"][0]["text"]
    assert parsed["intent"]["full_retrieval_intent_name"] == key


@pytest.mark.slow
@pytest.mark.parametrize("text", ["我家水管漏水了", "我要做社保认证", "谢谢", "对"])
def test_any_other_message_skips_the_selector(parse, text):
    parsed = parse(text)
    assert parsed["intent"]["name"] != "faq"
    assert "response_selector" not in parsed
