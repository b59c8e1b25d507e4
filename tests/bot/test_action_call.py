"""The action server's request body (bot/action_call.py) is, byte for byte, the JSON Rasa
sends, with each event's JSON reused across calls and turns."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, EntitiesAdded,
                                     SessionStarted, SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import action_call

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture
def installed() -> Iterator[None]:
    action_call.install()
    yield
    action_call.uninstall()


def rasas(action: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> str:
    return json.dumps(action_call.RASA_ACTION_CALL_FORMAT(action, tracker, domain))


def turn(n: int) -> list:
    text = f"我家水管漏水了，电话138{n:08d}，地址3号楼2单元50{n % 10}\"引号\"\\反斜杠 😀"
    entities = [{"entity": "phone", "value": f"138{n:08d}", "start": 9, "end": 20,
                 "extractor": "PhoneExtractor"}]
    return [UserUttered(text, {"name": "property_repair", "confidence": 0.93}, entities,
                        parse_data={"text": text, "entities": entities,
                                    "intent": {"name": "property_repair", "confidence": 0.93},
                                    "intent_ranking": [{"name": "property_repair",
                                                        "confidence": 0.93}]},
                        input_channel="rest", message_id=f"m{n}", metadata={"n": n}),
            SlotSet("phone", f"138{n:08d}"), ActionExecuted("property_repair_form"),
            ActiveLoop("property_repair_form"), SlotSet("requested_slot", "address"),
            BotUttered(f"请问地址是？{n}", {"buttons": None}, {"utter_action": "utter_ask_address"}),
            ActionExecuted("action_listen")]


def test_the_body_is_rasas_at_every_call_and_on_the_next_turns_tracker(domain):
    action = RemoteAction("validate_property_repair_form", EndpointConfig("http://127.0.0.1:9"))
    tracker = DialogueStateTracker("r1", domain.slots)
    for event in [ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen")]:
        tracker.update(event)
    for n in range(12):
        for event in turn(n):
            tracker.update(event)
            body = action_call.action_call_format(action, tracker, domain)
            assert body.text == rasas(action, tracker, domain)
        # the next turn's tracker, as the tracker store hands it on: same event objects
        following = DialogueStateTracker("r1", domain.slots)
        for event in tracker.events:
            following.update(event)
        following.__dict__[action_call.KEPT_ATTRIBUTE] = tracker.__dict__[action_call.KEPT_ATTRIBUTE]
        tracker = following
    kept = tracker.__dict__[action_call.KEPT_ATTRIBUTE]
    assert len(kept) == len(tracker.events)  # every event's JSON made once and kept


def test_entities_added_to_an_earlier_message_are_sent(domain):
    action = RemoteAction("action_submit_property_repair", EndpointConfig("http://127.0.0.1:9"))
    tracker = DialogueStateTracker("r2", domain.slots)
    for event in turn(1):
        tracker.update(event)
    tracker.update(ActionExecuted("action_listen"))
    action_call.action_call_format(action, tracker, domain)  # the message's JSON is kept
    # Rasa adds these entities to the message itself (its parse data changes)
    tracker.update(EntitiesAdded([{"entity": "address", "value": "3号楼"}]))
    body = action_call.action_call_format(action, tracker, domain)
    assert body.text == rasas(action, tracker, domain)
    sent = json.loads(body.text)["tracker"]["events"][0]["parse_data"]["entities"]
    assert sent[-1]["value"] == "3号楼"


def test_an_actions_copy_of_the_tracker_makes_the_json_for_the_tracker(domain, installed):
    """Rasa runs each action on a copy of the tracker: the JSON made there is kept for the
    tracker itself, which the turn saves and the next turn goes on from."""
    action = RemoteAction("validate_property_repair_form", EndpointConfig("http://127.0.0.1:9"))
    tracker = DialogueStateTracker("r4", domain.slots)
    for event in turn(1):
        tracker.update(event)
    copied = tracker.copy()
    assert copied.current_state() == action_call.RASA_COPY(tracker).current_state()
    body = action_call.action_call_format(action, copied, domain)
    assert body.text == rasas(action, copied, domain)
    kept = tracker.__dict__[action_call.KEPT_ATTRIBUTE]
    assert {id(event) for event in tracker.events} <= set(kept)


async def test_the_action_server_receives_rasas_bytes(domain, installed):
    received: list[bytes] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.read())
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        action = RemoteAction("validate_property_repair_form",
                              EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        tracker = DialogueStateTracker("r3", domain.slots)
        for n in range(3):
            for event in turn(n):
                tracker.update(event)
            expected = rasas(action, tracker, domain).encode()
            await action.run(None, None, tracker, domain)
            assert received[-1] == expected
    finally:
        await runner.cleanup()
