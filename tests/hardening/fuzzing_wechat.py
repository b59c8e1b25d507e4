"""Hostile WeChat webhook XML and the check every body must pass, at the level of
the pure parse function (channels/wechat/parse.py).

Shared by the bounded fuzz test (tests/hardening/test_fuzz_wechat.py) and the
long run (`python -m bench.fuzz`). Inputs: arbitrary bytes, XML-ish token soup,
random element trees (text, CDATA, control characters, attributes, nesting),
WeChat-shaped messages with random field values, and any of those behind a
DTD (billion laughs, XXE, external DTD, parameter entities).
"""
from __future__ import annotations

import re
from typing import Union
from xml.sax.saxutils import escape

from hypothesis import strategies as st
from wechatpy import create_reply

from channels.wechat.channel import dedup_key
from channels.wechat.inbound import message_kind
from channels.wechat.parse import NotAMessage, parse_wechat_xml
from tests.hardening.fuzzing import surrogates

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content", "Event",
          "EventKey", "Recognition", "MediaId", "Format", "Encrypt", "PicUrl", "Location_X"]
MSG_TYPES = ["text", "voice", "image", "location", "event", "link", "video", "device_event",
             "TEXT", "unknown", ""]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH"]

# Nine levels of ten references each: 10^9 "lol"s if anything expanded them.
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol0 "lol">'
                  + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
                  + "]>")
XXE = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
DTDS = {
    "billion laughs": (BILLION_LAUGHS, "&lol9;"),
    "XXE file:///etc/passwd": (XXE, "&xxe;"),
    "external DTD": ('<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd">', "x"),
    "parameter entity": ('<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>', "x"),
    "plain DTD": ("<!DOCTYPE xml>", "x"),
    "quadratic blowup": ('<!DOCTYPE xml [<!ENTITY a "' + "a" * 5000 + '">]>', "&a;" * 200),
}
TOKENS = ["<", ">", "</", "/>", "<xml>", "</xml>", "<![CDATA[", "]]>", "&", "&amp;", "&lt;",
          "&#0;", "&#x1F600;", "&lol;", "<!DOCTYPE xml", "<!ENTITY", " SYSTEM ",
          '"file:///etc/passwd"', "<?xml version=\"1.0\"?>", "?>", "=", '"', "'", "\x00", "\x0b",
          "\ufeff"] + [f"<{f}>" for f in FIELDS] + [f"</{f}>" for f in FIELDS]

# A DTD can only come in the prolog: after a BOM, the XML declaration, comments, PIs.
_PROLOG_DTD = re.compile(r"(?:[\s\ufeff]|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)

control_chars = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
                                 "\ufffe", "\uffff", "\u2028"])
_unicode = st.characters(blacklist_categories=("Cs",))
_odd_chars = st.one_of(_unicode, _unicode, _unicode, control_chars,
                      st.sampled_from(["]]>", "<", "&", "\n"]))
raw_text = st.lists(_odd_chars, max_size=30).map("".join)
# Lone surrogates: what a str can hold but UTF-8 cannot.
with_surrogates = st.lists(st.one_of(_odd_chars, surrogates), max_size=30).map("".join)
tag_names = st.one_of(st.sampled_from(FIELDS),
                      st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,10}", fullmatch=True))


def _node_text(text: str, form: str) -> str:
    if form == "cdata":
        return f"<![CDATA[{text}]]>"
    return escape(text) if form == "escaped" else text


text_nodes = st.builds(_node_text, st.one_of(raw_text, with_surrogates),
                       st.sampled_from(["cdata", "escaped", "raw"]))
attributes = st.lists(st.tuples(tag_names, raw_text.map(lambda t: escape(t, {'"': "&quot;"}))),
                      max_size=2).map(lambda pairs: "".join(f' {k}="{v}"' for k, v in pairs))


def _element(tag: str, attrs: str, content: str) -> str:
    return f"<{tag}{attrs}>{content}</{tag}>"


def _children(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    one = st.builds(_element, tag_names, st.one_of(st.just(""), attributes), inner)
    return st.lists(one, max_size=4).map("".join)


element_trees = st.builds(_element, st.sampled_from(["xml", "xml", "xml", "root"]),
                          st.just(""), st.recursive(text_nodes, _children, max_leaves=12))

printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
openids = st.one_of(st.from_regex(r"o[A-Za-z0-9_-]{27}", fullmatch=True), raw_text)
# Mostly well-formed values, so that a good share of the messages parse and reach the
# channel's reading of them; raw (hostile) text for every field now and then.
field_values = {
    "ToUserName": st.one_of(st.just("gh_community01"), raw_text),
    "FromUserName": st.one_of(openids, openids),
    "CreateTime": st.one_of(st.integers(0, 2**34).map(str), st.integers(0, 2**34).map(str),
                            st.integers(0, 2**70).map(str), raw_text),
    "MsgType": st.one_of(st.sampled_from(MSG_TYPES), st.sampled_from(MSG_TYPES), raw_text),
    "MsgId": st.one_of(st.integers(0, 2**64).map(str), st.integers(0, 10**25).map(str), raw_text),
    "Content": st.one_of(printable, raw_text, with_surrogates),
    "Event": st.one_of(st.sampled_from(EVENTS), raw_text),
    "EventKey": st.one_of(st.sampled_from(["svc_property_repair", "qrscene_12", "scanbarcode|1"]),
                          raw_text),
    "Recognition": st.one_of(printable, raw_text), "MediaId": st.one_of(printable, raw_text),
}


REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")


def _message(fields: dict[str, str], forms: list[str], extra: str) -> str:
    body = "".join(f"<{k}>{_node_text(v, form)}</{k}>"
                   for (k, v), form in zip(fields.items(), forms + ["cdata"] * len(fields)))
    return f"<xml>{body}{extra}</xml>"


def messages(values: dict[str, st.SearchStrategy[str]], forms: list[str],
             extra: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`<xml>` with the required fields, some optional ones, each as CDATA/escaped/raw text."""
    fields = st.fixed_dictionaries({k: values[k] for k in REQUIRED},
                                   optional={k: v for k, v in values.items() if k not in REQUIRED})
    return st.builds(_message, fields, st.lists(st.sampled_from(forms), max_size=10), extra)


wechat_messages = messages(field_values, ["cdata", "cdata", "escaped", "escaped", "raw"],
                           st.one_of(st.just(""), _children(text_nodes)))
# Well-formed values only (random printable text): these mostly parse, so the
# channel's reading of parsed messages is exercised as much as the refusals.
plausible_messages = messages({
    "ToUserName": st.just("gh_community01"),
    "FromUserName": st.from_regex(r"o[A-Za-z0-9_-]{27}", fullmatch=True),
    "CreateTime": st.integers(0, 2**33).map(str), "MsgType": st.sampled_from(MSG_TYPES),
    "MsgId": st.integers(0, 2**64).map(str), "Event": st.sampled_from(EVENTS),
    "EventKey": st.one_of(printable, st.sampled_from(["svc_property_repair", "qrscene_1"])),
    "Content": printable, "Recognition": printable, "MediaId": printable,
}, ["cdata", "escaped"], st.just(""))


def _behind(dtd: str, body: str) -> str:
    declaration, reference = DTDS[dtd]
    return declaration + body.replace("<Content>", "<Content>" + reference, 1)


behind_a_dtd = st.builds(_behind, st.sampled_from(sorted(DTDS)), wechat_messages)
token_soup = st.lists(st.one_of(st.sampled_from(TOKENS), raw_text, with_surrogates),
                      max_size=30).map("".join)


def _maybe_bytes(text: str, as_bytes: bool) -> Union[str, bytes]:
    return text.encode("utf-8", "surrogatepass") if as_bytes else text


wechat_xml_inputs = st.one_of(
    st.binary(max_size=300),
    st.builds(_maybe_bytes, token_soup, st.booleans()),
    st.builds(_maybe_bytes, element_trees, st.booleans()),
    st.builds(_maybe_bytes, wechat_messages, st.booleans()),
    st.builds(_maybe_bytes, plausible_messages, st.booleans()),
    behind_a_dtd,
)


def read_like_the_channel(message) -> None:
    """Everything channels/wechat reads of a parsed message, and the passive reply."""
    dedup_key(message)
    message_kind(message)
    for name in ("content", "recognition", "media_id", "key", "event", "source", "target"):
        getattr(message, name, None)
    create_reply("好的", message).render()


def check_wechat_xml(xml: Union[str, bytes]) -> str:
    """A parsed message the channel can read, or NotAMessage. Returns "parsed" or "refused"."""
    kind = type(xml).__name__
    try:
        message = parse_wechat_xml(xml)
    except NotAMessage:
        outcome = "refused"
    except Exception as exc:
        raise AssertionError(f"parse_wechat_xml raised {type(exc).__name__} on a "
                             f"{len(xml)}-long {kind}") from exc
    else:
        outcome = "parsed"
        text = xml.decode("utf-8", "replace") if isinstance(xml, bytes) else xml
        assert not _PROLOG_DTD.match(text), f"a {len(xml)}-long {kind} with a DTD was parsed"
        try:
            read_like_the_channel(message)
        except Exception as exc:
            raise AssertionError(f"a parsed {message.type} message raised {type(exc).__name__} "
                                 "when the channel read it") from exc
    return outcome
