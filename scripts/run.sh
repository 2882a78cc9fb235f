#!/usr/bin/env bash
# Starts the action server, the Rasa server and the chat page in the foreground.
# Ctrl-C, or SIGTERM to this process group, stops all three.
#
# `scripts/run.sh rasa` (or `actions`, or `web`) starts only that one, in its place: one
# process per container (deploy/). Settings come from the environment (the Makefile's,
# or the container's).
set -euo pipefail
cd "$(dirname "$0")/.."
role="${1:-all}"
case "$role" in all|rasa|actions|web) ;; *) echo "usage: $0 [all|rasa|actions|web]" >&2; exit 2 ;; esac

start_actions() {
  # rasa-sdk reads its listening address from SANIC_HOST.
  SANIC_HOST="$ACTIONS_HOST" exec .venv/bin/python scripts/action_server.py --actions actions --port "$ACTIONS_PORT"
}

start_rasa() {
  # `rasa run` with the project's changes installed first (scripts/rasa_server.py).
  exec .venv/bin/python scripts/rasa_server.py run --model models/candidacy.tar.gz --endpoints "$ENDPOINTS" \
    --credentials credentials.yml --interface "$RASA_HOST" --port "$RASA_PORT" \
    --response-timeout "$RESPONSE_TIMEOUT_S" --enable-api --auth-token="$RASA_API_TOKEN" \
    --cors $WEB_ORIGINS  # unquoted on purpose: one argument per origin
}

start_web() {
  # The chat page; the browser then talks to Rasa's socketio channel directly.
  exec .venv/bin/python -m webchat.server
}

if [ "$role" != all ]; then
  if [ "$role" = rasa ] && [ -z "${RASA_API_TOKEN:-}" ]; then
    # Every instance must accept the same token, so none may make up its own.
    echo "RASA_API_TOKEN must be set to start Rasa on its own." >&2
    exit 2
  fi
  "start_$role"
fi

if [ -z "${RASA_API_TOKEN:-}" ]; then
  RASA_API_TOKEN="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
  echo "RASA_API_TOKEN was not set; generated one for this run:"
  echo "  $RASA_API_TOKEN"
fi
export RASA_API_TOKEN

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

cat <<MSG

The assistant is starting (about 20 seconds). When "Rasa server is up and running" shows,
open the chat page at http://$WEB_HOST:$WEB_PORT/ or chat with:

  curl -s -X POST http://$RASA_HOST:$RASA_PORT/webhooks/rest/webhook \\
       -H 'Content-Type: application/json' -d '{"sender": "me", "message": "hello"}'

or, in another terminal:  .venv/bin/rasa shell --endpoints $ENDPOINTS
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
