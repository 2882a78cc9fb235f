#!/usr/bin/env bash
# Starts the action server, the Rasa server and the chat page in the foreground.
# Ctrl-C, or SIGTERM to this process group, stops all three.
#
# `scripts/run.sh rasa` (or `actions`, or `web`) starts only that one, in its place: one
# process per container (deploy/); `scripts/run.sh purge` deletes the conversations idle
# for more than RETENTION_DAYS once and exits (a CronJob's command). Settings come from
# the environment (the Makefile's, or the container's).
#
# Secrets (RASA_API_TOKEN, ACTION_SERVER_TOKEN, CONVERSATION_SECRET) come from the
# environment; under `all`, any left unset is generated once and kept in LOCAL_SECRETS
# (mode 0600), so a restart keeps every conversation reachable. They never go on a
# command line or into the log.
set -euo pipefail
cd "$(dirname "$0")/.."
role="${1:-all}"
case "$role" in all|rasa|actions|web|purge) ;; *) echo "usage: $0 [all|rasa|actions|web|purge]" >&2; exit 2 ;; esac
# How often `make run` purges idle conversations while it runs.
PURGE_EVERY_S="${PURGE_EVERY_S:-3600}"

start_actions() {
  # rasa-sdk reads its listening address from SANIC_HOST.
  SANIC_HOST="$ACTIONS_HOST" exec .venv/bin/python scripts/action_server.py --actions actions --port "$ACTIONS_PORT"
}

start_rasa() {
  # `rasa run` with the project's changes installed first (scripts/rasa_server.py).
  # The API token goes from RASA_API_TOKEN to Rasa inside the process, never on argv.
  exec .venv/bin/python scripts/rasa_server.py run --model models/candidacy.tar.gz --endpoints "$ENDPOINTS" \
    --credentials credentials.yml --interface "$RASA_HOST" --port "$RASA_PORT" \
    --response-timeout "$RESPONSE_TIMEOUT_S" --enable-api \
    --cors $WEB_ORIGINS  # unquoted on purpose: one argument per origin
}

purge_once() {
  .venv/bin/python scripts/purge.py --days "$RETENTION_DAYS" --endpoints "$ENDPOINTS"
}

purge_every_hour() {
  while true; do
    sleep "$PURGE_EVERY_S"
    purge_once || echo "The scheduled purge failed; it will be tried again in $PURGE_EVERY_S s." >&2
  done
}

# Each secret not in the environment: read from LOCAL_SECRETS, else generated and kept there.
load_local_secrets() {
  local file="${LOCAL_SECRETS:-.local-secrets.env}" name value
  (umask 077 && touch "$file")
  chmod 600 "$file"
  for name in RASA_API_TOKEN ACTION_SERVER_TOKEN CONVERSATION_SECRET; do
    [ -n "${!name:-}" ] && continue
    value="$(sed -n "s/^$name=//p" "$file" | tail -n 1)"
    if [ -z "$value" ]; then
      value="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
      echo "$name=$value" >> "$file"
    fi
    export "$name=$value"
  done
  echo "Secrets not set in the environment are in $file (readable by you only)."
}

start_web() {
  # The chat page; the browser then talks to Rasa's socketio channel directly.
  exec .venv/bin/python -m webchat.server
}

require() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then
      # Every instance must share the same secrets, so none may make up its own.
      echo "$name must be set to start $role on its own." >&2
      exit 2
    fi
  done
}

case "$role" in
  rasa) require RASA_API_TOKEN ACTION_SERVER_TOKEN CONVERSATION_SECRET; start_rasa ;;
  actions) require ACTION_SERVER_TOKEN; start_actions ;;
  web) start_web ;;
  purge) purge_once; exit ;;
esac

load_local_secrets

children=()
stop() {
  trap - INT TERM EXIT
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

(start_actions) &
children+=($!)
(start_rasa) &
children+=($!)
(start_web) &
children+=($!)
(purge_every_hour) &
children+=($!)

cat <<MSG

The assistant is starting (about 20 seconds). When "Rasa server is up and running" shows,
open the chat page at http://$WEB_HOST:$WEB_PORT/ or chat with:

  curl -s -X POST http://$RASA_HOST:$RASA_PORT/webhooks/rest/webhook \\
       -H 'Content-Type: application/json' -d '{"sender": "me", "message": "hello"}'

The REST channel answers only this machine unless REST_CHANNEL_TOKEN is set.
Idle conversations are deleted after $RETENTION_DAYS days (checked every $PURGE_EVERY_S s).
Press Ctrl-C to stop.

MSG
if [ "$ENDPOINTS" != endpoints.yml ]; then
  echo "Endpoints: $ENDPOINTS (conversations in PostgreSQL at $POSTGRES_HOST:$POSTGRES_PORT, locks in Redis at $REDIS_HOST:$REDIS_PORT)."
fi
if [ -n "${TWILIO_ACCOUNT_SID:-}" ] && [ -n "${TWILIO_AUTH_TOKEN:-}" ] && [ -n "${TWILIO_NUMBER:-}" ]; then
  echo "SMS and WhatsApp: on. Twilio's webhook for incoming messages: ${TWILIO_WEBHOOK_URL:-(TWILIO_WEBHOOK_URL is not set)}"
else
  echo "SMS and WhatsApp: off (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_NUMBER; see the README)."
fi

# Exit as soon as either server dies, so a crash is never silent.
wait -n
