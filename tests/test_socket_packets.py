"""The chat socket's packets: malformed ones become an event nobody listens to."""

from __future__ import annotations

import pytest
from socketio import packet

from channels.socket_packets import IGNORED_EVENT, TolerantPacket, TooLargeNumber


@pytest.mark.parametrize("raw", ["2{}", "2[]", "25", "2[5]", "2[bad", "2" + "[" * 5000 + "]" * 5000, "9", "4{}", ""])
def test_a_malformed_packet_is_an_ignored_event(raw: str) -> None:
    decoded = TolerantPacket(encoded_packet=raw)
    assert (decoded.packet_type, decoded.data) == (packet.EVENT, [IGNORED_EVENT])


def test_a_well_formed_event_is_read_as_socketio_reads_it() -> None:
    raw = '2["user_uttered",{"message":"hi","session_id":"web-1"}]'
    assert TolerantPacket(encoded_packet=raw).data == packet.Packet(encoded_packet=raw).data


def test_huge_integers_become_a_value_no_check_accepts() -> None:
    data = TolerantPacket(encoded_packet='2["user_uttered",{"message":' + "9" * 5000 + "}]").data
    assert data[0] == "user_uttered" and isinstance(data[1]["message"], TooLargeNumber)


def test_packets_this_server_builds_are_left_as_they_are() -> None:
    refusal = TolerantPacket(packet.CONNECT_ERROR, data={"message": "Connection rejected by server"})
    assert (refusal.packet_type, refusal.data) == (packet.CONNECT_ERROR, {"message": "Connection rejected by server"})
