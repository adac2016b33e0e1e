#!/usr/bin/env bash
# Chat with the assistant in the terminal (for staff). Uses the running action
# server on :5055, or starts one for this session, alongside the bot: it is up
# long before the bot has loaded its model, so nobody waits for it.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
# rasa shell runs its own small server; keep it off the bot's port 5005.
SHELL_PORT="${SHELL_PORT:-5006}"

actions_up() {
  .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://localhost:$ACTIONS_PORT/health', timeout=1)" \
    2>/dev/null
}

mkdir -p var
if ! actions_up; then
  .venv/bin/python -m serving.actions > var/actions-shell.log 2>&1 &
  actions_pid=$!
  trap 'kill "$actions_pid" 2>/dev/null || true' EXIT
fi

# The shell's own server has no gateway route: it calls the action server directly.
cat > var/shell-endpoints.yml <<YAML
action_endpoint:
  url: "http://localhost:$ACTIONS_PORT/webhook"
  headers:
    Authorization: Bearer \${ACTION_SERVER_TOKEN}
tracker_store:
  type: stores.tracker_store.ClinicTrackerStore
YAML
.venv/bin/python -m serving.bot shell --model models/mesotherapy.tar.gz --endpoints var/shell-endpoints.yml \
  --port "$SHELL_PORT"
