"""The linear intent model's features, training, persistence and blending (no Rasa)."""
from __future__ import annotations

import numpy as np
import pytest

from nlu.linear_intent_classifier import blend
from nlu.rules.intent_features import (
    LinearIntentModel, Vocabulary, char_ngrams, cue_features, normalise, pinyin_ngrams)

TRAIN = {
    "elderly_allowance": ["我要申请高龄津贴", "帮我妈办高龄津贴", "给我爸申请高龄补贴", "想办高龄津贴"],
    "faq": ["高龄津贴要什么条件", "高龄津贴需要带什么材料", "你们几点下班", "服务中心在哪里"],
    "property_repair": ["水管漏水了", "我要报修", "电梯坏了派人来修", "楼道灯不亮了"],
    "greet": ["你好", "在吗", "喂你好", "您好"],
}


def _training_pairs():
    return [t for texts in TRAIN.values() for t in texts], [i for i, texts in TRAIN.items() for _ in texts]


@pytest.fixture(scope="module")
def model() -> LinearIntentModel:
    return LinearIntentModel.train(*_training_pairs())


def test_values_become_shapes_so_digits_do_not_decide_the_intent():
    assert normalise("电话13812345678") == normalise("电话13900001111") == "电话号"
    assert normalise("身份证11010519491231002X") == "身份证证"
    assert normalise("3号楼 502") == "0号楼 0"


def test_char_ngrams_mark_word_edges():
    assert {" 报", "报修", "修 "} <= set(char_ngrams("报修"))
    assert " 报修" in char_ngrams("报修", longest=3) and " 报修" not in char_ngrams("报修", longest=2)
    assert set(char_ngrams("我要 报修")) >= {" 我", "要 ", " 报"} and "要 报" not in char_ngrams("我要 报修", 3)


def test_homophones_share_pinyin_features():
    assert pinyin_ngrams("设保认证") == pinyin_ngrams("社保认证")
    assert "she_bao" in pinyin_ngrams("社保认证")


def test_cues_tell_a_question_about_a_service_from_a_request_for_it():
    question, request = set(cue_features("高龄津贴要什么条件")), set(cue_features("帮我妈申请高龄津贴"))
    assert "svc_elderly_allowance_Q" in question and "svc_elderly_allowance_Q" not in request
    assert "svc_elderly_allowance_R" in request
    assert cue_features("今天天气不错") == ["cue_N", "nosvc_N"]


def test_vocabulary_weights_rows_to_unit_length_and_ignores_unknown_features():
    vocabulary = Vocabulary.fit([["a", "b"], ["a"]])
    rows = vocabulary.transform([["a", "b", "b"], ["zzz"], []]).toarray()
    assert np.isclose(np.linalg.norm(rows[0]), 1.0)
    assert not rows[1].any() and not rows[2].any()
    assert rows[0][vocabulary.index["b"]] > rows[0][vocabulary.index["a"]]  # rarer and repeated


def test_model_separates_asking_from_applying_and_reads_misheard_names(model):
    assert model.rank("高龄津贴要带哪些材料")[0][0] == "faq"
    assert model.rank("我想给我爸办个高龄津贴")[0][0] == "elderly_allowance"
    assert model.rank("我想给我爸办个高林津贴")[0][0] == "elderly_allowance"
    assert model.rank("厨房水管漏了")[0][0] == "property_repair"


def test_ranking_is_a_probability_distribution_best_first(model):
    ranking = model.rank("你好啊")
    assert ranking[0][0] == "greet"
    assert sorted(name for name, _ in ranking) == sorted(TRAIN)
    assert np.isclose(sum(p for _, p in ranking), 1.0)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_saved_model_loads_without_pickle_and_scores_the_same(model, tmp_path):
    model.save(tmp_path)
    loaded = LinearIntentModel.load(tmp_path)
    texts = ["我要报修", "高龄津贴条件", "随便说点什么"]
    assert np.allclose(loaded.probabilities(texts), model.probabilities(texts))
    assert loaded.labels == model.labels


def test_two_intents_give_two_margins():
    two = LinearIntentModel.train(["你好", "您好", "水管漏了", "灯坏了"], ["greet", "greet", "fix", "fix"])
    assert two.rank("你好呀")[0][0] == "greet" and two.rank("水管坏了")[0][0] == "fix"


def test_blend_weighs_the_earlier_ranking_and_ours():
    earlier = [{"name": "faq", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    ours = [("greet", 0.7), ("faq", 0.2), ("property_repair", 0.1)]
    mixed = blend(earlier, ours, 0.5)
    assert mixed[0] == ("faq", pytest.approx(0.55))
    assert dict(mixed)["property_repair"] == pytest.approx(0.05)
    assert blend([], ours, 0.5) == ours
    assert blend(earlier, ours, 0.0)[0][0] == "greet"


def test_empty_text_gets_no_intent_so_the_fallback_can_act():
    """Rasa's FallbackClassifier fails on a message without an intent (found by the fuzz run)."""
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from nlu.linear_intent_classifier import LinearIntentClassifier

    classifier = LinearIntentClassifier({}, None, None, LinearIntentModel.train(*_training_pairs()))
    empty, blank, said = Message({TEXT: ""}), Message({TEXT: "   "}), Message({TEXT: "我要报修"})
    classifier.process([empty, blank, said])
    for message in (empty, blank):
        assert message.get(INTENT) == {"name": None, "confidence": 0.0}
        assert message.get(INTENT_RANKING_KEY) == []
    assert said.get(INTENT)["name"] == "property_repair"
