"""What checking one action server response costs: Rasa's per-call jsonschema.validate
against the validator built once (bot/rasa_server.py). Prints medians of 5 runs.

    .venv/bin/python -m bench.action_validation
"""
from __future__ import annotations

import statistics
import time

from jsonschema import validate
from rasa.core.actions.action import RemoteAction

from bot import rasa_server

# A form turn's response: a dozen slot events, the loop, one message.
RESPONSE = {
    "events": [{"event": "slot", "name": f"s{i}", "value": "x", "timestamp": None} for i in range(12)]
    + [{"event": "active_loop", "name": "property_repair_form"}],
    "responses": [{"text": "请核对您的物业报修信息", "buttons": [], "elements": [], "custom": {},
                   "template": None, "response": None, "image": None, "attachment": None}],
}


def per_call_us(check, n: int = 300) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            check()
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    schema = RemoteAction.action_response_format_spec()
    built = rasa_server.action_response_validator()
    print(f"Rasa's jsonschema.validate per response: {per_call_us(lambda: validate(RESPONSE, schema)):.0f} µs")
    print(f"validator built once:                    {per_call_us(lambda: built.validate(RESPONSE)):.0f} µs")


if __name__ == "__main__":
    main()
