"""Pending case submissions, kept in Redis until the back office accepts them.

A submission is written here *before* the first attempt to file it, so a
crash or a back office outage between the resident's confirmation and the
201 never loses it. The idempotency key makes every retry safe: the back
office returns the same case for the same key.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

import redis.asyncio as aioredis

# The action that reactivates a form paused for staff (actions/conversation.py): its
# activation continues the form that was started before, it does not start a new one.
RESUME_ACTION = "action_resume_form"
# How long a filing anchored on its message waits to be said again: a turn that died
# with the Rasa server before it was saved is sent again within seconds (a channel's
# redelivery, a spare server) or a minute (a restart); well inside a session (120 min).
SAID_AGAIN_WINDOW_S = 600


def form_started_at(events: Iterable[Mapping[str, Any]], form: str) -> float | None:
    """When ``form`` was last started: its latest activation that was not a resumption."""
    started, last_action = None, None
    for event in events:
        if event.get("event") == "action":
            last_action = event.get("name")
        elif (event.get("event") == "active_loop" and event.get("name") == form
              and last_action != RESUME_ACTION):
            started = event.get("timestamp")
    return started


def submission_key(sender_id: str, service: str, events: list[Mapping[str, Any]],
                   latest_message: Mapping[str, Any]) -> str:
    """The idempotency key of one filled form, the same for every filer and every retry.

    Derived from the event that started the service's form, so a redelivered action
    call, a confirmation repeated after a tracker save failed, the form resumed after
    a hand-back, and staff filing the form for the resident in the console all give
    the same key, and the back office returns the case it already has. Without a form
    (the emergency, filed at once) the confirming message itself is the anchor.
    """
    started = form_started_at(events, f"{service}_form")
    if started is not None:
        anchor = f"form:{started}"
    else:
        message_id = latest_message.get("message_id") or ""
        said_at = next((e.get("timestamp") for e in reversed(events) if e.get("event") == "user"), "")
        anchor = f"message:{message_id}|{said_at}"
    return hashlib.sha256(f"{sender_id}|{service}|{anchor}".encode()).hexdigest()


def said_before(message_id: str, events: list[Mapping[str, Any]]) -> bool:
    """Whether the message `message_id` is among the conversation's earlier messages
    (those before its latest one): its turn reached the tracker."""
    users = [e for e in events if e.get("event") == "user"]
    return any(e.get("message_id") == message_id for e in users[:-1])


def latest_message_id(events: list[Mapping[str, Any]]) -> str:
    return next((e.get("message_id") or "" for e in reversed(events) if e.get("event") == "user"), "")


@dataclass
class Submission:
    idempotency_key: str
    service: str
    fields: dict[str, Any]
    channel: str
    conversation_id: str
    priority: str = "normal"
    needs_caseworker: bool = False
    attempts: int = 0
    queued_at: float = field(default_factory=time.time)

    def payload(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "fields": self.fields,
            "channel": self.channel,
            "conversation_id": self.conversation_id,
            "idempotency_key": self.idempotency_key,
            "priority": self.priority,
            "needs_caseworker": self.needs_caseworker,
        }


class Outbox:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._pending = f"{prefix}:outbox:pending"
        self._filed = f"{prefix}:outbox:filed"
        self._dead = f"{prefix}:outbox:dead"
        self._said = f"{prefix}:outbox:said"

    async def key_for_message(self, conversation_id: str, service: str, key: str,
                              events: list[Mapping[str, Any]]) -> str:
        """The idempotency key of a submission anchored on the message that files it.

        When the Rasa server dies after the action filed but before the turn was saved,
        the tracker never learns of the case, and the message comes again as a new one
        (the resident says it again, a channel redelivers it): it gets the key of the
        filing whose message never reached the tracker, so the back office returns that
        case instead of opening a second. A filing whose message is in the tracker was
        answered, and a later message files anew.
        """
        name = f"{self._said}:{conversation_id}:{service}"
        earlier = await self._redis.get(name)
        if earlier:
            earlier = json.loads(earlier)
            if not said_before(earlier["message_id"], events):
                key = earlier["key"]
        entry = {"key": key, "message_id": latest_message_id(events)}
        await self._redis.set(name, json.dumps(entry), ex=SAID_AGAIN_WINDOW_S)
        return key

    async def put(self, submission: Submission) -> None:
        await self._redis.hset(self._pending, submission.idempotency_key,
                               json.dumps(asdict(submission), ensure_ascii=False))

    async def pending(self) -> list[Submission]:
        raw = await self._redis.hgetall(self._pending)
        items = [Submission(**json.loads(v)) for v in raw.values()]
        return sorted(items, key=lambda s: s.queued_at)

    async def count(self) -> int:
        return await self._redis.hlen(self._pending)

    async def mark_filed(self, key: str, case_number: str) -> None:
        """Record the case number and drop the pending entry atomically."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._filed, key, case_number)
            pipe.hdel(self._pending, key)
            await pipe.execute()

    async def filed_case(self, key: str) -> str | None:
        return await self._redis.hget(self._filed, key)

    async def record_attempt(self, submission: Submission) -> None:
        submission.attempts += 1
        await self.put(submission)

    async def mark_dead(self, submission: Submission, reason: str) -> None:
        """Keep a submission the back office refuses outright for a human to see."""
        entry = dict(asdict(submission), reason=reason)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._dead, submission.idempotency_key, json.dumps(entry, ensure_ascii=False))
            pipe.hdel(self._pending, submission.idempotency_key)
            await pipe.execute()
