"""Whole Mandarin calls in audio mode: the caller's speech is made by the offline voice
and sent at the telephone rate (8 kHz) over the WebSocket media stream and over
Asterisk's AudioSocket; the gateway recognises it with the default model, the
assistant fills the repair form and files a case under the caller's number.

The caller answers whatever the assistant asks next (the conversation's
requested_slot), and says it again when it was not understood, as a person would;
nothing here depends on the model's exact words or on how fast this machine is.
"""
import asyncio
import functools
import time
import uuid

import httpx
import numpy as np
import pytest
import websockets

from tests.voice.helpers import WsCaller, mandarin, stream_pcm
from voice.transports.audiosocket import AUDIO, HANGUP, UUID, pack, read_message

pytestmark = pytest.mark.slow
RATE = 8000
OPENING = "我家水管漏水了，想报修。"
# Spoken forms (what a caller says), by the question being answered.
ANSWERS = {"address": "阳光小区三号楼二单元五零二。", "repair_category": "水管漏水。",
           "description": "厨房的水管一直在漏水。", "preferred_time": "随时都可以。",
           # the number the call comes from is offered, not taken silently
           "phone": "对，就用这个号码。", "confirm": "对，没错。"}
MAX_TURNS = 10


@functools.lru_cache(maxsize=None)
def speech(text: str) -> np.ndarray:
    lead, tail = np.zeros(RATE // 4, np.float32), np.zeros(RATE, np.float32)
    return np.concatenate([lead, mandarin(text, rate=RATE), tail])  # the tail ends the turn


def user_turns(stack, sender: str) -> int:
    try:
        events = stack.tracker(sender)["events"]
    except httpx.HTTPError:
        return 0
    return sum(1 for e in events if e["event"] == "user")


async def answered(stack, sender: str, before: int, timeout_s: float = 30) -> bool:
    """True once the assistant took one more turn from this caller and its reply is
    done (the tracker is back to listening); False when nothing was understood."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        await asyncio.sleep(0.3)
        if user_turns(stack, sender) > before:
            events = stack.tracker(sender)["events"]
            if events[-1]["event"] == "action" and events[-1]["name"] == "action_listen":
                return True
    return False


async def repair_call(stack, sender: str, send) -> list[str]:
    """Speak until the form is done; returns what the assistant asked for, in order."""
    asked, text = [], OPENING
    for _ in range(MAX_TURNS):
        before = user_turns(stack, sender)
        await stream_pcm(send, speech(text), RATE)
        if not await answered(stack, sender, before):
            continue  # not understood (the gateway said so): say it again
        slot = stack.slots(sender)["requested_slot"]
        if slot is None and before > 0:
            return asked
        asked.append(slot)
        text = ANSWERS.get(slot, OPENING)
    raise AssertionError(f"the form did not finish in {MAX_TURNS} turns; asked {asked}")


def assert_case_filed(stack, sender: str, caller: str, transport: str) -> None:
    cases = stack.cases(conversation_id=sender)
    assert len(cases) == 1, cases
    assert cases[0]["service"] == "property_repair" and cases[0]["channel"] == "voice"
    assert cases[0]["fields"]["repair_category"] == "water", cases[0]["fields"]
    assert any(c["case_number"] == cases[0]["case_number"] for c in stack.cases(phone=caller))
    metadata = stack.tracker(sender)["latest_message"]["metadata"]
    assert metadata["caller_number"] == caller and metadata["transport"] == transport


async def test_mandarin_call_over_the_websocket_files_a_case(stack, gateway, fresh_phone):
    call_id = uuid.uuid4().hex
    sender = f"voice:{call_id}"
    caller = WsCaller(await websockets.connect(gateway.ws, max_size=None))
    await caller.send(event="start", call_id=call_id, caller_number=fresh_phone, mode="audio",
                      sample_rate=RATE)
    await caller.wait_event("started")
    asked = await repair_call(stack, sender, caller.ws.send)
    assert "address" in asked and "confirm" in asked
    assert_case_filed(stack, sender, fresh_phone, "websocket")
    transcripts = [e["text"] for e in caller.got.of("transcript")]
    assert any("502" in t or "五零二" in t for t in transcripts), transcripts
    assert caller.got.audio and len(caller.got.audio[-1][1]) == RATE // 50 * 2  # 8 kHz PCM back
    await caller.send(event="stop")
    await caller.ws.close()


async def test_mandarin_call_over_audiosocket_files_a_case(stack, gateway, fresh_phone):
    call_id = uuid.uuid4()
    sender = f"voice:{call_id}"
    httpx.post(f"{gateway.http}/calls/{call_id}",
               json={"caller_number": fresh_phone}).raise_for_status()
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.audiosocket_port)
    writer.write(pack(UUID, call_id.bytes))
    frames: list[bytes] = []
    reading = asyncio.create_task(_read_audio(reader, frames))

    async def send(pcm: bytes) -> None:
        writer.write(pack(AUDIO, pcm))
        await writer.drain()

    try:
        await repair_call(stack, sender, send)
        assert_case_filed(stack, sender, fresh_phone, "audiosocket")
        assert frames and {len(f) for f in frames} == {320}  # 20 ms of 8 kHz slin each
    finally:
        writer.write(pack(HANGUP))
        await writer.drain()
        writer.close()
        reading.cancel()


async def _read_audio(reader, frames: list[bytes]) -> None:
    try:
        while True:
            kind, payload = await read_message(reader)
            if kind == AUDIO:
                frames.append(payload)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass

