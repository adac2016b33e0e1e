"""The action server: rasa-sdk's app, for the bot only.

    python -m serving.actions [--port 5055]

Every call but the health check must carry `Authorization: Bearer
$ACTION_SERVER_TOKEN` (the bot sends it, endpoints.yml); others get 403 and
nothing runs. It listens on 127.0.0.1 unless ACTIONS_HOST says otherwise (an
action server on its own host).
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from privacy.tokens import ACTION_SERVER_TOKEN_ENV, bearer_matches
from serving import private_files
from serving.bot import MAX_REQUEST_BYTES

logger = logging.getLogger(__name__)

DEFAULT_PORT = 5055
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = {"/health"}


def require_token(app: Sanic, token: str) -> None:
    @app.on_request
    async def refuse_without_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or bearer_matches(request.headers.get("Authorization"), token):
            return None
        logger.warning("Refused an action call without the action server token")
        return response.json({"error": "forbidden"}, status=403)


def main() -> None:
    parser = argparse.ArgumentParser(prog="serving.actions", description="Liondale Medical action server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT") or DEFAULT_PORT))
    args = parser.parse_args()
    private_files.prepare()
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = create_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES  # Sanic reads the body before the token is checked
    require_token(app, os.environ[ACTION_SERVER_TOKEN_ENV])
    app.run(os.environ.get("ACTIONS_HOST") or DEFAULT_HOST, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
