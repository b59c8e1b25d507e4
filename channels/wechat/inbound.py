"""What each kind of WeChat message or event means for the assistant.

A handler returns the text to hand to the assistant, or a direct answer when
the assistant has nothing to do with it (images, locations, unknown types), or
nothing at all (events that need no reply). Menu buttons are configured in the
WeChat admin console as `click` buttons whose key is `svc_<intent>`, with the
intent names of SERVICES.md (e.g. `svc_property_repair`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from wechatpy.messages import BaseMessage

from channels.wechat.api import WeChatApi, WeChatApiError
from channels.wechat.voice import VoiceTranscriber

logger = logging.getLogger(__name__)

MENU_INTENTS = frozenset({
    "property_repair", "social_security_certification", "elderly_allowance",
    "residence_permit", "elderly_home_service", "after_school_care", "activity_signup",
    "consultation_booking", "subsistence_allowance", "complaint_suggestion",
    "emergency_help", "case_status_query", "request_human",
})
IMAGE_TEXT = ("收到您的图片，不过我目前只能看懂文字和语音。请用文字或语音说说您要办的事，"
              "例如“我家3号楼2单元502水管漏水了”。")
LOCATION_TEXT = ("收到您的位置，不过我暂时不能直接使用定位。请用文字告诉我详细地址，"
                 "例如“3号楼2单元502”。")
UNSUPPORTED_TEXT = "抱歉，暂不支持这类消息。请发送文字或语音，告诉我您要办什么事。"
VOICE_FAILED_TEXT = "抱歉，没能听清您的语音。请再说一遍，或者直接发文字给我。"
MENU_FAILED_TEXT = "这个菜单暂时不可用，请直接发文字告诉我您要办什么事。"
SILENT_EVENTS = frozenset({"unsubscribe", "view", "location", "templatesendjobfinish",
                           "masssendjobfinish", "scan"})


@dataclass
class Inbound:
    text: str | None = None    # hand to the assistant
    answer: str | None = None  # reply directly; neither: no reply at all


Handler = Callable[[BaseMessage], Awaitable[Inbound]]


def message_kind(message: BaseMessage) -> str:
    if message.type == "event":
        return f"event:{message.event}"
    if message.type == "unknown" and str(message._data.get("MsgType", "")).lower() == "event":
        return "event:unknown"
    return message.type


class InboundHandlers:
    def __init__(self, api: WeChatApi | None, transcriber: VoiceTranscriber,
                 max_chars: int = 1000) -> None:
        self._api = api
        self._transcriber = transcriber
        self._max_chars = max_chars
        self._table: dict[str, Handler] = {
            "text": self._text, "voice": self._voice,
            "event:subscribe": self._subscribe, "event:subscribe_scan": self._subscribe,
            "event:click": self._click, "image": self._fixed(IMAGE_TEXT),
            "location": self._fixed(LOCATION_TEXT),
        }

    async def handle(self, message: BaseMessage) -> Inbound:
        kind = message_kind(message)
        if kind.startswith("event:") and kind[6:] in SILENT_EVENTS | {"unknown"}:
            return Inbound()
        return await self._table.get(kind, self._fixed(UNSUPPORTED_TEXT))(message)

    @staticmethod
    def _fixed(answer: str) -> Handler:
        async def handler(message: BaseMessage) -> Inbound:
            return Inbound(answer=answer)
        return handler

    async def _text(self, message: BaseMessage) -> Inbound:
        return Inbound(text=(message.content or "").strip()[:self._max_chars])

    async def _subscribe(self, message: BaseMessage) -> Inbound:
        return Inbound(text="/greet")  # the assistant's greeting says what it can do

    async def _click(self, message: BaseMessage) -> Inbound:
        key = message.key or ""
        intent = key[4:] if key.startswith("svc_") else ""
        return Inbound(text=f"/{intent}") if intent in MENU_INTENTS else Inbound(answer=MENU_FAILED_TEXT)

    async def _voice(self, message: BaseMessage) -> Inbound:
        if (message.recognition or "").strip():
            return Inbound(text=message.recognition.strip()[:self._max_chars])
        if self._api is None or not message.media_id:
            return Inbound(answer=VOICE_FAILED_TEXT)
        try:
            audio = await self._api.download_media(message.media_id)
            text = await self._transcriber.transcribe(audio)
        except (WeChatApiError, ImportError) as exc:
            logger.warning("voice message not transcribed: %s", exc)
            return Inbound(answer=VOICE_FAILED_TEXT)
        except Exception:
            logger.exception("voice message not decoded or transcribed")
            return Inbound(answer=VOICE_FAILED_TEXT)
        return Inbound(text=text[:self._max_chars]) if text else Inbound(answer=VOICE_FAILED_TEXT)
