#!/usr/bin/env bash
# How long `make train` takes after each kind of content edit (CONTENT_GUIDE.md's table).
# Copies the committed project to a temporary folder, trains from scratch, then makes
# one edit of each kind and retrains with Rasa's cache. About 12 minutes; prints a table.
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$project" && git archive HEAD | tar -x -C "$work"
cd "$work" && ln -s "$project/.venv" .venv
export SPACY_PIPELINE_PATH="$work/models/spacy/candidacy_en" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
.venv/bin/python nlp/build_pipeline.py --output "$SPACY_PIPELINE_PATH" > /dev/null

timed() {  # timed <label> <command...>
  local label="$1" start; shift; start=$(date +%s)
  "$@" > "$work/$label.log" 2>&1
  printf '| %-40s | %4d s |\n' "$label" "$(( $(date +%s) - start ))"
}
train() { .venv/bin/rasa train --fixed-model-name candidacy --out models; }
edit() { .venv/bin/python - "$@" <<'PY'
import sys; path, old, new = sys.argv[1:]
text = open(path).read(); assert old in text, (path, old); open(path, "w").write(text.replace(old, new, 1))
PY
}

echo "| edit | training |"
echo "|---|---|"
timed "from scratch" train
timed "nothing changed" train
edit domain.yml "or tap a choice" "or tap a button"
timed "a response's wording (domain.yml)" train
edit data/nlu/glossary.yml "Ablation kills a growth" "Ablation destroys a growth"
timed "a glossary answer's wording" train
edit data/rules/welcome.yml "rules:" "rules:
- rule: patient thanks the assistant twice outside the questions
  steps:
  - intent: thank
  - action: utter_you_are_welcome
"
timed "a new rule" train
edit data/nlu/about_assistant.yml "    - who wrote this" "    - who wrote this
    - who actually wrote all this"
timed "a new training example" train
edit nlp/patterns.yml "    - backbone" "    - backbone
    - back bone"
timed "nlp/patterns.yml (pipeline + train)" sh -c '.venv/bin/python nlp/build_pipeline.py --output "$SPACY_PIPELINE_PATH" && .venv/bin/rasa train --fixed-model-name candidacy --out models'
