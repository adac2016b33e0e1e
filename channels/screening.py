"""What every channel checks before a message reaches the assistant, and how it
hands the message over."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, ConversationPaused, Event
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.followups import parse_in_context
from channels.questions import MAX_QUESTIONS, Question, separate_questions, with_alternatives
from safety.red_flags import URGENT_INTENT
from stores.message_marks import HOLDING_REPLY_KEY, STAFF_KEY

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000

EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know about mesotherapy?"
TOO_LONG_REPLY = (
    "That message is too long for me to read (over 2,000 characters). "
    "Could you ask your question in a shorter message?"
)
UNREADABLE_REPLY = "Sorry, I couldn't read some characters in that message. Could you type it again?"
SORRY_REPLY = "Sorry, something went wrong on our side. Please try again, or call the clinic."
# Said instead of silence while a conversation waits for staff (domain/safety.yml),
# after the urgent guidance when the message describes an urgent symptom.
WAITING_FOR_STAFF_RESPONSE = "utter_handoff_waiting"
URGENT_RESPONSE = "utter_urgent_symptom"
# After the first MAX_QUESTIONS of a message with more (domain/core.yml).
MORE_QUESTIONS_RESPONSE = "utter_more_questions_than_answered"
# The assistant's work runs on one event loop. With every message in flight at
# once, each slice of one message's work waits behind slices of all the others,
# so a busy moment stretches every reply. A few at a time, the rest in arrival
# order, keeps the CPU busy while some wait on the action server, and cuts the
# slowest replies (p95 at 10 conversations 330 -> 230 ms, bench/). Action calls
# come back through the gateway route, not here, so they never wait for a turn.
MESSAGES_AT_ONCE = 3
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def patient_blueprint(name: str) -> Blueprint:
    """A patient channel's blueprint, with the GET / health route every Rasa channel has."""
    webhook = Blueprint(name, __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    return webhook


def screening_reply(text: str) -> str | None:
    """A polite reply for a message the assistant should not process, else None."""
    if not "".join(character for character in text if character.isprintable()).strip():
        return EMPTY_MESSAGE_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    if any("\ud800" <= character <= "\udfff" for character in text):  # broken UTF-16 from a client
        return UNREADABLE_REPLY
    return None


# Metadata is stored with every message: keep it small and flat enough to encode.
MAX_METADATA_DEPTH = 10
MAX_METADATA_CHARS = 4096
# What JSON holds; socket.io can also carry binary attachments, which have no place here.
JSON_VALUE_TYPES = (dict, list, str, int, float, bool, type(None))


def metadata_problem(metadata: Any) -> str | None:
    """What is wrong with a message's metadata (shared by the REST and socket channels), else None."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return "'metadata' must be an object"
    pending, depth = [(metadata, 1)], 0
    while pending:  # iterative: a hostile body must not exhaust the stack here
        value, level = pending.pop()
        if not isinstance(value, JSON_VALUE_TYPES) or (isinstance(value, float) and not math.isfinite(value)):
            return "'metadata' may hold only JSON values"  # NaN and Infinity are not JSON
        depth = max(depth, level)
        if depth > MAX_METADATA_DEPTH:
            return f"'metadata' may be nested at most {MAX_METADATA_DEPTH} levels"
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        pending.extend((child, level + 1) for child in children)
    if len(json.dumps(metadata)) > MAX_METADATA_CHARS:
        return f"'metadata' may be at most {MAX_METADATA_CHARS} characters"
    return None


class CountingOutput(OutputChannel):
    """Passes the assistant's messages on to the channel's output and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def running_agent() -> Agent | None:
    try:
        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except SanicException:  # no server in this process
        return None
    return agent if isinstance(agent, Agent) else None


async def send_waiting_reply(agent: Agent, message: UserMessage) -> None:
    """Rasa answers nothing in a conversation paused for staff (a handoff): the
    patient hears that the team will reply, and where to turn if it is urgent.
    Rasa has still read the message, so an urgent symptom gets the urgent
    guidance first, never only the holding reply."""
    tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None or not tracker.is_paused():
        return
    responses = [WAITING_FOR_STAFF_RESPONSE] if holding_reply_due(tracker.events) else []
    if tracker.latest_message and tracker.latest_message.intent.get("name") == URGENT_INTENT:
        responses.insert(0, URGENT_RESPONSE)
    sent = []
    for response_name in responses:
        reply = await agent.nlg.generate(response_name, tracker, message.output_channel.name())
        if reply:
            sent.append(dict(reply))  # sending takes the text out of the reply
            await message.output_channel.send_response(message.sender_id, reply)
    await keep_in_conversation(agent, message.sender_id, sent)


def holding_reply_due(events: Iterable[Event]) -> bool:
    """Whether the patient should hear that the team will reply: not while a staff member
    is talking with them, that is when the last message they got since the pause was a
    staff member's."""
    last_heard = None
    for event in events:
        if isinstance(event, ConversationPaused):
            last_heard = None
        elif isinstance(event, BotUttered):
            last_heard = event
    metadata = (last_heard.metadata or {}) if last_heard else {}
    return not metadata.get(STAFF_KEY)


async def keep_in_conversation(agent: Agent, sender_id: str, replies: list[dict[str, Any]]) -> None:
    """What the patient was told while waiting is kept, so staff see it in the transcript."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return
        for reply in replies:
            tracker.update(BotUttered(reply.get("text"), metadata={HOLDING_REPLY_KEY: True}))
        await agent.tracker_store.save(tracker)


def message_turns() -> asyncio.Semaphore:
    """The turns of this event loop (one per server; tests run several loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _turns:
        _turns[loop] = asyncio.Semaphore(MESSAGES_AT_ONCE)
    return _turns[loop]


async def hand_over(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
    """Give the message to the assistant in its turn; never leave a patient waiting for staff in silence."""
    output = message.output_channel
    counted = CountingOutput(output)
    message.output_channel = counted
    agent = running_agent()
    try:
        async with message_turns():
            questions, left_out = await one_question_each(agent, message)
            for question in questions:
                await on_new_message(question)
            if left_out and agent is not None:
                await say_only_some_were_answered(agent, message)
    finally:
        message.output_channel = output
    if counted.sent == 0 and agent is not None and not (message.text or "").startswith("/"):
        await send_waiting_reply(agent, message)


async def one_question_each(agent: Agent | None, message: UserMessage) -> tuple[list[UserMessage], int]:
    """The message, or one message per question when it asks several (channels/questions.py),
    each with its parse; a short follow-up is read in the context of the answer before it
    (channels/followups.py). Also how many questions were left unanswered."""
    text = message.text or ""
    if agent is None or not agent.is_ready() or text.startswith("/"):
        return [message], 0
    separation = await separate_questions(agent, text)
    questions = separation.questions
    if len(questions) == 1:
        # The message is kept as written; what is read is the question it asks,
        # without a story before it (channels/questions.py).
        [question] = questions
        questions = [Question(text, await parse_in_context(agent, message.sender_id, question.text, question.parse))]
    handed = with_alternatives(questions)
    if len(handed) == 1:
        message.parse_data = handed[0].parse
        return [message], separation.left_out
    return [
        UserMessage(question.text, message.output_channel, message.sender_id,
                    input_channel=message.input_channel, metadata=message.metadata, parse_data=question.parse)
        for question in handed
    ], separation.left_out


async def say_only_some_were_answered(agent: Agent, message: UserMessage) -> None:
    tracker = await agent.tracker_store.retrieve(message.sender_id)
    if tracker is None:
        return
    reply = await agent.nlg.generate(MORE_QUESTIONS_RESPONSE, tracker, message.output_channel.name(),
                                     answered=MAX_QUESTIONS)
    if reply:
        await message.output_channel.send_response(message.sender_id, reply)


class ChannelCollector(CollectingOutputChannel):
    """Collects the replies under the channel's own name, so responses written for
    that channel (`channel: sms` in domain/) are the ones chosen."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    def name(self) -> str:  # type: ignore[override]
        return self.channel


async def ask_assistant(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    sender: str,
    channel: str,
    metadata: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The assistant's replies; if it fails, an apology for the patient and no text in the log."""
    collector = ChannelCollector(channel)
    try:
        await hand_over(on_new_message, UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
    except Exception as error:
        logger.error("%s message failed: %s", channel, type(error).__name__)
        return [{"recipient_id": sender, "text": SORRY_REPLY}]
    return collector.messages
