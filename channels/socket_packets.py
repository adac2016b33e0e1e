"""socket.io packets as the chat socket reads them: a malformed one is ignored, never an exception.

python-socketio raises (and logs a traceback) on packets a hand-made client can
send: JSON that does not parse or is nested thousands deep, integers of
thousands of digits, an event whose data is not a list led by its name, or a
packet type a client has no business sending. This packet class turns each of
those into an event no handler listens to.
"""

from __future__ import annotations

import functools
import json
from types import SimpleNamespace
from typing import Any

from socketio import packet

IGNORED_EVENT = "ignored-malformed-packet"
CLIENT_PACKET_TYPES = {packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK, packet.BINARY_EVENT,
                       packet.BINARY_ACK}
EVENT_TYPES = {packet.EVENT, packet.BINARY_EVENT}
MAX_INTEGER_DIGITS = 100


class TooLargeNumber:
    """An integer of over 100 digits: Python's int() refuses it; here it becomes a value no check accepts."""


def _bounded_int(digits: str) -> int | TooLargeNumber:
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else TooLargeNumber()


def _is_event(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and isinstance(data[0], str)


class TolerantPacket(packet.Packet):
    json = SimpleNamespace(dumps=json.dumps, loads=functools.partial(json.loads, parse_int=_bounded_int))

    def __init__(self, *args: Any, encoded_packet: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, encoded_packet=encoded_packet, **kwargs)
        received = encoded_packet is not None  # this server's own packets are built, not received
        if received and (self.packet_type not in CLIENT_PACKET_TYPES or (
            self.packet_type in EVENT_TYPES and not _is_event(self.data)
        )):  # (an empty message is not even decoded)
            self.packet_type, self.id, self.data, self.attachment_count = packet.EVENT, None, [IGNORED_EVENT], 0

    def decode(self, encoded_packet: Any) -> int:
        try:
            return int(super().decode(encoded_packet))
        except (ValueError, TypeError, RecursionError):
            self.packet_type = None
            return 0
