"""Twilio's opt-out, opt-in and help keywords as patients type them."""

from __future__ import annotations

import pytest

from channels.sms_keywords import Keyword, sms_keyword

OPT_OUTS = [
    "STOP", "stop", "Stop.", "STOP!", "Stop please", "please stop", "stop now", "Stop, thanks", "STOP \U0001f6d1",
    "STOPALL", "unsubscribe", "Unsubscribe.", "CANCEL", "cancel please", "END", "end.", "QUIT", "quit!",
    "REVOKE", "OPTOUT", "stop texting me", "Please stop texting me!!", "stop messaging me",
    "stop sending me messages", "don't text me anymore", "don\u2019t text me", "do not contact me",
    "never text me again", "opt out", "opt me out", "unsubscribe me", "remove me from your list",
]
NOT_KEYWORDS = [
    "stop the booking", "never mind", "cancel my booking", "help me book a consult", "what is the end result",
    "can I stop taking aspirin", "start a booking", "yes I want to book", "1", "ok", "", "quit smoking before?",
]


@pytest.mark.parametrize("text", OPT_OUTS)
def test_opt_out_keywords_with_punctuation_and_padding(text: str) -> None:
    assert sms_keyword(text) is Keyword.OPT_OUT


@pytest.mark.parametrize("text", ["START", "start", "Start.", "UNSTOP", "unstop please"])
def test_opt_in_keywords(text: str) -> None:
    assert sms_keyword(text) is Keyword.OPT_IN


@pytest.mark.parametrize("text", ["YES", "Yes.", "yes please"])
def test_yes_is_told_apart_for_the_channel_to_decide(text: str) -> None:
    assert sms_keyword(text) is Keyword.YES


@pytest.mark.parametrize("text", ["HELP", "help", "Help!", "help please", "INFO", "info?"])
def test_help_keywords(text: str) -> None:
    assert sms_keyword(text) is Keyword.HELP


@pytest.mark.parametrize("text", NOT_KEYWORDS)
def test_messages_meant_for_the_assistant_are_not_keywords(text: str) -> None:
    assert sms_keyword(text) is None
