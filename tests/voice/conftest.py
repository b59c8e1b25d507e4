import pytest

from tests.voice.helpers import start_gateway, start_standin


@pytest.fixture(scope="session")
def tts_standin(tmp_path_factory):
    proc, base = start_standin(tmp_path_factory.mktemp("standin"))
    yield base
    proc.stop()


@pytest.fixture(scope="session")
def gateway(stack, tts_standin, tmp_path_factory):
    """The gateway as `make run` starts it, pointed at the test stack and the TTS stand-in."""
    gw = start_gateway(stack, tmp_path_factory.mktemp("voice"), tts_standin)
    yield gw
    gw.proc.stop()


@pytest.fixture(scope="session")
def quick_silence_gateway(stack, tts_standin, tmp_path_factory):
    gw = start_gateway(stack, tmp_path_factory.mktemp("voice-silence"), tts_standin,
                       VOICE_SILENCE_SECONDS="1", VOICE_SILENCE_REPROMPTS="1")
    yield gw
    gw.proc.stop()
