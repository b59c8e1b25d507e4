"""WeChat channel settings, read once from the environment (see .env.example)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

DEV_WECHAT_TOKEN = "dev-wechat-token"
WECHAT_API_BASE = "https://api.weixin.qq.com/cgi-bin/"


@dataclass(frozen=True)
class WeChatSettings:
    token: str
    app_id: str
    app_secret: str
    encoding_aes_key: str
    api_base: str
    template_id: str
    reply_budget_s: float
    max_body_bytes: int
    reply_max_bytes: int
    api_timeout_s: float
    api_attempts: int
    api_backoff_s: float

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "WeChatSettings":
        env = os.environ if env is None else env
        base = env.get("WECHAT_API_BASE") or WECHAT_API_BASE
        return cls(
            token=env.get("WECHAT_TOKEN") or DEV_WECHAT_TOKEN,
            app_id=env.get("WECHAT_APP_ID", ""),
            app_secret=env.get("WECHAT_APP_SECRET", ""),
            encoding_aes_key=env.get("WECHAT_ENCODING_AES_KEY", ""),
            api_base=base if base.endswith("/") else base + "/",
            template_id=env.get("WECHAT_TEMPLATE_ID", ""),
            reply_budget_s=float(env.get("WECHAT_REPLY_BUDGET_SECONDS") or 4.0),
            max_body_bytes=int(env.get("WECHAT_MAX_BODY_BYTES") or 1024 * 1024),
            reply_max_bytes=int(env.get("WECHAT_REPLY_MAX_BYTES") or 2048),
            api_timeout_s=float(env.get("WECHAT_API_TIMEOUT_SECONDS") or 5.0),
            api_attempts=int(env.get("WECHAT_API_ATTEMPTS") or 5),
            api_backoff_s=float(env.get("WECHAT_API_BACKOFF_SECONDS") or 1.0),
        )

    @property
    def uses_dev_token(self) -> bool:
        return self.token == DEV_WECHAT_TOKEN

    @property
    def api_enabled(self) -> bool:
        """Pushing messages (customer-service, template) needs the AppID and AppSecret."""
        return bool(self.app_id and self.app_secret)
