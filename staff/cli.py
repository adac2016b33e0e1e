"""Staff commands (run through make):

    make consults                      open consult requests, newest first
    make consults DONE=LM-ABC123       mark one done
    make handoffs                      conversations waiting for a person
    make handoffs RESUME=7             resume the assistant there, then mark handoff 7 done

Stored text came from patients: it is printed with every character a terminal
would obey (escape codes, line breaks, bidi overrides) shown as a visible escape.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error

from clinic_db.consults import mark_done, open_requests
from clinic_db.handoffs import close_handoff, open_handoffs
from staff.bot_api import addressable, resume_conversation

CONSULTS_HEADER = (
    f"{'REFERENCE':<10} {'CREATED':<16}  {'CHANNEL':<9} {'REPEAT OF':<10} NAME | CONTACT | BEST TIMES | TO TREAT"
)
HANDOFFS_HEADER = f"{'ID':>4}  {'CREATED':<16}  {'CHANNEL':<9} CONVERSATION  REASON"


def printable(value: object) -> str:
    """The text with every non-printable character escaped (\\x1b, \\n, \\u202e),
    and backslashes doubled so that typed escapes cannot pass for real ones."""
    return "".join(_printable_character(character) for character in str(value))


def _printable_character(character: str) -> str:
    if character == "\\":
        return "\\\\"
    if character.isprintable():
        return character
    return character.encode("unicode_escape").decode("ascii")


def show_consults(done: str | None) -> int:
    if done:
        if not mark_done(done):
            print(f"No open consult request {done}.")
            return 1
        print(f"Marked {done} done.")
        return 0
    rows = open_requests()
    if not rows:
        print("No open consult requests.")
        return 0
    print(CONSULTS_HEADER)
    for row in rows:
        fields = " | ".join(printable(field) for field in (row.name, row.contact, row.preferred_time, row.concern))
        print(
            f"{printable(row.reference):<10} {row.created_at:%Y-%m-%d %H:%M}  {printable(row.channel):<9} "
            f"{row.repeat_of or '-':<10} {fields}"
        )
    return 0


def show_handoffs(resume: int | None) -> int:
    if resume is not None:
        return resume_handoff(resume)
    rows = open_handoffs()
    if not rows:
        print("No open handoffs.")
        return 0
    print(HANDOFFS_HEADER)
    for row in rows:
        print(
            f"{row.id:>4}  {row.created_at:%Y-%m-%d %H:%M}  {printable(row.channel):<9} "
            f"{printable(row.conversation_id)}  ({printable(row.reason)})"
        )
    return 0


def resume_handoff(handoff_id: int) -> int:
    """Resume the assistant first; the handoff is closed only once that worked, so a
    conversation is never left paused with nobody seeing it."""
    handoff = next((row for row in open_handoffs() if row.id == handoff_id), None)
    if handoff is None:
        print(f"No open handoff {handoff_id}.")
        return 1
    if not addressable(handoff.conversation_id):
        print(
            f"Handoff {handoff_id} stays open: its conversation id has characters the bot's HTTP API cannot "
            "address, so the assistant cannot be resumed there. The patient can send /restart to start over."
        )
        return 1
    try:
        resume_conversation(handoff.conversation_id)
    except (urllib.error.URLError, OSError) as error:
        print(f"Handoff {handoff_id} stays open: the bot could not be resumed ({printable(error)}). Is it running?")
        return 1
    close_handoff(handoff_id)
    print(f"Handoff {handoff_id} done; the assistant answers that conversation again.")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="staff", description="Liondale Medical staff commands")
    commands = parser.add_subparsers(dest="command", required=True)
    consults = commands.add_parser("consults", help="open consult requests")
    consults.add_argument("--done", metavar="REFERENCE", help="mark this request done")
    handoffs = commands.add_parser("handoffs", help="conversations waiting for a person")
    handoffs.add_argument("--resume", type=int, metavar="ID", help="resume the assistant, then mark done")
    args = parser.parse_args(argv)
    if args.command == "consults":
        return show_consults(args.done)
    return show_handoffs(args.resume)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
