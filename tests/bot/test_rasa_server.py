"""The action-response check Rasa runs on every action: built once, still strict; and a
spare server that stands by while another serves its port, and takes it once free."""
import asyncio
import os
import socket

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_server
from bot.embedded_redis import free_port


@pytest.fixture
def action():
    rasa_server.install()
    return RemoteAction("action_x", None)


def test_a_good_response_passes(action):
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "phone", "value": "13800000000"}],
         "responses": [{"text": "好的"}]}) is True


@pytest.mark.parametrize("bad", [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": "not a list"},
    {"events": [{"event": 5}]},
])
def test_a_malformed_response_is_still_refused(action, bad):
    with pytest.raises(ValidationError) as refused:
        action._validate_action_result(bad)
    assert "Failed to validate Action server response" in refused.value.message


def test_the_validator_is_built_once():
    assert rasa_server.action_response_validator() is rasa_server.action_response_validator()


def test_our_flag_is_taken_out_of_rasas_arguments(tmp_path):
    argv = ["bot.rasa_server", "run", "--enable-api", "--port", "5123", "--interface",
            "127.0.0.1", "--standby-file", str(tmp_path / "rasa.standby"), "--credentials", "c.yml"]
    rest, standby = rasa_server.standby_from_argv(argv)
    assert rest == ["bot.rasa_server", "run", "--enable-api", "--port", "5123", "--interface",
                    "127.0.0.1", "--credentials", "c.yml"]
    assert standby == (tmp_path / "rasa.standby", "127.0.0.1", 5123)
    assert rasa_server.standby_from_argv(rest) == (rest, None)


def test_a_spare_stands_by_while_the_port_is_served_and_takes_it_when_free(tmp_path):
    """A real listening socket plays the server that serves; the spare's wait ends once
    it closes, and the spare can then bind the port."""
    port, standby = free_port(), tmp_path / "run" / "rasa-spare.standby"
    serving = socket.socket()
    serving.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serving.bind(("127.0.0.1", port))
    serving.listen()

    async def scenario() -> None:
        spare = asyncio.create_task(
            rasa_server.take_port_when_free(standby, "127.0.0.1", port, poll_s=0.01))
        for _ in range(1000):
            if standby.exists():
                break
            await asyncio.sleep(0.01)
        assert standby.read_text() == str(os.getpid())
        assert not spare.done()
        serving.close()  # the serving server dies
        await asyncio.wait_for(spare, timeout=30)

    asyncio.run(scenario())
    assert not standby.exists()
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))  # what Sanic does next


def test_a_free_port_is_taken_at_once(tmp_path):
    asyncio.run(rasa_server.take_port_when_free(tmp_path / "x.standby", "127.0.0.1", free_port()))
    assert not (tmp_path / "x.standby").exists()
