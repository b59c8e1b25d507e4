"""The gateway's own doors (WebSocket media stream, AudioSocket TCP) on a gateway
with low caps: calls past VOICE_MAX_CALLS are refused at once, and so are call
starts past VOICE_CALL_STARTS_PER_IP from one address, while other addresses
and the calls already running go on."""
from __future__ import annotations

import asyncio
import random
import uuid

import httpx
import pytest
import websockets

from tests.voice.conftest import LIMITED_MAX_CALLS, LIMITED_STARTS_PER_IP
from tests.voice.helpers import WsCaller
from voice.transports.audiosocket import AUDIO, HANGUP, UUID, pack, read_message
from voice.transports.websocket import TOO_MANY_CALLS

pytestmark = pytest.mark.slow


def an_address() -> str:
    return f"203.0.113.{random.randint(1, 254)}"


async def ws_start(gateway, address: str | None = None):
    """A text-mode call; the first event the gateway sends back, and the caller."""
    headers = {"X-Forwarded-For": address} if address else {}
    ws = await websockets.connect(gateway.ws, extra_headers=headers)
    caller = WsCaller(ws)
    try:
        await caller.send(event="start", mode="text", sample_rate=8000)
    except websockets.exceptions.ConnectionClosed:
        pass  # refused on connect (a limit): the gateway may close before our start is sent
    for _ in range(100):
        if caller.got.events or caller._reader.done():
            break
        await asyncio.sleep(0.05)
    first = caller.got.events[0][1] if caller.got.events else None
    return first, caller


async def hang_up(caller: WsCaller) -> None:
    await caller.send(event="stop")
    await caller.ws.close()


async def closed_code(caller: WsCaller) -> int:
    await asyncio.wait_for(caller.ws.wait_closed(), 10)
    return caller.ws.close_code


async def wait_calls(gateway, count: int) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(100):
            if (await http.get(f"{gateway.http}/health")).json()["calls"] == count:
                return
            await asyncio.sleep(0.1)
    raise AssertionError(f"the gateway never had {count} calls")


async def fill_to_the_cap(gateway) -> list:
    """Start calls until the gateway holds as many as it takes."""
    await wait_calls(gateway, 0)
    callers = []
    for _ in range(LIMITED_MAX_CALLS):
        first, caller = await ws_start(gateway)
        assert first["event"] == "started"
        callers.append(caller)
    return callers


async def test_websocket_calls_past_the_cap_are_busy(limited_gateway):
    callers = await fill_to_the_cap(limited_gateway)
    first, refused = await ws_start(limited_gateway)
    assert first == {"event": "error", "message": "busy"}
    assert await closed_code(refused) == 1013
    await hang_up(callers.pop())
    await wait_calls(limited_gateway, LIMITED_MAX_CALLS - 1)
    first, caller = await ws_start(limited_gateway)  # a place came free
    assert first["event"] == "started"
    for c in callers + [caller]:
        await hang_up(c)
    await wait_calls(limited_gateway, 0)


async def test_audiosocket_calls_past_the_cap_are_hung_up(limited_gateway):
    callers = await fill_to_the_cap(limited_gateway)
    reader, writer = await asyncio.open_connection("127.0.0.1", limited_gateway.audiosocket_port)
    writer.write(pack(UUID, uuid.uuid4().bytes))
    kind, _ = await asyncio.wait_for(read_message(reader), 10)
    assert kind == HANGUP
    writer.close()
    for c in callers:
        await hang_up(c)
    await wait_calls(limited_gateway, 0)


async def test_one_address_past_its_call_starts_is_refused_on_the_websocket(limited_gateway):
    address = an_address()
    for _ in range(LIMITED_STARTS_PER_IP):
        first, caller = await ws_start(limited_gateway, address)
        assert first["event"] == "started"
        await hang_up(caller)
    first, refused = await ws_start(limited_gateway, address)
    assert first == {"event": "error", "message": TOO_MANY_CALLS}
    assert await closed_code(refused) == 1008
    # forging a chain in front of the proxy's entry changes nothing
    first, refused = await ws_start(limited_gateway, f"198.51.100.9, {address}")
    assert first == {"event": "error", "message": TOO_MANY_CALLS}
    first, other = await ws_start(limited_gateway, an_address() + "1")
    assert first["event"] == "started"
    await hang_up(other)


async def audiosocket_from(gateway, source: str):
    """Connect from `source` (any 127.x address reaches the loopback listener) and return
    the first message back: a hang-up at once when refused, else, once the call's UUID is
    sent, audio (the greeting)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.audiosocket_port,
                                                   local_addr=(source, 0))
    try:
        try:  # a refused connection is hung up before the caller says anything
            kind, _ = await asyncio.wait_for(read_message(reader), 1.0)
            return kind
        except asyncio.TimeoutError:
            pass
        writer.write(pack(UUID, uuid.uuid4().bytes))
        kind, _ = await asyncio.wait_for(read_message(reader), 30)
        writer.write(pack(HANGUP))
        await writer.drain()
        return kind
    finally:
        writer.close()


async def test_one_address_past_its_call_starts_is_hung_up_on_audiosocket(limited_gateway):
    source = f"127.0.{random.randint(1, 254)}.{random.randint(2, 254)}"
    for _ in range(LIMITED_STARTS_PER_IP):
        assert await audiosocket_from(limited_gateway, source) == AUDIO
        await wait_calls(limited_gateway, 0)
    assert await audiosocket_from(limited_gateway, source) == HANGUP
    assert await audiosocket_from(limited_gateway, source.rsplit(".", 1)[0] + ".1") == AUDIO

