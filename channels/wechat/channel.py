"""The WeChat official account (服务号) as a Rasa input channel.

    GET  /webhooks/wechat/webhook   WeChat's URL check: signature → echostr
    POST /webhooks/wechat/webhook   messages and events, plaintext / compatible / safe mode

Every POST: size limit (413) → signature (403) → decrypt (safe and compatible
modes, 403/400) → parse (400; hostile XML, DTDs and entities included: see
channels/wechat/parse.py) → de-duplicate by MsgId, events by
FromUserName+CreateTime (a repeated delivery answers `success` and is not
processed again) → hand to the assistant as sender = OpenID, channel "wechat".

The five-second rule: WeChat gives up on a reply after 5 s and retries. When the
assistant's answer is ready within WECHAT_REPLY_BUDGET_SECONDS (default 4) it is
the passive reply; otherwise the webhook answers `success` at once and the
answer follows through the customer-service message API.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import (CollectingOutputChannel, InputChannel, OutputChannel,
                                        UserMessage)
from sanic import Blueprint, response
from sanic.request import Request
from wechatpy import create_reply
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from channels.notify import register_sender
from channels.wechat.delivery import Delivery, masked
from channels.wechat.parse import NotAMessage, check_xml, parse_wechat_xml
from channels.wechat.render import Reply, compose, split_text
from channels.wechat.runtime import Runtime, build_runtime
from channels.wechat.settings import WeChatSettings
from state.dedup import ANSWERED, DEFERRED

logger = logging.getLogger(__name__)

ERROR_TEXT = "抱歉，系统暂时出了点问题，请稍后再试，或拨打社区服务中心电话。"
RATE_LIMITED_TEXT = "您发送得太快了，请稍等片刻再发。"


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class WeChatOutput(CollectingOutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"


class CustomerServiceOutput(OutputChannel):
    """Bot messages sent on Rasa's initiative (e.g. /trigger_intent) as customer-service text."""

    def __init__(self, delivery: Delivery, max_bytes: int) -> None:
        self._delivery = delivery
        self._max_bytes = max_bytes

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    async def send_response(self, recipient_id: Text, message: dict[Text, Any]) -> None:
        await self._delivery.push(recipient_id, compose([message], self._max_bytes).chunks)


def dedup_key(message: BaseMessage) -> str:
    """MsgId for messages; for events (no MsgId) FromUserName+CreateTime, as WeChat
    advises, plus the event and its key so two different clicks in one second differ."""
    if message.id:
        return f"wechat:msg:{message.id}"
    data = message._data
    return (f"wechat:evt:{message.source}:{data.get('CreateTime', '')}:"
            f"{data.get('Event', '')}:{data.get('EventKey') or ''}")


class WeChatInput(InputChannel):
    def __init__(self, settings: WeChatSettings) -> None:
        self.settings = settings
        self.runtime: Runtime | None = None
        self._background: set[asyncio.Task] = set()

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[Text, Any]]) -> "WeChatInput":
        return cls(WeChatSettings.from_env())

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.runtime is None:
            return None
        return CustomerServiceOutput(self.runtime.delivery, self.settings.reply_max_bytes)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.runtime = build_runtime(self.settings)
        register_sender("wechat", self.runtime.delivery.notify)
        bp = Blueprint("wechat_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> response.HTTPResponse:
            if not self._signed(request):
                return response.text("invalid signature", status=403)
            return response.text(request.args.get("echostr", ""))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            try:
                message = self._read(request)
            except BadRequest as exc:
                logger.warning("WeChat request refused (%d): %s", exc.status, exc)
                return response.text(str(exc), status=exc.status)
            answer = await self._process(message, on_new_message)
            return response.text(self._render(request, message, answer),
                                 content_type="application/xml" if answer else "text/plain")

        return bp

    def _signed(self, request: Request) -> bool:
        args = request.args
        try:
            check_signature(self.settings.token, args.get("signature", ""),
                            args.get("timestamp", ""), args.get("nonce", ""))
        except InvalidSignatureException:
            return False
        return True

    def _read(self, request: Request) -> BaseMessage:
        """verify → decrypt → parse, or BadRequest with the status to answer."""
        if len(request.body or b"") > self.settings.max_body_bytes:
            raise BadRequest(413, f"body over {self.settings.max_body_bytes} bytes")
        if not self._signed(request):
            raise BadRequest(403, "invalid signature")
        try:
            return parse_wechat_xml(self._decrypt(request))
        except NotAMessage as exc:
            raise BadRequest(400, str(exc)) from exc

    def _decrypt(self, request: Request) -> str:
        body = request.body or b""
        if request.args.get("encrypt_type", "raw") != "aes":
            return body.decode("utf-8", errors="replace")
        crypto = self.runtime.crypto
        if crypto is None:
            raise BadRequest(400, "encrypted message but no EncodingAESKey configured")
        try:
            check_xml(body)  # wechatpy parses the envelope with xmltodict before decrypting
        except NotAMessage as exc:
            raise BadRequest(400, str(exc)) from exc
        try:
            return crypto.decrypt_message(body, request.args.get("msg_signature", ""),
                                          request.args.get("timestamp", ""),
                                          request.args.get("nonce", ""))
        except InvalidSignatureException as exc:
            raise BadRequest(403, "invalid message signature") from exc
        except Exception as exc:
            raise BadRequest(400, f"cannot decrypt the message ({type(exc).__name__})") from exc

    def _render(self, request: Request, message: BaseMessage, answer: str | None) -> str:
        if not answer:
            return "success"
        xml = create_reply(answer, message).render()
        if request.args.get("encrypt_type", "raw") == "aes":
            return self.runtime.crypto.encrypt_message(xml, request.args.get("nonce", ""),
                                                       request.args.get("timestamp") or None)
        return xml

    async def _process(self, message: BaseMessage,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str | None:
        """The passive answer, or None (`success`) when there is none or it comes later."""
        runtime = self.runtime
        key = dedup_key(message)
        if not await runtime.dedup.claim(key):
            logger.info("repeated delivery of %s %s from %s ignored", message.type,
                        message.id or "", masked(message.source))
            return None
        await runtime.window.touch(message.source)
        if not await self._within_rate(message.source):
            return RATE_LIMITED_TEXT
        turn = asyncio.create_task(self._turn(message, on_new_message))
        done, _ = await asyncio.wait({turn}, timeout=self.settings.reply_budget_s)
        if turn not in done:
            await runtime.dedup.finish(key, DEFERRED)
            self._spawn(self._deliver_later(message.source, turn))
            return None
        await runtime.dedup.finish(key, ANSWERED)
        reply = self._result(turn)
        if len(reply.chunks) > 1:
            self._spawn(self._push_rest(message.source, reply.chunks[1:]))
        return reply.chunks[0] if reply.chunks else None

    async def _within_rate(self, openid: str) -> bool:
        """The shared per-resident limit (RATE_LIMIT_PER_SENDER); WeChat's retries,
        already answered above, do not count. No per-IP limit: every request comes
        from WeChat's servers and is signed."""
        limits = self.runtime.limits
        decision = await self.runtime.limiter.decide(f"sender:{openid}", limits.per_sender,
                                                     limits.window_s)
        if not decision.allowed:
            logger.info("rate limited WeChat sender %s", masked(openid))
        return decision.allowed

    async def _turn(self, message: BaseMessage,
                    on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Reply:
        inbound = await self.runtime.handlers.handle(message)
        if inbound.text is None:
            return Reply(split_text(inbound.answer or "", self.settings.reply_max_bytes))
        handled = await self.runtime.replies.handle("wechat", message.source, inbound.text)
        if handled.reply is not None:
            await self.runtime.options.remember(message.source, [])
            return Reply(split_text(handled.reply, self.settings.reply_max_bytes))
        text = await self.runtime.options.resolve(message.source, handled.text)
        collector = WeChatOutput()
        await on_new_message(UserMessage(text, collector, message.source, input_channel="wechat",
                                         message_id=str(message.id) if message.id else None,
                                         metadata={"wechat_msg_type": message.type,
                                                   **handled.metadata},
                                         parse_data=handled.parse_data))
        reply = compose(collector.messages, self.settings.reply_max_bytes)
        await self.runtime.options.remember(message.source, reply.payloads)
        return reply

    def _result(self, turn: asyncio.Task) -> Reply:
        if turn.exception() is not None:
            logger.error("WeChat turn failed", exc_info=turn.exception())
            return Reply([ERROR_TEXT])
        return turn.result()

    async def _deliver_later(self, openid: str, turn: asyncio.Task) -> None:
        await asyncio.wait({turn})
        await self.runtime.delivery.push(openid, self._result(turn).chunks)

    async def _push_rest(self, openid: str, chunks: list[str]) -> None:
        await asyncio.sleep(0.5)  # let the passive reply reach WeChat first
        await self.runtime.delivery.push(openid, chunks)

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
