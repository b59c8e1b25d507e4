"""Start Rasa's server (`python -m bot.rasa_server run ...`, the `rasa` command's arguments)
with five changes to Rasa itself: action responses are checked by a validator built once;
the policies' dialogue states are worked out once per turn (`bot/state_history.py`:
Rasa rebuilt them from the first event for every policy and prediction); a tracker's
applied events are carried on from their last walk (`bot/applied_events.py`); the action
server's request body reuses each event's JSON (`bot/action_call.py`); and the loaded
prediction graph gives TED the RulePolicy's prediction, so that TED does not run its model
where the rule's prediction wins anyway (`nlu/rule_first_ted_policy.py`).

Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`,
which first checks the *schema itself* against the JSON Schema meta-schema and builds a
new validator, on every call. Under load a sampling profile put 57% of the Rasa server's
CPU there. The same schema and the same checks, compiled once, cost a fraction of that;
a malformed response is still refused with the same `ValidationError`
(tests/bot/test_rasa_server.py).

It also serves Prometheus metrics at /metrics: `assistant_turn_seconds`, the time from
a resident's message reaching a channel's webhook to that webhook's reply, by channel.

`--standby-file FILE` (ours, not Rasa's) makes a warm spare: a server whose port is
taken once its model is loaded writes FILE and waits, model in memory, until the port is
free, then removes FILE, drops the conversation locks the dead server left (each would
hold its resident's next turn for 60 s) and serves. Loading takes 20-40 s on a small
machine; taking over from a server that died takes well under a second. `make run` starts two servers this
way (bot/run.py): whichever loads first serves, the other stands by, and the one that
dies comes back as the spare.
Nothing else of Rasa is touched.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Text, Tuple, Type

from prometheus_client import Histogram

from bot.metrics import LATENCY_BUCKETS, time_sanic_requests
from bot.ports import port_free

logger = logging.getLogger(__name__)
STANDBY_FLAG = "--standby-file"

TURN_SECONDS = Histogram(
    "assistant_turn_seconds", "Seconds from a message at a channel's webhook to its reply",
    ["channel", "outcome"], buckets=LATENCY_BUCKETS)
# A resident's turn: a POST to /webhooks/<channel>/webhook (rest, wechat, webchat, voice).
_TURN_PATH = re.compile(r"^/webhooks/(?P<channel>[A-Za-z0-9_]+)/webhook$")


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


def load_predict_graph_runner(storage_path: Path, model_archive_path: Path,
                              model_storage_class: Type[Any], graph_runner_class: Type[Any],
                              ) -> Tuple[Any, Any]:
    """Rasa 3.6's `rasa.engine.loader.load_predict_graph_runner`, with the prediction graph
    given the edge RuleFirstTEDPolicy reads the RulePolicy's prediction from."""
    from rasa.engine.graph import ExecutionContext

    from nlu.rule_first_ted_policy import with_rule_prediction

    model_storage, model_metadata = model_storage_class.from_model_archive(
        storage_path=storage_path, model_archive_path=model_archive_path)
    model_metadata.predict_schema = with_rule_prediction(model_metadata.predict_schema)
    runner = graph_runner_class.create(
        graph_schema=model_metadata.predict_schema, model_storage=model_storage,
        execution_context=ExecutionContext(graph_schema=model_metadata.predict_schema,
                                           model_id=model_metadata.model_id))
    return model_metadata, runner


def add_metrics(app: Any) -> None:
    """Time every turn by channel, and serve /metrics (on the Sanic app Rasa built)."""
    time_sanic_requests(
        app, TURN_SECONDS,
        timed=lambda request: request.method == "POST" and bool(_TURN_PATH.match(request.path)),
        labels=lambda request, response: (_TURN_PATH.match(request.path)["channel"],))


def install() -> None:
    import rasa.core.run
    import rasa.engine.loader
    from rasa.core.actions.action import RemoteAction

    from bot import action_call, applied_events, state_history

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    state_history.install()
    applied_events.install()
    action_call.install()
    rasa.engine.loader.load_predict_graph_runner = load_predict_graph_runner
    configure_app = rasa.core.run.configure_app
    if getattr(configure_app, "with_metrics", False):
        return

    def configure_app_with_metrics(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        add_metrics(app)
        return app

    configure_app_with_metrics.with_metrics = True  # type: ignore[attr-defined]
    rasa.core.run.configure_app = configure_app_with_metrics


async def take_port_when_free(standby_file: Path, host: str, port: int,
                              poll_s: float = 0.1) -> bool:
    """Return once the port could be bound; while another server holds it, stand by with
    `standby_file` written (the process id in it). Whether it stood by."""
    if port_free(port, host):
        return False
    logger.info("model loaded; port %s is served by another Rasa server: standing by to "
                "take it over", port)
    standby_file.parent.mkdir(parents=True, exist_ok=True)
    standby_file.write_text(str(os.getpid()))
    try:
        while not port_free(port, host):
            await asyncio.sleep(poll_s)
    finally:
        standby_file.unlink(missing_ok=True)
    logger.info("port %s is free: taking it over", port)
    return True


def drop_lock_tickets(agent: Any) -> None:
    """Tickets of the conversation lock store left by the server that died (it served
    alone), so that a resident whose turn died with it is not held up to 60 s."""
    drop = getattr(agent.lock_store, "drop_every_ticket", None)
    if drop:
        logger.info("dropped the locks of %s conversations left by the server that died", drop())


def stand_by(standby_file: Path, host: str, port: int) -> None:
    """Have the server, once Rasa has loaded its model (the last step before Sanic binds
    the port), wait for the port instead of failing on it."""
    import rasa.core.run

    load_agent = rasa.core.run.load_agent_on_start

    async def load_agent_then_take_port(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent(*args, **kwargs)
        if await take_port_when_free(standby_file, host, port):
            drop_lock_tickets(agent)
        return agent

    rasa.core.run.load_agent_on_start = load_agent_then_take_port


def standby_from_argv(argv: list[str]) -> Tuple[list[str], Any]:
    """The `rasa` arguments without ours, and (file, interface, port) with --standby-file."""
    rest, standby_file = [], None
    items = iter(argv)
    for arg in items:
        if arg == STANDBY_FLAG:
            standby_file = Path(next(items))
        elif arg.startswith(STANDBY_FLAG + "="):
            standby_file = Path(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    if standby_file is None:
        return rest, None
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-p", "--port", type=int, default=5005)  # `rasa run`'s defaults
    parser.add_argument("-i", "--interface", default="0.0.0.0")
    known, _ = parser.parse_known_args(rest)
    return rest, (standby_file, known.interface, known.port)


def main() -> None:
    install()
    sys.argv, standby = standby_from_argv(sys.argv)
    if standby:
        stand_by(*standby)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
