"""The scheduler process: an arq worker on the shared Redis.

Any number of these may run (one per server); each due job is taken by exactly one
of them (arq claims a job with an in-progress key in a Redis transaction), a job
that raised `Retry` is queued again with back-off, and jobs wait in Redis, so a
restart loses nothing.
"""
from __future__ import annotations

import logging
from typing import Any

import httpx
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker, func

from channels.webchat.outbox import WebChatOutbox
from channels.wechat.runtime import build_api
from channels.wechat.delivery import Delivery
from channels.wechat.settings import WeChatSettings
from proactive.clock import Clock
from proactive.delivery import BackOffice, Channels
from proactive.queue import JOB_FUNCTION, ReminderQueue
from proactive.sender import ReminderSender
from proactive.settings import ProactiveSettings
from state.redis_conn import async_redis
from state.reminders import ProactiveState, Reminder
from state.wechat import ContactWindow, Undelivered

logger = logging.getLogger(__name__)


async def send_reminder(ctx: dict[str, Any], data: dict[str, Any]) -> str:
    return await ctx["sender"].run(Reminder.from_json(data), ctx["job_try"])


def build_sender(settings: ProactiveSettings, pool: ArqRedis, http: httpx.AsyncClient) -> ReminderSender:
    bot = settings.bot
    aio = async_redis(bot)
    prefix = bot.redis_key_prefix
    wechat_settings = WeChatSettings.from_env()
    api = build_api(wechat_settings, bot)
    wechat = Delivery(api, ContactWindow(aio, prefix), Undelivered(aio, prefix),
                      wechat_settings.template_id, wechat_settings.reply_max_bytes) if api else None
    channels = Channels(wechat, WebChatOutbox(aio, prefix, bot.tracker_expiry_s),
                        BackOffice(http, bot.backoffice_url, settings.staff_token))
    queue = ReminderQueue(pool, prefix, settings.queue_name, Clock.from_env())
    return ReminderSender(ProactiveState(aio, prefix), channels, queue, settings)


def build_worker(settings: ProactiveSettings, pool: ArqRedis) -> Worker:
    async def startup(ctx: dict[str, Any]) -> None:
        ctx["http"] = httpx.AsyncClient(timeout=settings.bot.backoffice_timeout_s)
        ctx["sender"] = build_sender(settings, pool, ctx["http"])

    async def shutdown(ctx: dict[str, Any]) -> None:
        await ctx["http"].aclose()

    return Worker(
        functions=[func(send_reminder, name=JOB_FUNCTION, max_tries=settings.max_tries)],
        queue_name=settings.queue_name, redis_pool=pool, on_startup=startup,
        on_shutdown=shutdown, max_tries=settings.max_tries, poll_delay=settings.poll_s,
        max_jobs=settings.max_jobs, job_timeout=120, keep_result=24 * 3600,
        log_results=False)


async def redis_pool(settings: ProactiveSettings) -> ArqRedis:
    return await create_pool(RedisSettings.from_dsn(settings.bot.redis_url))
