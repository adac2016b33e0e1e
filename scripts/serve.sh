#!/usr/bin/env bash
# Start the action server (:5055) and the website demo page (:8080) in the
# background and the bot server (:5005) in the foreground; Ctrl-C (or the bot
# exiting) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

export BOT_PORT="${BOT_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://localhost:$ACTIONS_PORT/webhook}"
WEB_PORT="${WEB_PORT:-8080}"
# The only origin whose pages may talk to the bot from a browser.
export WEB_ORIGIN="${WEB_ORIGIN:-http://localhost:$WEB_PORT}"

# A random secret made once and kept (readable by this user only) in var/.
kept_secret() {
  [ -s "$1" ] || (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))" > "$1")
  cat "$1"
}
# The bot's HTTP API (used by `make handoffs` to resume a paused conversation).
api_token="${RASA_API_TOKEN:-$(kept_secret var/rasa-api-token)}"

# SMS: without TWILIO_AUTH_TOKEN the SMS webhook refuses every request (403).
# Key for hashing and sealing SMS phone numbers; several instances must share it.
export SMS_NUMBER_SECRET="${SMS_NUMBER_SECRET:-$(kept_secret var/sms-number-secret)}"

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" &
actions_pid=$!
.venv/bin/python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web > var/web.log 2>&1 &
web_pid=$!
trap 'kill "$actions_pid" "$web_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

echo "Action server: http://localhost:$ACTIONS_PORT/health"
echo "Website demo:  $WEB_ORIGIN/  (chat widget over socket.io on :$BOT_PORT)"
echo "Bot (REST):    POST http://localhost:$BOT_PORT/webhooks/rest/webhook"
.venv/bin/rasa run --model models/mesotherapy.tar.gz --port "$BOT_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml \
  --enable-api --auth-token "$api_token" --cors "$WEB_ORIGIN" "$@"
