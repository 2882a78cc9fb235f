# The front door. A newcomer needs two commands: `make run` and `make test`.
# Settings live here (override on the command line or in the environment).

RASA_PORT       ?= 5005
ACTIONS_PORT    ?= 5055
# Both servers listen on the loopback interface unless told otherwise.
RASA_HOST       ?= 127.0.0.1
ACTIONS_HOST    ?= 127.0.0.1
TRACKER_DB      ?= $(CURDIR)/conversations.db
# The endpoints file: endpoints.yml keeps conversations in SQLite (one instance).
# ENDPOINTS=deploy/endpoints.scaled.yml keeps them in PostgreSQL with the turn-by-turn lock
# in Redis, for several instances (README, "Running several instances"), with the settings
# below. Passwords come from the environment only (secrets: never in a file).
ENDPOINTS        ?= endpoints.yml
POSTGRES_HOST    ?= 127.0.0.1
POSTGRES_PORT    ?= 5432
POSTGRES_DB      ?= talkprep
POSTGRES_USER    ?= talkprep
POSTGRES_PASSWORD ?=
# libpq's sslmode: prefer uses TLS when the server offers it; managed databases want require.
POSTGRES_SSLMODE ?= prefer
REDIS_HOST       ?= 127.0.0.1
REDIS_PORT       ?= 6379
REDIS_DB         ?= 1
REDIS_PASSWORD   ?=
# Letters and digits only (Rasa ignores any other prefix); lets deployments share one Redis.
REDIS_KEY_PREFIX ?= talkprep
SPACY_PIPELINE_PATH ?= $(CURDIR)/models/spacy/candidacy_en

ACTION_ENDPOINT_URL ?= http://$(ACTIONS_HOST):$(ACTIONS_PORT)/webhook
# The web chat page. WEB_RASA_URL is Rasa's address as a browser reaches it;
# WEB_ORIGINS (space-separated) are the sites allowed to talk to Rasa from a browser:
# the chat page itself, plus any site that embeds the widget.
WEB_PORT        ?= 8000
WEB_HOST        ?= 127.0.0.1
WEB_RASA_URL    ?= http://$(RASA_HOST):$(RASA_PORT)
WEB_ORIGINS     ?= http://$(WEB_HOST):$(WEB_PORT)

# How long Rasa waits for the action server before telling the person to try again
# (Rasa's own default is 5 minutes), and for a reply to any HTTP request.
ACTION_TIMEOUT_S ?= 10
RESPONSE_TIMEOUT_S ?= 60
# Conversations nobody has written to for this many days are deleted: every hour under
# `make run`, by the daily job in deploy/, or by hand with `make purge`. 0 would delete
# every conversation. (A conversation idle for a day starts a new session with its answers
# kept: session_expiration_time in domain.yml.)
RETENTION_DAYS  ?= 180

# Deployment secrets, from the environment only (never a file in git, never argv, never a log
# line). Under `make run`, any left empty is generated once and kept in LOCAL_SECRETS
# (mode 0600, git-ignored), so conversations stay reachable across restarts. A deployment
# sets them itself (deploy/; docs/security.md says who holds which).
#   RASA_API_TOKEN       the HTTP API's token
#   ACTION_SERVER_TOKEN  what Rasa shows the action server (X-Action-Token header)
#   CONVERSATION_SECRET  signs web chat session ids and keys the hash of phone numbers
#   REST_CHANNEL_TOKEN   bearer token for the REST channel; when empty, the REST channel
#                        answers only requests from this machine (loopback)
RASA_API_TOKEN      ?=
ACTION_SERVER_TOKEN ?=
CONVERSATION_SECRET ?=
REST_CHANNEL_TOKEN  ?=
LOCAL_SECRETS       ?= $(CURDIR)/.local-secrets.env

# SMS and WhatsApp through Twilio (channels/messaging.py) are on when TWILIO_ACCOUNT_SID,
# TWILIO_AUTH_TOKEN and TWILIO_NUMBER are set in the environment (secrets: never in a file).
# TWILIO_WEBHOOK_URL is the public HTTPS URL set in Twilio for incoming messages, e.g.
# https://chat.example.org/webhooks/twilio/webhook: request signatures are checked against it.
TWILIO_WEBHOOK_URL  ?=
TWILIO_API_BASE_URL ?= https://api.twilio.com

export RASA_API_TOKEN ACTION_SERVER_TOKEN CONVERSATION_SECRET REST_CHANNEL_TOKEN LOCAL_SECRETS RETENTION_DAYS
export TWILIO_WEBHOOK_URL TWILIO_API_BASE_URL ACTION_TIMEOUT_S RESPONSE_TIMEOUT_S
export ENDPOINTS POSTGRES_HOST POSTGRES_PORT POSTGRES_DB POSTGRES_USER POSTGRES_PASSWORD POSTGRES_SSLMODE
export REDIS_HOST REDIS_PORT REDIS_DB REDIS_PASSWORD REDIS_KEY_PREFIX
export RASA_PORT ACTIONS_PORT RASA_HOST ACTIONS_HOST TRACKER_DB SPACY_PIPELINE_PATH ACTION_ENDPOINT_URL
export WEB_PORT WEB_HOST WEB_RASA_URL WEB_ORIGINS
export RASA_TELEMETRY_ENABLED = false
# Quiet TensorFlow's start-up chatter; real errors still show.
export TF_CPP_MIN_LOG_LEVEL = 2

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
STAMP   := $(VENV)/.installed
PIPELINE_STAMP := $(SPACY_PIPELINE_PATH)/meta.json
MODEL_STAMP := models/.trained
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(PIPELINE_STAMP)
NODE_STAMP := node_modules/.installed
WEB_BUILD := build/web
WEB_STAMP := $(WEB_BUILD)/.built

.DEFAULT_GOAL := help
.PHONY: help install pipeline train web chromium databases run test test-unit test-stories test-e2e test-web test-scale check-content preview map bench purge lock clean

help: ## List the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock scripts/find-python310.sh
	@python=$$(scripts/find-python310.sh) || exit 1; \
	  echo "Using $$python"; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet pip==24.0
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	@touch $@

install: $(STAMP) ## Create .venv with Python 3.10 and the pinned dependencies

$(PIPELINE_STAMP): $(STAMP) $(wildcard nlp/*.yml) nlp/build_pipeline.py
	$(PY) nlp/build_pipeline.py --output $(SPACY_PIPELINE_PATH)

pipeline: $(PIPELINE_STAMP) ## Build the project's spaCy pipeline from nlp/*.yml

# The stamp takes the time training started, so an edit made during training
# still triggers the next one. Rasa's cache (.rasa/) retrains only what an edit
# touched: a reworded response takes seconds, new training examples minutes.
# The checksum beside the model is what lets the server load it
# (assistant_server/trusted_models.py): only models trained here are loaded.
MODEL := models/candidacy.tar.gz
$(MODEL_STAMP): $(STAMP) $(TRAINING_INPUTS) assistant_server/trusted_models.py
	@started="$$(date '+%Y-%m-%d %H:%M:%S.%N')"; \
	  $(RASA) train --fixed-model-name candidacy --out models && \
	  sha256sum $(MODEL) | cut -d' ' -f1 > $(MODEL).sha256 && \
	  touch -d "$$started" $@

train: $(MODEL_STAMP) ## Train the model when data or config changed since the last one

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The widget ships as one script: socket.io-client, then the widget itself.
$(WEB_STAMP): $(NODE_STAMP) $(wildcard webchat/static/*)
	rm -rf $(WEB_BUILD) && mkdir -p $(WEB_BUILD)
	cp webchat/static/chat-widget.css $(WEB_BUILD)/
	{ grep -v '^//# sourceMappingURL=' node_modules/socket.io-client/dist/socket.io.min.js; \
	  cat webchat/static/chat-widget.js; } > $(WEB_BUILD)/chat-widget.js
	@touch $@

web: $(WEB_STAMP) ## Build the web chat widget into build/web (npm ci from package-lock.json)

# The browser tests drive Debian's Chromium (Playwright's own downloads are not used).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The scale-out tests start Debian's PostgreSQL and Redis themselves, on 127.0.0.1.
databases:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)
	@command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server)

run: $(MODEL_STAMP) $(WEB_STAMP) ## Set up if needed and start the assistant and the chat page (Ctrl-C stops it)
	@scripts/run.sh

test: check-content test-unit test-stories test-e2e test-web test-scale ## Set up if needed and run every test

test-unit: $(PIPELINE_STAMP) ## Unit tests of the actions and content tools (no servers, no network)
	$(PY) -m pytest tests --ignore=tests/e2e --ignore=tests/browser --ignore=tests/scale -q

check-content: $(PIPELINE_STAMP) ## Check every word and file the content team edits (CONTENT_GUIDE.md)
	$(PY) -m content_tools.check

preview: $(PIPELINE_STAMP) ## Show a summary or a glossary entry: make preview ANSWERS=content/samples/<file>.yml or GLOSSARY=ablation
	@if [ -n "$(GLOSSARY)" ]; then $(PY) -m content_tools.preview --term "$(GLOSSARY)"; \
	 elif [ -n "$(ANSWERS)" ]; then $(PY) -m content_tools.preview "$(ANSWERS)"; \
	 else echo "Say what to preview: make preview ANSWERS=content/samples/one_painful_spine_growth.yml  or  make preview GLOSSARY=ablation"; exit 2; fi

map: $(PIPELINE_STAMP) ## Write the conversation map to results/conversation-map.md
	@$(PY) -m content_tools.conversation_map

test-stories: $(MODEL_STAMP) ## Test stories in tests/ against the trained model
	$(RASA) test core --stories tests/ --fail-on-prediction-errors --out results/stories

test-e2e: $(MODEL_STAMP) ## Whole conversations through the real Rasa and action servers
	$(PY) -m pytest tests/e2e -q

test-web: $(MODEL_STAMP) $(WEB_STAMP) chromium ## The web chat in Chromium, against the real servers
	$(PY) -m pytest tests/browser -q

test-scale: $(MODEL_STAMP) databases ## Two Rasa instances on real PostgreSQL and Redis share one conversation
	$(PY) -m pytest tests/scale -q

# Options for bench/run.py (bench/README.md), e.g. BENCH_ARGS="--skip-speed --skip-cv" for a
# one-minute run. Fewer DIET epochs in cross-validation keep the whole run under 15 minutes
# (bench/huge_bodies.py adds 1 to 1.5 minutes).
BENCH_ARGS ?= --cv-epochs 40
bench: $(MODEL_STAMP) ## Measure speed, memory and understanding beside Rasa's starter bot, then turns under huge bodies; writes bench/report.md, bench/huge_bodies_report.md
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/huge_bodies.py

purge: $(STAMP) ## Delete conversations idle for more than DAYS days (default RETENTION_DAYS): make purge DAYS=90
	$(PY) scripts/purge.py --days $(or $(DAYS),$(RETENTION_DAYS))

lock: ## Re-pin every dependency from requirements.in (needs Python 3.10)
	@python=$$(scripts/find-python310.sh) || exit 1; \
	  rm -rf .lock-venv && $$python -m venv .lock-venv && \
	  .lock-venv/bin/pip install --quiet pip==24.0 && \
	  .lock-venv/bin/pip install --quiet -r requirements.in && \
	  (echo "# Generated by \`make lock\` from requirements.in with Python 3.10; do not edit by hand."; \
	   .lock-venv/bin/pip freeze --all | grep -v '^pip==') > requirements.lock && rm -rf .lock-venv

clean: ## Remove the virtualenv, models, the web build and test output (keeps conversations.db)
	rm -rf $(VENV) models results build node_modules
