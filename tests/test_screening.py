"""The hand-over every patient channel shares: a paused conversation gets a holding reply."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, UserUttered

from channels import screening

DOMAIN = Path(__file__).resolve().parent.parent / "domain"


@pytest.fixture
def agent(monkeypatch: pytest.MonkeyPatch) -> Agent:
    """A real agent (domain responses, in-memory tracker store) as the running server's."""
    agent = Agent(domain=Domain.load(str(DOMAIN)))
    monkeypatch.setattr(screening, "running_agent", lambda: agent)
    return agent


async def silent_assistant(message: UserMessage) -> None:
    """What Rasa does with a message in a paused conversation: nothing."""


def replies(text: str, sender: str) -> list[str]:
    output = CollectingOutputChannel()
    asyncio.run(screening.hand_over(silent_assistant, UserMessage(text, output, sender)))
    return [message["text"] for message in output.messages]


def pause(agent: Agent, sender: str) -> None:
    tracker = asyncio.run(agent.tracker_store.get_or_create_tracker(sender))
    tracker.update(ConversationPaused())
    asyncio.run(agent.tracker_store.save(tracker))


def test_a_paused_conversation_hears_that_staff_will_reply(agent: Agent) -> None:
    pause(agent, "paused-1")
    [holding] = replies("is anyone there?", "paused-1")
    assert "Liondale Medical team" in holding and "(555) 010-0199" in holding and "911" in holding
    # Kept in the conversation, so staff see what the patient was told.
    tracker = asyncio.run(agent.tracker_store.retrieve("paused-1"))
    assert [event.text for event in tracker.events if isinstance(event, BotUttered)] == [holding]


def test_no_holding_reply_while_staff_talk() -> None:
    staff_reply = BotUttered("Hi, this is Ana from the clinic.", metadata={"staff": "ana@clinic.test"})
    holding = BotUttered("The team will reply here.", metadata={"holding_reply": True})
    assert screening.holding_reply_due([ConversationPaused()])
    assert screening.holding_reply_due([ConversationPaused(), holding, UserUttered("hello?")])
    assert not screening.holding_reply_due([ConversationPaused(), staff_reply, UserUttered("thanks")])
    assert not screening.holding_reply_due([ConversationPaused(), holding, staff_reply, UserUttered("ok")])
    # A new pause starts afresh; an assistant's answer before the pause does not count.
    assert screening.holding_reply_due([staff_reply, ConversationResumed(), ConversationPaused()])
    assert screening.holding_reply_due([BotUttered("Mesotherapy is..."), ConversationPaused()])


def test_no_holding_reply_when_not_paused_or_for_commands(agent: Agent) -> None:
    asyncio.run(agent.tracker_store.get_or_create_tracker("active-1"))
    assert replies("hello", "active-1") == []
    pause(agent, "paused-2")
    assert replies("/restart", "paused-2") == []


def test_replies_pass_through_and_are_counted() -> None:
    output = CollectingOutputChannel()
    counted = screening.CountingOutput(output)
    asyncio.run(counted.send_response("someone", {"text": "hi"}))
    assert counted.sent == 1 and counted.name() == output.name()
    assert output.messages == [{"recipient_id": "someone", "text": "hi"}]


def test_a_few_messages_at_a_time_the_rest_in_arrival_order() -> None:
    started: list[str] = []
    in_flight = most_in_flight = 0

    async def scenario() -> None:
        release = asyncio.Event()

        async def slow_assistant(message: UserMessage) -> None:
            nonlocal in_flight, most_in_flight
            started.append(message.text or "")
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
            await release.wait()
            await message.output_channel.send_response(message.sender_id, {"text": "answer"})
            in_flight -= 1

        messages = [UserMessage(f"m{n}", CollectingOutputChannel(), f"patient-{n}") for n in range(7)]
        tasks = [asyncio.create_task(screening.hand_over(slow_assistant, message)) for message in messages]
        for _ in range(20):  # let every task run as far as it can
            await asyncio.sleep(0)
        assert started == ["m0", "m1", "m2"]
        release.set()
        await asyncio.gather(*tasks)
        assert all(message.output_channel.messages for message in messages)

    asyncio.run(scenario())
    assert started == [f"m{n}" for n in range(7)]
    assert most_in_flight == screening.MESSAGES_AT_ONCE == 3


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_metadata_numbers_that_json_cannot_hold_are_refused(number: float) -> None:
    assert screening.metadata_problem({"page": "/", "score": [number]}) == "'metadata' may hold only JSON values"
    assert screening.metadata_problem({"page": "/", "score": [0.5]}) is None


class TableAgent:
    """Parses from a table, like the trained model would; no conversation history."""

    def __init__(self, parses: dict[str, str]) -> None:
        self.parses = parses
        self.tracker_store = self

    async def parse_message(self, text: str) -> dict[str, object]:
        answer = self.parses[text]
        return {"text": text, "intent": {"name": answer.split("/")[0]},
                "response_selector": {"default": {"response": {"intent_response_key": answer}}}}

    async def retrieve(self, sender_id: str) -> None:
        return None

    def is_ready(self) -> bool:
        return True


def test_a_story_before_a_question_is_read_as_the_question() -> None:
    story, question = "my friend keeps on about meso", "what even is it"
    agent = TableAgent({story: "faq/uses", question: "faq/what_is", f"{story}. {question}": "faq/uses"})
    message = UserMessage(f"{story}. {question}", CollectingOutputChannel(), "patient")
    [handed], left_out = asyncio.run(screening.one_question_each(agent, message))  # type: ignore[arg-type]
    assert left_out == 0
    assert handed.text == f"{story}. {question}"
    assert handed.parse_data["response_selector"]["default"]["response"]["intent_response_key"] == "faq/what_is"
