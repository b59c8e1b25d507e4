"""Start the action server (`python -m bot.action_server`, rasa-sdk's arguments) with metrics.

rasa-sdk's own extension point (a plugin's `attach_sanic_app_extensions`) adds
/metrics and times each action call: `assistant_action_seconds` by action name and
outcome. The actions themselves are rasa-sdk's, loaded from `--actions` as before.
"""
from __future__ import annotations

from typing import Any

import pluggy
from prometheus_client import Histogram

from bot.metrics import LATENCY_BUCKETS, time_sanic_requests

ACTION_SECONDS = Histogram(
    "assistant_action_seconds", "Seconds the action server took to run an action",
    ["action", "outcome"], buckets=LATENCY_BUCKETS)

hookimpl = pluggy.HookimplMarker("rasa_sdk")


def action_name(request: Any) -> str:
    """The action of a /webhook call; rasa-sdk has parsed the body by the time we ask."""
    try:
        return str((request.json or {}).get("next_action") or "none")
    except Exception:  # a compressed or malformed body: the call failed anyway
        return "unreadable"


class ActionMetrics:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Any) -> None:
        # An unknown name (404) is not a label: anyone could make up names.
        time_sanic_requests(
            app, ACTION_SECONDS, timed=lambda request: request.path == "/webhook",
            labels=lambda request, response: (
                action_name(request) if response.status != 404 else "unknown",))


def main() -> None:
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from rasa_sdk.plugin import plugin_manager

    plugin_manager().register(ActionMetrics())
    rasa_sdk_main()


if __name__ == "__main__":
    main()
