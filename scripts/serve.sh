#!/usr/bin/env bash
# Start the action server (:5055), the website demo page (:8080), the staff
# console (:8090) and the daily retention purge in the background and the bot
# server (:5005) in the foreground; Ctrl-C (or the bot exiting) stops them all.
# Secrets come from the environment or from var/ (serving/private_files.py):
# never from the command line, where every local user could read them.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077  # var/ and everything in it: this user's only
mkdir -p var

export BOT_PORT="${BOT_PORT:-5005}"
export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://localhost:$ACTIONS_PORT/webhook}"
WEB_PORT="${WEB_PORT:-8080}"
# The only origin whose pages may talk to the bot from a browser.
export WEB_ORIGIN="${WEB_ORIGIN:-http://localhost:$WEB_PORT}"
# SMS: without TWILIO_AUTH_TOKEN the SMS webhook refuses every request (403).

.venv/bin/python -m serving.actions &
actions_pid=$!
.venv/bin/python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web > var/web.log 2>&1 &
web_pid=$!
.venv/bin/python -m privacy.retention --daily > var/retention.log 2>&1 &
retention_pid=$!
export STAFF_PORT="${STAFF_PORT:-8090}"
export RASA_URL="${RASA_URL:-http://localhost:$BOT_PORT}"
.venv/bin/python -m console > var/console.log 2>&1 &
console_pid=$!
trap 'kill "$actions_pid" "$web_pid" "$retention_pid" "$console_pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

echo "Action server: http://localhost:$ACTIONS_PORT/health (loopback only)"
echo "Website demo:  $WEB_ORIGIN/  (chat widget over socket.io on :$BOT_PORT)"
echo "Bot (REST):    POST http://localhost:$BOT_PORT/webhooks/rest/webhook"
echo "Staff console: http://localhost:$STAFF_PORT/  (make staff-user EMAIL=... creates an account)"
.venv/bin/python -m serving.bot run --model models/mesotherapy.tar.gz --port "$BOT_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml --cors "$WEB_ORIGIN" "$@"
