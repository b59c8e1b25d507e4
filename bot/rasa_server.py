"""Start Rasa's server (`python -m bot.rasa_server run ...`, the `rasa` command's arguments)
with one change to Rasa itself: action responses are checked by a validator built once.

Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`,
which first checks the *schema itself* against the JSON Schema meta-schema and builds a
new validator, on every call. Under load a sampling profile put 57% of the Rasa server's
CPU there. The same schema and the same checks, compiled once, cost a fraction of that;
a malformed response is still refused with the same `ValidationError`
(tests/bot/test_rasa_server.py). Nothing else of Rasa is touched.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not per response
    return cls(schema)


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions")
        raise e


def install() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
