"""The action-response check Rasa runs on every action: built once, still strict."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_server


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
