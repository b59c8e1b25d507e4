"""WeChat official account channel (issue 6); see `channels.wechat.channel`."""
from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
