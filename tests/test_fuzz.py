"""Hypothesis fuzzing of the REST and SMS webhooks and the widget's socket.io events on the real, running bot server.

Every generated request must get an HTTP answer below 500 within RESPONSE_BOUND_S;
well-formed ones must get the documented answer (a JSON list on REST, TwiML on SMS).
The runs are derandomized, so CI sees the same ~2,000 cases every time. Sender ids
and phone numbers come from small fixed pools so the tracker store stays bounded.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from channels.sms_segments import segments
from channels.webchat import UNREADABLE_EVENT_REPLY
from serving.bot import MAX_REQUEST_BYTES
from staff.cli import addressable
from tests.security.socket_chat import ChatSocket
from tests.servers import API_TOKEN, TWILIO_TEST_TOKEN, Bot
from tests.test_sms_e2e import new_message_sid

RESPONSE_BOUND_S = 10.0
REQUEST_TIMEOUT_S = 30.0
MAX_SENDER_CHARS = 128
MAX_MESSAGE_CHARS = 2000
MAX_SMS_BODY_BYTES = 16_384
# Twilio's limit for one message body.
MAX_SMS_CHARS = 1600
# Segments of one SMS reply: 4 for ordinary replies (tests/test_sms_domain.py), 5 for two
# answers in one SMS or an answer before the booking's summary; never more.
MAX_SMS_SEGMENTS_PER_TURN = 5
FORM = "application/x-www-form-urlencoded"
EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know about mesotherapy?"
TOO_LONG_REPLY_START = "That message is too long for me to read"
UNREADABLE_REPLY = "Sorry, I couldn't read some characters in that message. Could you type it again?"
SORRY_REPLY = "Sorry, something went wrong on our side. Please try again, or call the clinic."  # never expected
HANDOFF_DONE_START = "I've asked the Liondale Medical team to follow up"  # and the bot pauses

# Cases per test; the last test checks that together they reach MIN_TOTAL_CASES.
EXAMPLES = {
    "rest_text": 600,
    "rest_json_types": 350,
    "rest_malformed_bytes": 300,
    "rest_huge": 25,
    "sms_form": 800,
    "sms_huge": 25,
    "sms_booking_echo": 15,
    "methods": 60,
    "socket_events": 150,
}
MIN_TOTAL_CASES = 2000


def fuzz_settings(name: str) -> settings:
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- what the channels answer themselves -------------------------------------------------------------------------
# Found by this fuzzing and fixed, each with a regression test at the end of the module (the random cases cover
# them too): odd digits by SMS ("²", "①") gave HTTP 500; Twilio requests with a blank field (FromCity=, Body= of a
# picture-only MMS) got 403; control characters in booking answers made the TwiML unparseable.

def has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def screening(message: str) -> str | None:
    """The channel's own answer to `message` (the start of it for a long one), or None when the bot gets it."""
    if not "".join(c for c in message if c.isprintable()).strip():  # nothing printable: empty, controls, ...
        return EMPTY_MESSAGE_REPLY
    if len(message) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY_START
    if has_lone_surrogate(message):  # broken UTF-16 from a client
        return UNREADABLE_REPLY
    return None


def is_screening_answer(texts: list[str], expected: str) -> bool:
    if expected == TOO_LONG_REPLY_START:
        return len(texts) == 1 and texts[0].startswith(expected)
    return texts == [expected]


# --- bounded identities ------------------------------------------------------------------------------------------

WEIRD_SENDERS = [
    "😀", "\x00", " ", "../../etc/passwd", "s" * MAX_SENDER_CHARS, "\u202eevil", "Robert'); DROP TABLE events;--",
    "%00%2F", "sms-0123456789abcdef0123456789abcdef",
]
SENDERS = [f"fuzz-{i:02d}" for i in range(20 - len(WEIRD_SENDERS))] + WEIRD_SENDERS
# Not +1212555…: test_sms_e2e draws its numbers there, and a fuzzed STOP must not opt one of them out.
NUMBERS = [f"+1415555{9000 + i:04d}" for i in range(20)]
HUGE_NUMBER = "+14155559200"
FINAL_NUMBER = "+14155559300"
BOOKING_NUMBERS = [f"+1415555{9100 + i:04d}" for i in range(3)]
HUGE_SENDER = "fuzz-huge"

# --- text --------------------------------------------------------------------------------------------------------

EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇸", "❤️", "🧑🏿‍⚕️", "🫠", "💉", "\U0001f9ea"]
RTL = ["مرحبا، كم جلسة أحتاج؟", "שלום, כמה זה עולה?", "\u202eevil\u202c", "\u2067isolate\u2069", "\u200f", "سلام"]
CONTROL = [chr(c) for c in range(0x20)] + [
    "\x7f", "\x85", "\u00a0", "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029", "\ufffe", "\uffff", "\U0010ffff",
    "\u0301", "\ufffd",
]
DIGITS = ["1", "2", " 1. ", "2)", "0", "99", "١", "²", "①", "𝟙", "٣.", "1" * 30]
PHRASES = [
    "how many sessions do i need", "does it hurt?", "i want to book a consult", "how much does it cost", "yes", "no",
    "skip", "stop", "STOP", "start", "help", "info", "hi", "bye", "Maria Lopez", "monday mornings", "fat on my belly",
    "212 555 0199", "a@b.co", "<script>alert(1)</script>", "]]>", "&amp;", "<![CDATA[x]]>", "{}", "null", "%s%n",
    "{0}", "{clinic_phone}", "' OR 1=1 --", "i have trouble breathing", "can i talk to a human",
]
SLASH_COMMANDS = [
    "/", "/request_consult", "/faq", "/deny", "/affirm", "/restart", "/session_start", "/nlu_fallback", "/stop",
    '/inform{"weekday": "monday"}', "/greet{", '/greet{"x": [1, {"y": null}]}', "/greet@0.5", "/greet@2",
    "/unknown_intent", "/" + "x" * 100, '/greet{"entity": "', "/faq/what_is", "/out_of_scope{1: 2}",
]
SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
fragments = st.one_of(
    st.text(max_size=20),
    st.sampled_from(EMOJI + RTL + CONTROL + DIGITS + PHRASES + SLASH_COMMANDS),
)


def repeat_to(pattern: str, length: int) -> str:
    return (pattern * (length // len(pattern) + 1))[:length]


# Around the 2,000-character limit: just under (reaches the NLU), at it, and just over (refused politely).
near_limit = st.builds(
    repeat_to,
    st.sampled_from(["a", "😀", "مر", "how many sessions ", "\x00", " x", "\u0301"]) | st.text(min_size=1, max_size=4),
    st.integers(MAX_MESSAGE_CHARS - 5, MAX_MESSAGE_CHARS + 100),
)


def messages(surrogates: bool) -> st.SearchStrategy[str]:
    parts = st.one_of(fragments, SURROGATES) if surrogates else fragments
    return st.one_of(
        st.text(),
        st.lists(parts, max_size=8).map("".join),
        st.sampled_from(PHRASES + SLASH_COMMANDS + DIGITS + ["", "   ", "\n\t"]),
        near_limit,
    )


# --- HTTP --------------------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer: bytes = b""
    answer_type: str = ""
    seconds: float = 0.0

    def describe(self, bot: Bot) -> str:
        return (
            f"{self.method} {self.url} headers={self.headers!r}\n"
            f"request body ({len(self.body)} bytes): {self.body[:400]!r}\n"
            f"-> HTTP {self.status} in {self.seconds:.2f}s, {self.answer_type!r}: {self.answer[:400]!r}\n"
            f"bot log tail:\n{bot_log_tail(bot)}"
        )


@dataclass
class Stats:
    cases: Counter = field(default_factory=Counter)
    statuses: defaultdict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def record(self, test: str, exchange: Exchange) -> None:
        self.cases[test] += 1
        self.statuses[test][exchange.status] += 1
        self.slowest = sorted([*self.slowest, (exchange.seconds, f"{test}: {exchange.body[:60]!r}")], reverse=True)[:5]


STATS = Stats()
# The last REST messages of each sender, shown when a reply depends on the conversation so far.
HISTORY: defaultdict[str, deque[str]] = defaultdict(lambda: deque(maxlen=12))
# Senders whose conversation may be paused for a person (after a handoff), so the bot rightly stays silent.
MAYBE_PAUSED: set[str] = set()


def bot_log_tail(bot: Bot, lines: int = 40) -> str:
    if bot.workdir is None:
        return "(no workdir)"
    logs = sorted(bot.workdir.glob("bot-*.log"), key=lambda path: path.stat().st_mtime)
    if not logs:
        return "(no bot log)"
    return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])


def send(
    bot: Bot, test: str, path: str, body: bytes, headers: dict[str, str], method: str = "POST", query: str = ""
) -> Exchange:
    """One request; fails the case on a 5xx, on no answer at all, or on a slow answer."""
    url = f"{bot.url}{path}{'?' + query if query else ''}"
    exchange = Exchange(method, url, headers, body)
    request = urllib.request.Request(url, data=body if method != "GET" else None, headers=headers, method=method)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            exchange.status, exchange.answer = response.status, response.read()
            exchange.answer_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        exchange.status, exchange.answer = error.code, error.read()
        exchange.answer_type = error.headers.get("Content-Type", "")
    except OSError as error:  # URLError, timeouts, resets: the server did not answer
        exchange.seconds = time.monotonic() - start
        raise AssertionError(f"no HTTP answer ({type(error).__name__}: {error})\n{exchange.describe(bot)}") from error
    exchange.seconds = time.monotonic() - start
    STATS.record(test, exchange)
    assert exchange.status < 500, f"server error\n{exchange.describe(bot)}"
    assert exchange.seconds < RESPONSE_BOUND_S, f"slow answer (bound {RESPONSE_BOUND_S}s)\n{exchange.describe(bot)}"
    return exchange


# --- REST --------------------------------------------------------------------------------------------------------

REST_PATH = "/webhooks/rest/webhook"
JSON_HEADERS = {"Content-Type": "application/json"}


def post_rest(bot: Bot, test: str, body: bytes, content_type: str = "application/json") -> Exchange:
    return send(bot, test, REST_PATH, body, {"Content-Type": content_type})


def nesting_depth(value: Any) -> int:
    depth, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, (dict, list)):
            depth = max(depth, level)
            pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return depth


def small_metadata(metadata: Any) -> bool:
    """channels/rest.py stores metadata with every message: JSON (no NaN or Infinity), at most 10 levels
    and 4,096 characters."""
    if metadata is None:
        return True
    if not isinstance(metadata, dict) or nesting_depth(metadata) > 10:
        return False
    try:
        return len(json.dumps(metadata, allow_nan=False)) <= 4096
    except ValueError:
        return False


def rest_validity(body: Any) -> bool:
    """What channels/rest.py accepts, computed independently of it."""
    if not isinstance(body, dict):
        return False
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    return (
        isinstance(sender, str)
        and 0 < len(sender) <= MAX_SENDER_CHARS
        and isinstance(message, str)
        and small_metadata(metadata)
    )


def check_rest_replies(bot: Bot, exchange: Exchange, sender: str, message: str | None) -> list[dict[str, Any]]:
    """A 200 with a JSON list of messages for `sender`; the polite refusals where the message calls for one."""
    before = list(HISTORY[sender])
    if message is not None:
        HISTORY[sender].append(message)
    assert exchange.status == 200, f"a valid request was refused\n{exchange.describe(bot)}"
    replies = json.loads(exchange.answer)
    assert isinstance(replies, list), exchange.describe(bot)
    for reply in replies:
        assert isinstance(reply, dict) and reply.get("recipient_id") == sender, exchange.describe(bot)
        assert "Traceback" not in str(reply.get("text", "")), exchange.describe(bot)
        assert reply.get("text") != SORRY_REPLY, f"the bot failed\n{exchange.describe(bot)}"
    if message is None:
        return replies
    texts = [str(r.get("text", "")) for r in replies]
    expected = screening(message)  # answered by the channel, not the bot
    if replies and expected is None:
        MAYBE_PAUSED.discard(sender)
    if any(text.startswith(HANDOFF_DONE_START) for text in texts):
        MAYBE_PAUSED.add(sender)
    if not message.strip().startswith("/") and sender not in MAYBE_PAUSED:  # "/restart" & co. may answer nothing
        said = [text[:60] for text in before]
        assert replies, f"no answer at all; {sender!r} said before: {said!r}\n{exchange.describe(bot)}"
    if expected is not None:
        assert is_screening_answer(texts, expected), f"expected {expected[:40]!r}…\n{exchange.describe(bot)}"
    return replies


def check_rest_refusal(bot: Bot, exchange: Exchange) -> None:
    assert exchange.status == 400, f"an invalid request was not refused with 400\n{exchange.describe(bot)}"
    error = json.loads(exchange.answer)
    assert isinstance(error, dict) and isinstance(error.get("error"), str), exchange.describe(bot)


@st.composite
def rest_text_cases(draw: st.DrawFn) -> tuple[str, str, bytes, bool]:
    """(sender, message, body, exact): exact when the server is certain to see exactly `message`."""
    sender = draw(st.sampled_from(SENDERS))
    raw_utf8 = draw(st.booleans())
    message = draw(messages(surrogates=True))
    payload: dict[str, Any] = {"sender": sender, "message": message}
    if draw(st.booleans()):
        payload["metadata"] = draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3))
    if raw_utf8:  # UTF-8 on the wire; a lone surrogate becomes invalid (CESU-8) bytes
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    else:  # \uXXXX escapes: valid JSON even for lone surrogates
        body = json.dumps(payload).encode()
    seen = json.loads(body)["message"]  # a surrogate pair written as two escapes is one character on arrival
    exact = not (raw_utf8 and has_lone_surrogate(message))
    return sender, seen, body, exact


def test_rest_fuzzed_text_gets_a_json_list(assistant: Bot) -> None:
    name = "rest_text"

    @fuzz_settings(name)
    @given(case=rest_text_cases())
    def run(case: tuple[str, str, bytes, bool]) -> None:
        sender, message, body, exact = case
        exchange = post_rest(assistant, name, body)
        if exact:
            check_rest_replies(assistant, exchange, sender, message)
        elif exchange.status == 200:
            check_rest_replies(assistant, exchange, sender, None)
        else:
            check_rest_refusal(assistant, exchange)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**20, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
non_strings = json_values.filter(lambda value: not isinstance(value, str))
senders_bad = st.one_of(st.just(""), st.integers(MAX_SENDER_CHARS + 1, 5000).map(lambda n: "s" * n), non_strings)
messages_any = st.one_of(messages(surrogates=False), non_strings)
metadata_any = st.one_of(
    st.dictionaries(st.text(max_size=12), json_values, max_size=5),
    st.just({"sealed_number": "gAAAAABforged"}),
    non_strings,
)
extra_keys = st.dictionaries(
    st.sampled_from(["sender_id", "input_channel", "text", "metadata2", "buttons", "__proto__", ""]),
    json_values,
    max_size=3,
)


@st.composite
def rest_json_bodies(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)  # anything but an object, mostly
    body: dict[str, Any] = draw(extra_keys)
    # Mostly valid senders and present keys, so that valid bodies with odd parts come up often too.
    senders = st.sampled_from(SENDERS) if draw(st.integers(0, 3)) != 3 else senders_bad
    for key, strategy in (("sender", senders), ("message", messages_any), ("metadata", metadata_any)):
        if draw(st.integers(0, 5)) != 5:
            body[key] = draw(strategy)
    return body


def test_rest_json_of_any_shape_gets_a_list_or_a_400(assistant: Bot) -> None:
    name = "rest_json_types"

    @fuzz_settings(name)
    @given(body=rest_json_bodies(), content_type=st.sampled_from(["application/json"] * 4 + ["text/plain", ""]))
    def run(body: Any, content_type: str) -> None:
        exchange = post_rest(assistant, name, json.dumps(body).encode(), content_type)
        if rest_validity(body):
            check_rest_replies(assistant, exchange, body["sender"], body["message"])
        else:
            check_rest_refusal(assistant, exchange)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


def nested(depth: int, opener: str = "[", closer: str = "]", core: str = "1") -> bytes:
    return (opener * depth + core + closer * depth).encode()


VALID_PREFIX = b'{"sender": "fuzz-00", "message": "how many sessions do i need"'
malformed_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda cut: (VALID_PREFIX + b"}")[:cut], st.integers(0, len(VALID_PREFIX))),  # truncated
    st.builds(lambda junk: VALID_PREFIX + b"}" + junk, st.binary(min_size=1, max_size=20)),  # trailing junk
    st.builds(lambda raw: b'{"sender": "fuzz-01", "message": "' + raw + b'"}', st.binary(max_size=40)),
    st.integers(1, 3000).map(nested),  # deep arrays, beyond the parser's depth limit too
    st.integers(1, 1100).map(
        lambda depth: b'{"sender": "fuzz-02", "message": "hi", "metadata": ' + nested(depth, '{"a": ', "}") + b"}"
    ),
    st.sampled_from(
        [
            b"", b"null", b"[]", b"{}", b"\xef\xbb\xbf{}", b"NaN", b"-Infinity", b"1e999", b"9" * 5000,
            b'{"sender": "fuzz-03", "message": "hi", "sender": 5}',
            b'{"sender": "fuzz-03", "message": "hi"} {"sender": "x"}',
            b'{"sender": "fuzz-03", /* c */ "message": "hi"}',
            b"{'sender': 'fuzz-03', 'message': 'hi'}",
            b'{"sender": "fuzz-03", "message": "\\ud800"}',
            b'{"sender": "fuzz-03", "message": "\\udc00\\ud800"}',
            b'{"sender": "fuzz-03", "message": "\xed\xa0\x80"}',
            b'{"sender": "fuzz-03", "message": "\xc0\xaf overlong"}',
            b'{"sender": "fuzz-03", "message": "\\u0000"}',
            b'{"sender": "fuzz-03", "message": "\\uZZZZ"}',
            b'{"sender": "fuzz-03", "message": "hi", "metadata": {"x": 1e400}}',
            b'{"sender": "fuzz-03", "message": "hi", "metadata": {"x": NaN}}',
            b'{"sender": "\x00", "message": "hi"}',
            b"\x00" * 64,
            '{"sender": "fuzz-03", "message": "hi"}'.encode("utf-16"),
            '{"sender": "fuzz-03", "message": "hi"}'.encode("utf-32"),
        ]
    ),
)


def test_rest_malformed_bytes_never_a_server_error(assistant: Bot) -> None:
    name = "rest_malformed_bytes"

    @fuzz_settings(name)
    @given(
        body=malformed_bodies,
        content_type=st.sampled_from(["application/json", "application/json; charset=latin-1", "text/plain", FORM]),
    )
    def run(body: bytes, content_type: str) -> None:
        exchange = post_rest(assistant, name, body, content_type)
        if exchange.status == 200:
            replies = json.loads(exchange.answer)
            assert isinstance(replies, list), exchange.describe(assistant)
            failed = [r for r in replies if isinstance(r, dict) and r.get("text") == SORRY_REPLY]
            assert not failed, f"the bot failed\n{exchange.describe(assistant)}"
        else:
            check_rest_refusal(assistant, exchange)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


MEGABYTE = 1_000_000


@st.composite
def huge_rest_bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """(body, message): about 1 MB of bytes (over the server's request size limit: 413), or a message just over
    the channel's limit; message is None when refused."""
    size = draw(st.integers(MEGABYTE - 1000, MEGABYTE + 1000))
    kind = draw(st.sampled_from(["raw", "message", "metadata", "sender", "over_limit"]))
    if kind == "raw":
        pattern = draw(st.binary(min_size=1, max_size=16))
        return (pattern * (size // len(pattern) + 1))[:size], None
    if kind == "over_limit":
        text = repeat_to(draw(st.text(min_size=1, max_size=8).filter(str.strip)), draw(st.integers(2001, 2050)))
        return json.dumps({"sender": draw(st.sampled_from(SENDERS)), "message": text}).encode(), text
    if kind == "message":  # about `size` bytes once JSON-escaped ("😀" takes 12): past that the server resets
        pattern = draw(st.sampled_from(["a", "😀", "how many sessions "]))
        text = repeat_to(pattern, size * len(pattern) // (len(json.dumps(pattern)) - 2))
        return json.dumps({"sender": HUGE_SENDER, "message": text}).encode(), text
    if kind == "sender":
        return json.dumps({"sender": "s" * size, "message": "hi"}).encode(), None
    metadata = {"blob": "m" * size, "n": list(range(draw(st.integers(0, 1000))))}
    return json.dumps({"sender": HUGE_SENDER, "message": "hi", "metadata": metadata}).encode(), None


def test_rest_huge_bodies(assistant: Bot) -> None:
    name = "rest_huge"

    @fuzz_settings(name)
    @given(case=huge_rest_bodies())
    def run(case: tuple[bytes, str | None]) -> None:
        body, message = case
        exchange = post_rest(assistant, name, body)
        if len(body) > MAX_REQUEST_BYTES:
            assert exchange.status == 413, exchange.describe(assistant)
        elif message is None:
            check_rest_refusal(assistant, exchange)
        else:
            check_rest_replies(assistant, exchange, json.loads(body)["sender"], message)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]
    # Huge bodies must not break the conversation that sent them.
    exchange = post_rest(assistant, name, json.dumps({"sender": HUGE_SENDER, "message": QUESTION}).encode())
    assert any(ANSWER in r.get("text", "") for r in check_rest_replies(assistant, exchange, HUGE_SENDER, QUESTION))


# --- SMS ---------------------------------------------------------------------------------------------------------

SMS_PATH = "/webhooks/sms/webhook"
TWILIO_FIELDS = [
    "To", "MessageSid", "SmsSid", "SmsMessageSid", "AccountSid", "MessagingServiceSid", "NumMedia", "NumSegments",
    "FromCity", "FromState", "FromZip", "FromCountry", "ToCity", "ToState", "ToZip", "ToCountry", "SmsStatus",
    "ApiVersion", "MediaUrl0", "MediaContentType0",
]
WEIRD_NUMBERS = ["not-a-number", "+", "☎", "1" * 300, "+1 (212) 555-0100", "whatsapp:+12125550100"]


@dataclass
class SmsCase:
    pairs: list[tuple[str, str]]
    mode: str  # signed, unsigned, forged, tampered, garbage
    content_type: str
    query: str = ""


SMS_KEYWORDS = ["STOP", "stop ", "Start", "unstop", "HELP", "info", "cancel", "quit", "end"]
OPT_OUT_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit"}
OPT_IN_WORDS = {"start", "unstop"}
# Whether a number is opted out, as far as this session's STOP and START tell (the clinic database may be older).
OPTED_OUT: dict[str, bool] = {}
# The channel handles each MessageSid once: a signed request that repeats one gets empty TwiML.
SEEN_MESSAGE_SIDS: set[str] = set()


def sms_texts(signed: bool) -> st.SearchStrategy[str]:
    # Twilio sends valid UTF-8: no surrogates in signed requests.
    return st.one_of(messages(surrogates=not signed), st.sampled_from(DIGITS + SMS_KEYWORDS))


@st.composite
def sms_cases(draw: st.DrawFn) -> SmsCase:
    mode = draw(st.sampled_from(["signed"] * 6 + ["unsigned", "forged", "tampered", "garbage"]))
    signed = mode == "signed"
    # Blank values are common (FromCity=, Body= of a picture-only MMS); signed cases, like Twilio's, have no surrogates.
    values = st.text(max_size=40) if signed else st.one_of(st.text(max_size=40), SURROGATES)
    pairs: list[tuple[str, str]] = []
    number = draw(st.one_of(st.sampled_from(NUMBERS), st.sampled_from(WEIRD_NUMBERS), st.just(""), st.none()))
    if number is not None:
        pairs.append(("From", number))
    if draw(st.integers(0, 9)):
        pairs.append(("Body", draw(sms_texts(signed))))
    names = st.sampled_from(TWILIO_FIELDS) | st.text(max_size=12)
    if signed:  # Twilio sends each field once
        names = names.filter(lambda key: key not in ("From", "Body"))
        extras = draw(st.dictionaries(names, values, max_size=8)).items()
    else:
        extras = draw(st.lists(st.tuples(names | st.sampled_from(["From", "Body"]), values), max_size=8))
    pairs.extend(extras)
    pairs = draw(st.permutations(pairs))
    content_type = draw(
        st.sampled_from([FORM] * 8 + [f"{FORM}; charset=utf-8", "application/json", "text/plain", "", FORM.upper()])
    )
    query = ""
    if signed and not draw(st.integers(0, 7)):
        query = urllib.parse.urlencode(draw(st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8))))
    return SmsCase(pairs, mode, content_type, query)


def form_body(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode()


def sign(url: str, pairs: list[tuple[str, str]], token: str = TWILIO_TEST_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, dict(pairs))


def expected_sms_status(case: SmsCase, body: bytes) -> int:
    """The order of checks in channels/sms.py: size, content type, signature, From and Body."""
    fields = dict(case.pairs)  # blank values count; only unsigned cases (403 before From and Body) repeat a field
    if len(body) > MAX_SMS_BODY_BYTES:
        return 413
    if case.content_type.split(";")[0].strip() != FORM:
        return 415
    if case.mode != "signed":
        return 403
    if not fields.get("From") or "Body" not in fields:
        return 400
    return 200


def check_twiml(bot: Bot, exchange: Exchange) -> list[str]:
    assert exchange.status == 200, f"a valid, signed request was refused\n{exchange.describe(bot)}"
    assert exchange.answer_type.startswith("text/xml"), exchange.describe(bot)
    try:
        root = ET.fromstring(exchange.answer)
    except ET.ParseError as error:
        raise AssertionError(f"unparseable TwiML ({error})\n{exchange.describe(bot)}") from error
    assert root.tag == "Response", exchange.describe(bot)
    assert all(child.tag == "Message" for child in root), exchange.describe(bot)
    bodies = [child.text or "" for child in root]
    assert sum(segments(body) for body in bodies) <= MAX_SMS_SEGMENTS_PER_TURN, exchange.describe(bot)
    assert all(len(body) <= MAX_SMS_CHARS for body in bodies), exchange.describe(bot)
    assert not any("Traceback" in body for body in bodies), exchange.describe(bot)
    assert SORRY_REPLY not in bodies, f"the bot failed\n{exchange.describe(bot)}"
    return bodies


def check_sms_answer(bot: Bot, exchange: Exchange, number: str, text: str) -> list[str]:
    """TwiML, with the channel's own answer where the text calls for one and the number is not opted out."""
    bodies = check_twiml(bot, exchange)
    keyword = text.strip().lower()
    if keyword in OPT_OUT_WORDS | OPT_IN_WORDS:
        OPTED_OUT[number] = keyword in OPT_OUT_WORDS
        return bodies
    expected = screening(text)
    if expected is None or (not bodies and OPTED_OUT.get(number) is None):  # the latter: maybe opted out earlier
        return bodies
    if OPTED_OUT.get(number):
        assert bodies == [], f"an opted-out number got an answer\n{exchange.describe(bot)}"
    else:
        assert is_screening_answer(bodies, expected), f"expected {expected[:40]!r}…\n{exchange.describe(bot)}"
    return bodies


def post_sms(bot: Bot, test: str, case: SmsCase, body: bytes | None = None) -> Exchange:
    body = form_body(case.pairs) if body is None else body
    url = f"{bot.url}{SMS_PATH}{'?' + case.query if case.query else ''}"
    headers = {"Content-Type": case.content_type}
    signable = [(key, value) for key, value in case.pairs if not has_lone_surrogate(value)]
    if case.mode == "signed":
        headers["X-Twilio-Signature"] = sign(url, case.pairs)
    elif case.mode == "forged":
        headers["X-Twilio-Signature"] = sign(url, signable, "not-it")
    elif case.mode == "tampered":  # signed, then a field changed on the way (its last value, the one that counts)
        headers["X-Twilio-Signature"] = sign(url, signable)
        changed = [*case.pairs[:-1], (case.pairs[-1][0], case.pairs[-1][1] + "x")] if case.pairs else [("Body", "x")]
        body = form_body(changed)
    elif case.mode == "garbage":
        headers["X-Twilio-Signature"] = "A" * 28 + "=" if case.pairs else "not base64 !!"
    return send(bot, test, SMS_PATH, body, headers, query=case.query)


def test_sms_fuzzed_forms_get_twiml_or_a_4xx(assistant: Bot) -> None:
    name = "sms_form"

    @fuzz_settings(name)
    @given(case=sms_cases())
    def run(case: SmsCase) -> None:
        exchange = post_sms(assistant, name, case)
        expected = expected_sms_status(case, form_body(case.pairs))
        assert exchange.status == expected, f"expected HTTP {expected}\n{exchange.describe(assistant)}"
        if expected == 200:
            fields = dict(case.pairs)
            message_sid = fields.get("MessageSid", "")
            if message_sid in SEEN_MESSAGE_SIDS:
                assert check_twiml(assistant, exchange) == [], f"a replay was answered\n{exchange.describe(assistant)}"
            else:
                check_sms_answer(assistant, exchange, fields["From"], fields["Body"])
            if message_sid:  # the channel de-duplicates only requests that carry one
                SEEN_MESSAGE_SIDS.add(message_sid)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


@st.composite
def huge_sms_cases(draw: st.DrawFn) -> tuple[SmsCase, bytes | None]:
    mode = draw(st.sampled_from(["signed", "signed", "unsigned"]))
    kind = draw(st.sampled_from(["near_limit", "near_limit", "megabyte", "raw"]))
    if kind == "raw":
        pattern = draw(st.binary(min_size=1, max_size=16))
        return SmsCase([("From", HUGE_NUMBER)], mode, FORM), (pattern * (MEGABYTE // len(pattern) + 1))[:MEGABYTE]
    pattern = draw(st.sampled_from(["a", "é", "how many sessions ", "😀&"]))
    size = draw(st.integers(MAX_SMS_BODY_BYTES - 300, MAX_SMS_BODY_BYTES + 300)) if kind == "near_limit" else MEGABYTE
    encoded_per_char = len(urllib.parse.quote_plus(pattern)) / len(pattern)  # the form body is what is limited
    text = repeat_to(pattern, int((size - 30) / encoded_per_char))
    return SmsCase([("From", HUGE_NUMBER), ("Body", text)], mode, FORM), None


def test_sms_huge_bodies(assistant: Bot) -> None:
    name = "sms_huge"

    @fuzz_settings(name)
    @given(case=huge_sms_cases())
    def run(case: tuple[SmsCase, bytes | None]) -> None:
        sms, raw = case
        body = form_body(sms.pairs) if raw is None else raw
        exchange = post_sms(assistant, name, sms, raw)
        if raw is not None or len(body) > MAX_SMS_BODY_BYTES:
            assert exchange.status == 413, exchange.describe(assistant)
        elif sms.mode == "unsigned":
            assert exchange.status == 403, exchange.describe(assistant)
        else:
            [refusal] = check_twiml(assistant, exchange)
            assert refusal.startswith(TOO_LONG_REPLY_START), exchange.describe(assistant)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


def sms_turn(bot: Bot, test: str, number: str, text: str) -> list[str]:
    return check_twiml(bot, post_sms(bot, test, SmsCase([("From", number), ("Body", text)], "signed", FORM)))


def book_until_summary(bot: Bot, test: str, number: str, when: str, what: str) -> list[str]:
    """A booking by SMS up to the summary, which repeats the patient's answers (the request is not sent)."""
    sms_turn(bot, test, number, "/restart")
    sms_turn(bot, test, number, "i want to book a consult")
    sms_turn(bot, test, number, "Maria Lopez")
    sms_turn(bot, test, number, f"any time {when}")
    sms_turn(bot, test, number, f"fat on my belly {what}")
    return sms_turn(bot, test, number, "yes")  # consent to the texting number; the summary follows


def test_sms_booking_echoes_fuzzed_answers_as_valid_twiml(assistant: Bot) -> None:
    """The booking summary repeats the patient's own words; odd words must still make valid TwiML."""
    name = "sms_booking_echo"
    # Right-to-left text that asks nothing: the questions in RTL ("how much does it cost?" in
    # Hebrew) are understood by the multilingual encoder and answered mid-form, as they should be.
    rtl_answers = [text for text in RTL if "?" not in text and "؟" not in text]
    odd_characters = CONTROL + EMOJI + rtl_answers + list("<>&'\"]")  # XML-forbidden ones included
    oddities = st.lists(st.sampled_from(odd_characters), min_size=1, max_size=4).map("".join)

    @fuzz_settings(name)
    @given(number=st.sampled_from(BOOKING_NUMBERS), when=oddities, what=oddities)
    def run(number: str, when: str, what: str) -> None:
        summary = " ".join(book_until_summary(assistant, name, number, when, what))
        assert "Please check your request" in summary and "Maria Lopez" in summary, summary

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


# --- socket.io -----------------------------------------------------------------------------------------------------
# What a script can send the widget's socket: any event name, any data. The server answers (a malformed message gets
# a polite reply) or ignores; it never raises, and the socket stays connected.

SOCKET_EVENTS = ["user_uttered", "session_request", "bot_uttered", "message", "connect", "disconnect", "", "__proto__"]
session_ids = st.one_of(st.none(), st.sampled_from([*SENDERS, "web-" + "0" * 32 + "-" + "0" * 32]), json_values)
socket_messages = st.fixed_dictionaries(
    {},
    optional={"message": messages_any, "session_id": session_ids, "metadata": metadata_any, "customData": json_values},
)
socket_events = st.tuples(st.sampled_from(SOCKET_EVENTS) | st.text(max_size=12), socket_messages | json_values)


def is_malformed_message(data: Any) -> bool:
    """What channels/webchat.py answers with UNREADABLE_EVENT_REPLY, computed independently of it."""
    return not isinstance(data, dict) or not isinstance(data.get("message"), str) or not small_metadata(
        data.get("metadata")
    )


def bot_log_tracebacks(bot: Bot) -> int:
    assert bot.workdir is not None
    return sum(path.read_text(errors="replace").count("Traceback") for path in bot.workdir.glob("bot-*.log"))


async def socket_exchange(bot: Bot, events: list[tuple[str, Any]]) -> None:
    async with ChatSocket(bot.url) as chat:
        await chat.open()
        for event, data in events:
            chat.heard.clear()
            await chat.client.emit(event, data)
            if event == "user_uttered" and is_malformed_message(data):
                assert await chat.hears(UNREADABLE_EVENT_REPLY), f"no answer to {event!r} {data!r:.300}"
            elif event == "session_request":
                confirmed = await asyncio.wait_for(chat.confirmed.get(), 10)
                assert isinstance(confirmed, str), f"no session for {data!r:.300}"
        await asyncio.sleep(0.2)
        assert chat.client.connected, f"the server dropped the socket after {events!r:.600}"


def test_socket_fuzzed_events_are_answered_or_ignored(assistant: Bot) -> None:
    name = "socket_events"
    tracebacks = bot_log_tracebacks(assistant)

    @fuzz_settings(name)
    @given(events=st.lists(socket_events, min_size=1, max_size=4))
    def run(events: list[tuple[str, Any]]) -> None:
        STATS.cases[name] += 1
        asyncio.run(socket_exchange(assistant, events))

    run()
    assert STATS.cases[name] >= EXAMPLES[name]
    assert bot_log_tracebacks(assistant) == tracebacks, bot_log_tail(assistant)


# --- both --------------------------------------------------------------------------------------------------------


def test_other_methods_and_paths_never_a_server_error(assistant: Bot) -> None:
    name = "methods"

    @fuzz_settings(name)
    @given(
        method=st.sampled_from(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST"]),
        path=st.sampled_from([REST_PATH, SMS_PATH, "/webhooks/rest/", "/webhooks/sms/", "/webhooks/rest/webhook/x"]),
        body=st.binary(max_size=64),
        header=st.sampled_from([{}, {"Content-Type": FORM}, {"X-Twilio-Signature": "x" * 4000}, {"Expect": "nope"}]),
    )
    def run(method: str, path: str, body: bytes, header: dict[str, str]) -> None:
        send(assistant, name, path, body, header, method=method)

    run()
    assert STATS.cases[name] >= EXAMPLES[name]


# --- fixed bugs, reproduced ---------------------------------------------------------------------------------------

TWILIO_INBOUND_SMS = [  # what Twilio posts for an inbound SMS; city and ZIP are often blank
    ("ToCountry", "US"), ("ToState", "NY"), ("SmsMessageSid", "SM" + "1" * 32), ("NumMedia", "0"), ("ToCity", ""),
    ("FromZip", ""), ("SmsSid", "SM" + "1" * 32), ("FromState", "NY"), ("SmsStatus", "received"), ("FromCity", ""),
    ("FromCountry", "US"), ("To", "+15550100"), ("ToZip", ""), ("NumSegments", "1"), ("AccountSid", "AC" + "1" * 32),
    ("ApiVersion", "2010-04-01"),
]  # and a MessageSid of its own for each message
# Numbers of their own, which no fuzzed STOP can have opted out.
REGRESSION_NUMBERS = [f"+1415555{9400 + i:04d}" for i in range(2)]


def sms_turn_pairs(bot: Bot, pairs: list[tuple[str, str]]) -> list[str]:
    pairs = [*pairs, ("MessageSid", new_message_sid())]
    return check_twiml(bot, post_sms(bot, "regressions", SmsCase(pairs, "signed", FORM)))


def test_odd_digits_by_sms_are_not_a_server_error(assistant: Bot) -> None:
    """Was HTTP 500: int('²') in sms_replies.button_payload."""
    for body in ["²", "①", " ³. ", "١", "𝟙"]:
        assert sms_turn(assistant, "regressions", REGRESSION_NUMBERS[0], body)


def test_twilio_requests_with_blank_fields_are_accepted(assistant: Bot) -> None:
    """Was HTTP 403: the blank fields Twilio signs were dropped before the signature check."""
    question = [*TWILIO_INBOUND_SMS, ("From", REGRESSION_NUMBERS[1]), ("Body", QUESTION)]
    assert any(ANSWER in body for body in sms_turn_pairs(assistant, question))
    picture = [("NumMedia", "1"), ("MediaContentType0", "image/jpeg"), ("MediaUrl0", "https://api.twilio.com/m/ME1")]
    without_media = [(key, value) for key, value in TWILIO_INBOUND_SMS if key != "NumMedia"]
    picture_only = [*without_media, *picture, ("From", REGRESSION_NUMBERS[1]), ("Body", "")]
    assert sms_turn_pairs(assistant, picture_only) == [EMPTY_MESSAGE_REPLY]


def test_control_characters_in_booking_answers_keep_twiml_valid(assistant: Bot) -> None:
    """Was unparseable TwiML: the booking summary echoed the answers' control characters."""
    summary = " ".join(book_until_summary(assistant, "regressions", BOOKING_NUMBERS[0], "\x00", "\x08\x1b\uffff"))
    assert "Please check your request" in summary and "Maria Lopez" in summary, summary


def test_unreadable_and_unprintable_messages_get_polite_answers(assistant: Bot) -> None:
    for message, expected in [
        ("how many sessions \udc00", UNREADABLE_REPLY),
        ("\ud800 hi", UNREADABLE_REPLY),
        ("\ud800", EMPTY_MESSAGE_REPLY),  # nothing printable is checked first
        ("\ud800\u200b", EMPTY_MESSAGE_REPLY),
        ("\x00\x1b\u200b\u2028\ufeff", EMPTY_MESSAGE_REPLY),
        ("\x00" * (MAX_MESSAGE_CHARS + 1), EMPTY_MESSAGE_REPLY),
    ]:
        body = json.dumps({"sender": "fuzz-screening", "message": message}).encode()
        exchange = post_rest(assistant, "regressions", body)
        assert exchange.status == 200, exchange.describe(assistant)
        assert [r.get("text") for r in json.loads(exchange.answer)] == [expected], exchange.describe(assistant)


# --- after all that ------------------------------------------------------------------------------------------------

QUESTION = "how many sessions do i need"
ANSWER = "three to 15 times"


def test_server_still_answers_after_fuzzing(assistant: Bot, capsys: pytest.CaptureFixture[str]) -> None:
    exchange = post_rest(assistant, "final", json.dumps({"sender": "fuzz-after", "message": QUESTION}).encode())
    replies = check_rest_replies(assistant, exchange, "fuzz-after", QUESTION)
    assert any(ANSWER in r.get("text", "") for r in replies), exchange.describe(assistant)
    assert any(ANSWER in body for body in sms_turn(assistant, "final", FINAL_NUMBER, QUESTION))
    # The fuzzed conversations still work, once resumed as staff do after a handoff (which pauses the bot).
    # Rasa's HTTP API does not percent-decode conversation ids: only those staff can address are resumed.
    for sender in [s for s in [*SENDERS, HUGE_SENDER] if addressable(s)]:
        resume = send(
            assistant,
            "final",
            f"/conversations/{sender}/tracker/events",
            json.dumps([{"event": "resume"}, {"event": "action", "name": "action_listen"}]).encode(),
            JSON_HEADERS,
            query=urllib.parse.urlencode({"token": API_TOKEN}),
        )
        assert resume.status == 200, resume.describe(assistant)
        exchange = post_rest(assistant, "final", json.dumps({"sender": sender, "message": QUESTION}).encode())
        replies = check_rest_replies(assistant, exchange, sender, QUESTION)
        assert any(ANSWER in r.get("text", "") for r in replies), exchange.describe(assistant)

    with capsys.disabled():
        total = sum(STATS.cases.values())
        print(f"\nfuzz: {total} requests")
        for test, statuses in STATS.statuses.items():
            print(f"fuzz: {test}: {STATS.cases[test]} requests, HTTP {dict(sorted(statuses.items()))}")
        print("fuzz: slowest " + "; ".join(f"{seconds:.2f}s {what}" for seconds, what in STATS.slowest))
    if set(EXAMPLES) <= set(STATS.cases):  # the whole module ran
        assert total >= MIN_TOTAL_CASES
