"""`python -m console`: the staff console on STAFF_HOST:STAFF_PORT (127.0.0.1:8090), served by waitress."""

from __future__ import annotations

import logging

import waitress

from console.app import create_app
from console.settings import Settings
from serving import private_files


def main() -> None:
    private_files.prepare()  # the session secret, the bot's API token and the SMS number key
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_environment()
    print(f"Staff console: http://{settings.host}:{settings.port}/", flush=True)
    waitress.serve(create_app(settings), host=settings.host, port=settings.port, threads=8, ident="console")


if __name__ == "__main__":
    main()
