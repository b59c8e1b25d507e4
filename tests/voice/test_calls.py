"""Calls placed on the real gateway by clients speaking each transport's protocol,
against the real assistant (Rasa, actions, back office, Redis)."""
import asyncio
import json
import time
import uuid

import httpx
import numpy as np
import pytest
import websockets

from nlu.rules.id_number import checksum_char
from state.handoff import HandoffQueue
from tests.voice.helpers import WsCaller, espeak, onset, rms_of_pcm, stream_pcm
from voice.transports.audiosocket import HANGUP, UUID, pack, read_message

pytestmark = pytest.mark.slow

ANSWERS = {"address": "3号楼2单元502", "repair_category": "水管", "description": "厨房水管一直在漏水",
           "preferred_time": "随时都可以", "confirm": "对"}


async def ws_call(gateway, **start):
    ws = await websockets.connect(gateway.ws, max_size=None)
    caller = WsCaller(ws)
    await caller.send(event="start", **start)
    await caller.wait_event("started")
    return caller


async def say(caller, text: str) -> dict:
    turns = len(caller.got.of("reply"))
    await caller.send(event="text", text=text)
    return await caller.wait_event("reply", after=turns)


async def test_chinese_call_in_text_mode_files_a_repair_case(stack, gateway, fresh_phone):
    call_id = uuid.uuid4().hex
    sender = f"voice:{call_id}"
    caller = await ws_call(gateway, call_id=call_id, caller_number=fresh_phone, mode="text",
                           sample_rate=8000)
    await say(caller, "我家3号楼2单元502水管漏水了")
    for _ in range(8):
        slot = stack.slots(sender)["requested_slot"]
        if slot is None:
            break
        audio_before = len(caller.got.audio)
        await say(caller, ANSWERS.get(slot, fresh_phone))
        await caller.wait_audio(audio_before)  # every reply is spoken
    cases = stack.cases(conversation_id=sender)
    assert len(cases) == 1
    assert cases[0]["service"] == "property_repair" and cases[0]["channel"] == "voice"
    assert cases[0]["fields"]["repair_category"] == "water"
    assert any(cases[0]["case_number"] in t for r in caller.got.of("reply") for t in r["text"])
    metadata = stack.tracker(sender)["latest_message"]["metadata"]
    assert metadata["caller_number"] == fresh_phone and metadata["transport"] == "websocket"
    assert rms_of_pcm([a for _, a in caller.got.audio]) > 0.01  # speech, not silence
    await caller.send(event="stop")
    await caller.ws.close()


async def test_barge_in_stops_playback_within_200_ms(gateway):
    caller = await ws_call(gateway, mode="audio", sample_rate=16000)
    silence = np.zeros(320, np.float32)
    sent = 0
    while not caller.got.audio:  # the line is open: keep sending silence until the greeting plays
        await stream_pcm(caller.ws.send, silence, 16000)
        await asyncio.sleep(0.02)
        sent += 1
        assert sent < 500, "no greeting audio"
    await stream_pcm(caller.ws.send, np.zeros(8000, np.float32), 16000)  # 0.5 s into the greeting
    speech = espeak("Excuse me, I have a question.")
    times = await stream_pcm(caller.ws.send, speech, 16000)
    speech_onset = times[int(onset(speech) / 0.02)]
    clear = await caller.wait_event("clear", timeout_s=5)
    assert clear["reason"] == "barge-in"
    clear_at = next(t for t, e in caller.got.events if e.get("event") == "clear")
    last_greeting_frame = max(t for t, _ in caller.got.audio if t <= clear_at)
    assert last_greeting_frame - speech_onset < 0.2
    assert clear_at - speech_onset < 0.2
    await caller.ws.close()


async def _read_audiosocket(reader, queue):
    try:
        while True:
            queue.put_nowait(await read_message(reader))
    except (asyncio.IncompleteReadError, ConnectionError):
        queue.put_nowait((None, b""))


def _drain(queue):
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def make_id(birth: str = "19500312", seq: str = "123") -> str:
    first17 = "110105" + birth + seq
    return first17 + checksum_char(first17)


async def test_dtmf_fills_the_id_number(stack, gateway):
    call_id = uuid.uuid4().hex
    sender = f"voice:{call_id}"
    caller = await ws_call(gateway, call_id=call_id, mode="text")
    await say(caller, "我要做社保认证")
    await say(caller, "我叫张秀英")
    assert stack.slots(sender)["requested_slot"] == "id_number"
    id_number = make_id(seq="121")
    assert id_number[-1] != "X"
    turns = len(caller.got.of("reply"))
    for key in id_number + "#":
        await caller.send(event="dtmf", digit=key)
    transcript = await caller.wait_event("transcript", source="dtmf")
    assert transcript["text"] == id_number
    await caller.wait_event("reply", after=turns)
    assert stack.slots(sender)["id_number"] == id_number
    await caller.ws.close()


async def test_silence_reprompts_then_hangs_up_politely(quick_silence_gateway):
    caller = await ws_call(quick_silence_gateway, mode="text")
    hangup = await caller.wait_event("hangup", timeout_s=60)
    assert hangup["reason"] == "silence"
    prompts = [e["name"] for e in caller.got.of("prompt")]
    assert prompts == ["greeting", "reprompt", "goodbye"]
    times = {e["name"]: t for t, e in caller.got.events if e.get("event") == "prompt"}
    goodbye_audio = [t for t, _ in caller.got.audio if t > times["goodbye"]]
    assert goodbye_audio, "the goodbye is spoken before hanging up"
    outcome = httpx.get(f"{quick_silence_gateway.http}/calls/"
                        f"{caller.got.of('started')[0]['call_id']}/outcome").json()
    assert outcome == {"action": "hangup", "reason": "silence"}


async def test_asking_for_a_person_transfers_the_call(stack, gateway):
    call_id = uuid.uuid4().hex
    caller = await ws_call(gateway, call_id=call_id, mode="text")
    await say(caller, "转人工")
    transfer = await caller.wait_event("transfer")
    assert transfer["reason"] == "requested"
    await caller.wait_event("hangup", reason="transfer")
    assert caller.got.audio  # the handoff message was spoken first
    outcome = httpx.get(f"{gateway.http}/calls/{call_id}/outcome?format=text").text
    assert outcome == "transfer staff"
    import redis.asyncio as aioredis
    redis = aioredis.from_url(stack.redis_url, decode_responses=True)
    handoff = await HandoffQueue(redis, stack.prefix).get(f"voice:{call_id}")
    await redis.close()
    assert handoff is not None and handoff.channel == "voice"


async def test_a_handoff_made_elsewhere_transfers_an_audiosocket_call(stack, gateway):
    call_id = uuid.uuid4()
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.audiosocket_port)
    writer.write(pack(UUID, call_id.bytes))
    await writer.drain()
    got = asyncio.Queue()
    reading = asyncio.create_task(_read_audiosocket(reader, got))
    await asyncio.sleep(1.0)
    # Staff (or another channel) hands the conversation over while the call is up.
    stack.say(f"voice:{call_id}", "转人工")
    deadline = time.time() + 20
    kinds = []
    while time.time() < deadline and HANGUP not in kinds:
        kinds += [k for k, _ in _drain(got)]
        await asyncio.sleep(0.1)
    assert HANGUP in kinds
    outcome = httpx.get(f"{gateway.http}/calls/{call_id}/outcome").json()
    assert outcome["action"] == "transfer" and outcome["target"] == "staff"
    writer.close()
    reading.cancel()


async def test_bad_start_message_gets_a_clear_answer(gateway):
    async with websockets.connect(gateway.ws) as ws:
        await ws.send(json.dumps({"event": "start", "sample_rate": 44100}))
        error = json.loads(await ws.recv())
        assert error["event"] == "error" and "sample_rate" in error["message"]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.code == 1008


def test_dialplan_registration_refuses_bad_numbers(gateway):
    response = httpx.post(f"{gateway.http}/calls/abc", json={"caller_number": "138-abc"})
    assert response.status_code == 422
    assert httpx.get(f"{gateway.http}/calls/nosuchcall/outcome").status_code == 404
