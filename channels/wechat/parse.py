"""WeChat's webhook XML → a wechatpy message, or NotAMessage (a ValueError).

Bodies come from the internet: before wechatpy (xmltodict over expat) sees a
document, defusedxml parses it with DTDs, entity declarations and external
references forbidden, so a billion-laughs, XXE or DTD body is refused in
microseconds whatever the installed expat and xmltodict would do with it.
What wechatpy returns is then checked field by field: the channel reads these
fields as plain text (`<Content a="1">` or a repeated `<MsgId>` would arrive
as a dict or a list), and wechatpy converts the numeric ones lazily, so a
non-numeric `MsgId` would otherwise fail later, inside the turn.

Rejection reasons never repeat the input: they are logged and answered.
"""
from __future__ import annotations

import re
from typing import Union
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from wechatpy import parse_message
from wechatpy.messages import BaseMessage

OPENID = re.compile(r"[\w\-]{1,128}", re.ASCII)
# Fields the channel and wechatpy's reply read; each must be text (or empty) when present.
TEXT_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content",
               "Event", "EventKey", "Recognition", "MediaId", "Format", "Encrypt")
# Numeric fields wechatpy converts with int(); MsgId is a 64-bit number, CreateTime seconds.
DIGITS = {"MsgId": re.compile(r"[0-9]{1,20}"), "CreateTime": re.compile(r"[0-9]{1,10}")}
# What wechatpy's parse_message raises on a well-formed document of the wrong shape
# (no <xml> root, no MsgType, a MsgType with children, text directly under <xml>).
_SHAPE_ERRORS = (ExpatError, KeyError, TypeError, AttributeError, ValueError, IndexError)


class NotAMessage(ValueError):
    """The body is not a WeChat message this channel accepts (answered with 400)."""


def as_text(xml: Union[str, bytes]) -> str:
    """Bodies are UTF-8 (WeChat sends nothing else); undecodable bytes become U+FFFD."""
    if isinstance(xml, bytes):
        return xml.decode("utf-8", errors="replace")
    if not isinstance(xml, str):
        raise NotAMessage("body must be text")
    return xml


def check_xml(xml: Union[str, bytes]) -> None:
    """Well-formed XML with no DTD, no entity declarations, no external references."""
    text = as_text(xml)
    if not text.strip():
        raise NotAMessage("empty body")
    try:
        defused_fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise NotAMessage(f"forbidden XML construct ({type(exc).__name__})") from None
    except ParseError:
        raise NotAMessage("not well-formed XML") from None
    except UnicodeError:  # lone surrogates in a str
        raise NotAMessage("body is not valid Unicode") from None


def parse_wechat_xml(xml: Union[str, bytes]) -> BaseMessage:
    """The message in a (decrypted) webhook body, or NotAMessage saying why not."""
    text = as_text(xml)
    check_xml(text)
    try:
        message = parse_message(text)
    except _SHAPE_ERRORS as exc:
        raise NotAMessage(f"not a WeChat XML message ({type(exc).__name__})") from None
    if message is None:
        raise NotAMessage("empty body")
    _check_fields(message._data)
    return message


def _check_fields(data: object) -> None:
    if not isinstance(data, dict):
        raise NotAMessage("<xml> must hold the message's fields")
    for name in TEXT_FIELDS:
        if not isinstance(data.get(name, ""), (str, type(None))):
            raise NotAMessage(f"{name} must be plain text")
    if not data.get("MsgType"):
        raise NotAMessage("message without a MsgType")
    if not OPENID.fullmatch(data.get("FromUserName") or ""):
        raise NotAMessage("message without a valid FromUserName")
    for name, pattern in DIGITS.items():
        if data.get(name) is not None and not pattern.fullmatch(data[name]):
            raise NotAMessage(f"{name} must be a number")
