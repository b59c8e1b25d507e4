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


LIMITED_MAX_CALLS = 2
LIMITED_STARTS_PER_IP = 3


@pytest.fixture(scope="session")
def limited_gateway(stack, tts_standin, tmp_path_factory):
    """A gateway with low caps: two calls at once, three call starts per address a minute.
    Loopback is a trusted proxy (X-Forwarded-For names the client); other 127.x addresses
    count as themselves."""
    gw = start_gateway(stack, tmp_path_factory.mktemp("voice-limited"), tts_standin,
                       VOICE_MAX_CALLS=str(LIMITED_MAX_CALLS),
                       VOICE_CALL_STARTS_PER_IP=str(LIMITED_STARTS_PER_IP),
                       VOICE_CALL_STARTS_WINDOW_SECONDS="60",
                       RATE_LIMIT_TRUSTED_PROXIES="127.0.0.1")
    yield gw
    gw.proc.stop()
