#!/usr/bin/env bash
# Start the action server (:5055) in the background and the bot server (:5005) in
# the foreground; Ctrl-C (or the bot exiting) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

BOT_PORT="${BOT_PORT:-5005}"
# The bot's HTTP API (used by `make handoffs` to resume a paused conversation)
# needs this token; it is made once and kept in var/.
token_file=var/rasa-api-token
[ -s "$token_file" ] || (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))" > "$token_file")
ACTIONS_PORT="${ACTIONS_PORT:-5055}"

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
trap 'kill "$actions_pid" 2>/dev/null || true; wait "$actions_pid" 2>/dev/null || true' EXIT

echo "Action server: http://localhost:$ACTIONS_PORT/health"
echo "Bot (REST):    POST http://localhost:$BOT_PORT/webhooks/rest/webhook"
.venv/bin/rasa run --model models/mesotherapy.tar.gz --port "$BOT_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml \
  --enable-api --auth-token "$(cat "$token_file")" "$@"
