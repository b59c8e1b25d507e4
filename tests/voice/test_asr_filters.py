"""What the recogniser writes over noise is dropped before it reaches the dialogue."""
import pytest

from voice.asr import Recognition, compression_ratio, rejected


def heard(text: str, no_speech: float = 0.1, logprob: float = -0.4) -> Recognition:
    return Recognition(text, no_speech, logprob, compression_ratio(text), 2.0, rms=0.05)


@pytest.mark.parametrize("text", ["作词作曲，电话13845678", "谢谢大家观看", "请不吝点赞 订阅 转发 打赏"])
def test_subtitle_and_song_credit_phrases_are_no_caller_words(text):
    assert rejected(heard(text), "zh") == "subtitle phrase"


def test_a_caller_s_phone_number_is_kept():
    assert rejected(heard("我的电话是13845678123"), "zh") is None
