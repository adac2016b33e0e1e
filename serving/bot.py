"""Start Rasa (`run` or `shell`) with the clinic's secrets, limits and patches.

    python -m serving.bot run --model ... --port ... [other `rasa run` options]
    python -m serving.bot shell --model ... [other `rasa shell` options]

The bot's API token comes from RASA_API_TOKEN or var/rasa-api-token and is
handed to Rasa inside this process: a token on the command line would be
readable by every local user in the process list.
"""

from __future__ import annotations

import os

# Before anything loads OpenMP (the sentence encoder's engine, scikit-learn): one thread
# per message, so two conversations use two cores (nlu/sentence_encoder.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys

from nlu.sentence_encoder import encoder
from serving import private_files, rasa_patches

# Sanic reads SANIC_* settings from the environment. Its default body limit is
# 100 MB (1 MB for a websocket message). Patients' messages are far smaller; the
# largest bodies are the bot's own action calls, which carry the conversation's
# current session: compressed (about a tenth), a session of several hundred
# exchanges still fits (tests/security/test_request_size.py).
MAX_REQUEST_BYTES = 300_000
MAX_WEBSOCKET_MESSAGE_BYTES = 256_000
SERVER_SETTINGS = {
    "SANIC_REQUEST_MAX_SIZE": str(MAX_REQUEST_BYTES),
    "SANIC_WEBSOCKET_MAX_SIZE": str(MAX_WEBSOCKET_MESSAGE_BYTES),
    "COMPRESS_ACTION_SERVER_REQUEST": "true",  # Rasa's; the action server inflates them
}


def rasa_arguments(command: str, options: list[str]) -> list[str]:
    if command == "run":
        return ["run", *options, "--enable-api", "--auth-token", os.environ["RASA_API_TOKEN"]]
    return [command, *options]


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("run", "shell"):
        sys.exit("usage: python -m serving.bot run|shell [rasa options]")
    private_files.prepare()
    for name, value in SERVER_SETTINGS.items():
        os.environ.setdefault(name, value)
    rasa_patches.install()
    # The encoder's weights are hash-checked now, not at the first patient's message, and
    # it is loaded to embed one message at a time (nlu/sentence_encoder.py).
    encoder()
    import rasa.__main__  # after the patches: it loads the channels and stores

    # Rasa reads its options from sys.argv; this copy is not what `ps` shows.
    sys.argv = ["rasa", *rasa_arguments(argv[0], argv[1:])]
    rasa.__main__.main()


if __name__ == "__main__":
    main(sys.argv[1:])
