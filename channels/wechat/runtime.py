"""Everything the WeChat channel needs at run time, built once when it starts."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import redis
from wechatpy.crypto import WeChatCrypto

from bot.settings import RateLimitSettings, Settings
from channels.reminder_replies import ReminderReplies
from channels.wechat.api import ApiClient, WeChatApi
from channels.wechat.delivery import Delivery
from channels.wechat.inbound import InboundHandlers
from channels.wechat.settings import WeChatSettings
from channels.wechat.voice import VoiceTranscriber
from state.dedup import MessageDedup
from state.ratelimit import RateLimiter
from state.redis_conn import async_redis
from state.wechat import ContactWindow, ReplyOptions, TokenStorage, Undelivered

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    dedup: MessageDedup
    window: ContactWindow
    options: ReplyOptions
    delivery: Delivery
    handlers: InboundHandlers
    crypto: WeChatCrypto | None
    limiter: RateLimiter
    limits: RateLimitSettings
    replies: ReminderReplies


def build_crypto(settings: WeChatSettings) -> WeChatCrypto | None:
    if not settings.encoding_aes_key:
        return None
    if len(settings.encoding_aes_key) != 43 or not settings.app_id:
        raise ValueError("WECHAT_ENCODING_AES_KEY must be 43 characters and needs WECHAT_APP_ID")
    return WeChatCrypto(settings.token, settings.encoding_aes_key, settings.app_id)


def build_api(settings: WeChatSettings, bot: Settings) -> WeChatApi | None:
    if not settings.api_enabled:
        logger.warning("WECHAT_APP_ID/WECHAT_APP_SECRET not set: replies after the five-second "
                       "limit and notifications cannot be sent")
        return None
    sync_redis = redis.Redis.from_url(bot.redis_url, decode_responses=True)
    client = ApiClient(settings, TokenStorage(sync_redis, bot.redis_key_prefix))
    return WeChatApi(client, settings)


def build_runtime(settings: WeChatSettings, bot: Settings | None = None) -> Runtime:
    bot = bot or Settings.from_env()
    if settings.uses_dev_token:
        logger.warning("WECHAT_TOKEN not set: using the development token; set it before "
                       "connecting a real official account")
    aio = async_redis(bot)
    prefix = bot.redis_key_prefix
    api = build_api(settings, bot)
    window = ContactWindow(aio, prefix)
    delivery = Delivery(api, window, Undelivered(aio, prefix), settings.template_id,
                        settings.reply_max_bytes)
    max_chars = int(os.environ.get("MAX_MESSAGE_CHARS") or 1000)
    return Runtime(MessageDedup(aio, prefix), window, ReplyOptions(aio, prefix), delivery,
                   InboundHandlers(api, VoiceTranscriber(), max_chars), build_crypto(settings),
                   RateLimiter(aio, f"{prefix}:ratelimit:wechat"), RateLimitSettings.from_env(),
                   ReminderReplies.from_settings(aio, bot))
