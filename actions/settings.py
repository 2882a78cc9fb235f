"""Settings of the action server, in one place. Paths can be overridden by environment."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SPACY_PIPELINE_PATH = Path(
    os.environ.get("SPACY_PIPELINE_PATH", PROJECT_ROOT / "models" / "spacy" / "candidacy_en")
)
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"
SUMMARY_CONTENT_PATH = PROJECT_ROOT / "content" / "summary.yml"

FORM_NAME = "candidacy_form"

# Intents that are never an answer to the open question: the form hands them to
# the rules (an explanation, a pause, later a glossary entry or an urgent warning)
# and keeps the question open. Below this confidence the message is read as an answer.
DIGRESSION_INTENTS = frozenset(
    {
        "ask_why", "goodbye", "thank", "glossary", "about_assistant", "ask_verdict",
        "change_answer", "go_back", "feeling_scared", "talk_to_person",
        "typing_for_someone", "out_of_scope", "start_again",
    }
)
# A described warning sign is never read as an answer, however it is worded.
URGENT_INTENT = "urgent_symptom"
DIGRESSION_MIN_CONFIDENCE = 0.6

# Button payloads carry the chosen value in this entity: /inform{"answer": "yes"}.
BUTTON_ENTITY = "answer"

# Plausible ranges; anything outside is read as "not understood", never stored.
AGE_RANGE = (18, 110)
YEARS_TO_METASTASIS_RANGE = (0.0, 60.0)
GROWTH_COUNT_MAX = 1000
