"""`make run` starts the gateway after Rasa, pointed at it, and prints where to reach it."""
from pathlib import Path

from bot.run import Layout, build_specs, child_env


def test_make_run_starts_the_gateway_after_rasa():
    layout = Layout(5005, 5055, 8000, 6390, Path("/tmp/var"), Path("model.tar.gz"),
                    voice_port=8200, audiosocket_port=8201)
    specs = build_specs(layout, "redis://127.0.0.1:6390/0", {"REDIS_URL": "redis://127.0.0.1:6390/0"})
    names = [s.name for s in specs]
    assert names.index("voice") > names.index("rasa")
    voice = specs[names.index("voice")]
    assert voice.argv[1:] == ["-m", "voice"] and voice.port == 8200
    assert voice.env["VOICE_RASA_URL"] == "http://127.0.0.1:5005"
    assert voice.env["VOICE_AUDIOSOCKET_PORT"] == "8201"
    urls = layout.urls("redis://127.0.0.1:6390/0")
    assert urls["Hotline call page"] == "http://127.0.0.1:8200/call"
    assert urls["Hotline AudioSocket"] == "tcp://127.0.0.1:8201"


def test_without_a_voice_port_no_gateway_is_started():
    layout = Layout(5005, 5055, 8000, None, Path("/tmp/var"), Path("model.tar.gz"))
    assert "voice" not in [s.name for s in build_specs(layout, "redis://x:1/0", {})]


def test_make_run_gives_rasa_and_the_gateway_one_voice_token_per_run():
    layout = Layout(5005, 5055, 8000, None, Path("/tmp/var"), Path("model.tar.gz"),
                    voice_port=8200, audiosocket_port=8201)
    runs = []
    for _ in range(2):
        env = child_env(layout, "redis://x:1/0", {})
        specs = {s.name: s for s in build_specs(layout, "redis://x:1/0", env)}
        token = specs["rasa"].env["VOICE_CHANNEL_TOKEN"]
        assert len(token) >= 32 and specs["voice"].env["VOICE_CHANNEL_TOKEN"] == token
        runs.append(token)
    assert runs[0] != runs[1]  # made per run, no development default
    set_env = child_env(layout, "redis://x:1/0", {"VOICE_CHANNEL_TOKEN": "from-the-vault"})
    assert set_env["VOICE_CHANNEL_TOKEN"] == "from-the-vault"
