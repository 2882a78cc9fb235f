"""Settings of the action server, in one place. Paths can be overridden by environment."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SPACY_PIPELINE_PATH = Path(
    os.environ.get("SPACY_PIPELINE_PATH", PROJECT_ROOT / "models" / "spacy" / "candidacy_en")
)
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"
SUMMARY_CONTENT_PATH = PROJECT_ROOT / "content" / "summary.yml"
DEPLOYMENT_PATH = Path(os.environ.get("DEPLOYMENT_SETTINGS", PROJECT_ROOT / "deployment.yml"))

FORM_NAME = "candidacy_form"

# Intents that are not an answer to the open question: the form hands them to the
# rules (an explanation, a glossary entry, support...) and keeps the question open.
# Below DIGRESSION_MIN_CONFIDENCE the message is read as an answer.
#
# Soft ones are what the classifier is often sure of for real answers ("pretty
# small from what I understand" as ask_why, "ER positive" as glossary): for these
# a clear answer to the open question wins, unless the message reads as a question.
# A carer's answer names the person it is for ("my partner says no"): typing_for_someone
# is soft too, so the answer in it is kept.
SOFT_DIGRESSION_INTENTS = frozenset(
    {"ask_why", "goodbye", "thank", "glossary", "ask_verdict", "change_answer", "typing_for_someone"}
)
FIRM_DIGRESSION_INTENTS = frozenset(
    {
        "about_assistant", "go_back", "feeling_scared", "talk_to_person",
        "out_of_scope", "start_again", "delete_my_answers",
    }
)
# Firm digressions that have no cue words of their own (nlp/digression_cues.yml): DIET
# gives them to answers it has not seen ("I am 70 plus now" as out_of_scope). A sure
# reading that is not a question is then the answer.
REQUESTS_AN_ANSWER_OUTWEIGHS = frozenset({"about_assistant", "out_of_scope"})
# A correction names itself ("actually I'm 64", "I got that wrong"): without one of
# these words a reply the classifier calls change_answer is read as an answer first.
CORRECTION_WORDS = frozenset(
    {"actually", "wrong", "change", "changed", "mistake", "correct", "correction", "meant", "oops", "instead", "fix"}
)
DIGRESSION_INTENTS = SOFT_DIGRESSION_INTENTS | FIRM_DIGRESSION_INTENTS
DIGRESSION_MIN_CONFIDENCE = 0.6

# A described warning sign is never read as an answer, at any confidence.
URGENT_INTENT = "urgent_symptom"
# Firm digressions whose action keeps a clear answer typed in the same message
# (besides the warning itself): "no pain at all, just worried about the scans".
PAUSES_THAT_KEEP_AN_ANSWER = frozenset({"feeling_scared"})
# Digressions whose action keeps a sure answer typed before the question in the same
# message: "Yes small, but why does size matter?" (action_explain_question), "No, nobody's
# brought it up, should I be pushing for it?" (action_keep_answer_before_verdict_question).
KEEP_AN_ANSWER_BEFORE_THE_QUESTION = frozenset({"ask_why", "ask_verdict"})

# A reading that is not sure waits here for the person to confirm it; the question
# last stored from free text (and said back) is remembered for one turn, so that
# "no, three" corrects it. Both are cleared with the answers.
CONFIRM_SLOT = "answer_to_confirm"
NOTED_SLOT = "answer_noted"
# First words of a reply that corrects what was just said back: "no, three".
CORRECTION_OPENERS = frozenset({"no", "nope", "wrong", "actually", "sorry"})

# Span labels (nlp/patterns.yml) that name a symptom or a part of the body.
SYMPTOM_LABELS = ("SYMPTOM", "BODY_SITE", "RED_FLAG", "RED_FLAG_PART")
# Parts of warning signs that only qualify a symptom ("hard", "pink", "new", "at night"):
# on their own they name no symptom or body part.
QUALIFIER_PART_IDS = frozenset({
    "hot_red", "severe", "intense", "worse", "onset", "night", "unrelieved", "days", "at_rest",
    "one_side", "tender", "break", "difficulty", "control",
})

# Button payloads carry the chosen value in this entity: /inform{"answer": "yes"}.
BUTTON_ENTITY = "answer"

# Plausible ranges; anything outside is read as "not understood", never stored.
AGE_RANGE = (18, 110)
YEARS_TO_METASTASIS_RANGE = (0.0, 60.0)
GROWTH_COUNT_MAX = 1000
