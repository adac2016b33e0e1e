"""Staff commands (run through make):

    make consults                      open consult requests, newest first
    make consults DONE=LM-ABC123       mark one done
    make handoffs                      conversations waiting for a person
    make handoffs RESUME=7             mark handoff 7 done and resume the assistant
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from clinic_db.consults import mark_done, open_requests
from clinic_db.handoffs import close_handoff, open_handoffs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
API_TOKEN_FILE = PROJECT_ROOT / "var" / "rasa-api-token"
# Characters a URL path segment carries as they are. Rasa's HTTP API does not
# percent-decode conversation ids, so an id with any other character (a space,
# "%", "/", non-ASCII...) cannot be addressed through it.
PATH_SAFE = ":@!$&'()*+,;=~"


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
    for row in rows:
        print(
            f"{row.reference}  {row.created_at:%Y-%m-%d %H:%M}  {row.channel:<9} {row.name} | {row.contact} | "
            f"{row.preferred_time} | {row.concern}"
        )
    return 0


def rasa_api_token() -> str:
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        return token
    return API_TOKEN_FILE.read_text().strip() if API_TOKEN_FILE.exists() else ""


def addressable(conversation_id: str) -> bool:
    return urllib.parse.quote(conversation_id, safe=PATH_SAFE) == conversation_id


def resume_conversation(conversation_id: str) -> None:
    """Append `resume` (and a listen, so messages sent while paused don't count as
    unanswered turns) through the bot server's HTTP API."""
    base = os.environ.get("RASA_URL", "http://localhost:5005")
    query = urllib.parse.urlencode({"token": rasa_api_token()})
    url = f"{base}/conversations/{conversation_id}/tracker/events?{query}"
    events = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    request = urllib.request.Request(
        url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def show_handoffs(resume: int | None) -> int:
    if resume is not None:
        handoff = next((row for row in open_handoffs() if row.id == resume), None)
        if handoff is not None and not addressable(handoff.conversation_id):
            print(
                f"Handoff {resume} stays open: its conversation id has characters the bot's HTTP API cannot "
                "address, so the assistant cannot be resumed there. The patient can send /restart to start over."
            )
            return 1
        conversation_id = close_handoff(resume)
        if conversation_id is None:
            print(f"No open handoff {resume}.")
            return 1
        try:
            resume_conversation(conversation_id)
        except (urllib.error.URLError, OSError) as error:
            print(f"Handoff {resume} marked done, but the bot could not be resumed ({error}). Is it running?")
            return 1
        print(f"Handoff {resume} done; the assistant answers that conversation again.")
        return 0
    rows = open_handoffs()
    if not rows:
        print("No open handoffs.")
    for row in rows:
        print(f"{row.id:>4}  {row.created_at:%Y-%m-%d %H:%M}  {row.channel:<9} {row.conversation_id}  ({row.reason})")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="staff", description="Liondale Medical staff commands")
    commands = parser.add_subparsers(dest="command", required=True)
    consults = commands.add_parser("consults", help="open consult requests")
    consults.add_argument("--done", metavar="REFERENCE", help="mark this request done")
    handoffs = commands.add_parser("handoffs", help="conversations waiting for a person")
    handoffs.add_argument("--resume", type=int, metavar="ID", help="mark done and resume the assistant")
    args = parser.parse_args(argv)
    if args.command == "consults":
        return show_consults(args.done)
    return show_handoffs(args.resume)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
