"""actions/language.py and the saved spaCy pipeline it loads."""
import sys
from pathlib import Path

import pytest
import spacy

from actions import language, settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT_DIR = PROJECT_ROOT / "nlp"


def only_span(text, label, words=None):
    """The one span of this label (and these words, if given) in the parsed text."""
    found = [s for s in language.spans(language.parse(text), [label]) if words is None or s.text == words]
    assert len(found) == 1, f"expected one {label} span {words!r} in {text!r}, got {[s.text for s in found]}"
    return found[0]


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, years", [
    ("18 months", 1.5),
    ("a year and a half", 1.5),
    ("6 and a half years", 6.5),
    ("half a year", 0.5),
    ("5 or 6 years", 5.5),
    ("2 years", 2.0),
    ("six years", 6.0),
    ("twelve years", 12.0),
    ("a decade", 10.0),
    ("two decades", 20.0),
    ("6 months", 0.5),
    ("nine months", 0.75),
    ("52 weeks", 1.0),
    ("7yrs", 7.0),
    ("18mths", 1.5),
    ("6.5 years", 6.5),
    ("3-4 years", 3.5),
    ("a couple of years", 2.0),
    ("one and a half years", 1.5),
    ("a year", 1.0),
    ("about 10 yrs later", 10.0),
])
def test_duration_in_years(text, years):
    assert language.duration_in_years(only_span(text, "DURATION")) == pytest.approx(years)


@pytest.mark.parametrize("text", ["i'm 58", "grade 2", "not sure", "a few"])
def test_no_duration_without_a_unit(text):
    assert language.spans(language.parse(text), ["DURATION"]) == []


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, values", [
    ("sixty-eight", [68.0]),
    ("sixty eight", [68.0]),
    ("ninety-nine", [99.0]),
    ("forty five", [45.0]),
    ("twenty", [20.0]),
    ("i'm 58", [58.0]),
    ("6.5", [6.5]),
    ("three or four", [3.0, 4.0]),
    ("1,000", [1000.0]),
    ("from 2012 to 2020", [2012.0, 2020.0]),
    ("a couple", []),
    ("an area", []),
    ("not sure", []),
])
def test_numbers(text, values):
    assert language.numbers(language.parse(text)) == values


def test_numbers_can_skip_spans():
    doc = language.parse("more than five, maybe 7")
    count_phrase = only_span("more than five, maybe 7", "COUNT", "more than five")
    assert language.numbers(doc) == [5.0, 7.0]
    assert language.numbers(doc, skip=[doc[count_phrase.start : count_phrase.end]]) == [7.0]


@pytest.mark.parametrize("word, value", [("58", 58.0), ("6.5", 6.5), ("sixty", 60.0), ("twelve", 12.0), ("zero", 0.0), ("lots", None), ("", None)])
def test_number_value(word, value):
    assert language.number_value(word) == value


# --- negation and doubt ------------------------------------------------------------------------


@pytest.mark.parametrize("text, label, words, negated", [
    ("no one mentioned surgery", "SURGERY", "surgery", True),
    ("surgery was mentioned", "SURGERY", "surgery", False),
    ("i don't have diabetes", "CONDITION", "diabetes", True),
    ("i have diabetes", "CONDITION", "diabetes", False),
    ("never had heart problems", "CONDITION", "heart problems", True),
    ("heart problems, not diabetes", "CONDITION", "heart problems", False),
    ("heart problems, not diabetes", "CONDITION", "diabetes", True),
    ("not in my liver, in my spine", "BODY_SITE", "liver", True),
    ("not in my liver, in my spine", "BODY_SITE", "spine", False),
    ("it's not my back but my hip", "BODY_SITE", "hip", False),
    ("without any pain", "SYMPTOM", "pain", True),
    # a negation that belongs to an earlier phrase does not reach past "because"
    ("i can't sleep because of the pain", "SYMPTOM", "pain", False),
    # "no" answering the question is not a negation of what follows
    ("no they're quite large", "SIZE", "quite large", False),
    ("no it had already spread", "EARLIER", "already spread", False),
    ("no heart problems", "CONDITION", "heart problems", True),
])
def test_is_negated(text, label, words, negated):
    assert language.is_negated(only_span(text, label, words)) is negated


@pytest.mark.parametrize("text, label, words, doubted", [
    ("not sure if they're small", "SIZE", "small", True),
    ("i don't know if it's grade 2", "GRADE", "grade 2", True),
    ("no idea how many", "COUNT", "many", True),
    ("not sure, i think they're small", "SIZE", "small", False),
    ("i don't know the grade but it's aggressive", "GRADE", "aggressive", False),
    ("they're small", "SIZE", "small", False),
])
def test_is_doubted(text, label, words, doubted):
    assert language.is_doubted(only_span(text, label, words)) is doubted


# --- spans ----------------------------------------------------------------------------------------


def test_longest_span_wins_where_spans_overlap():
    found = language.spans(language.parse("it's not growing"), ["RESPONSE"])
    assert [(s.text, s.id_) for s in found] == [("not growing", "stable")]


def test_spans_come_in_text_order_and_ids_are_distinct():
    found = language.spans(language.parse("my liver, my spine and my liver again"), ["BODY_SITE"])
    assert [s.text for s in found] == ["liver", "spine", "liver"]
    assert language.ids(found) == ["liver", "spine"]


@pytest.mark.parametrize("text", ["I'M NOT SURE", "Not Sure", "not sure"])
def test_case_does_not_matter(text):
    assert [s.label_ for s in language.spans(language.parse(text), ["UNSURE"])] == ["UNSURE"]


@pytest.mark.parametrize("text", ["they didn't say", "they did not say", "they didnt say"])
def test_contracted_and_written_out_forms_match_alike(text):
    assert language.spans(language.parse(text), ["UNSURE"])


# --- the pipeline ---------------------------------------------------------------------------------


def test_pipeline_is_blank_english_with_the_two_rulers(nlp):
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["span_ruler", "entity_ruler"]
    assert [nlp.get_pipe_meta(name).factory for name in nlp.pipe_names] == ["span_ruler", "entity_ruler"]
    # nothing trained: no vectors and no statistical components
    assert nlp.vocab.vectors.shape[0] == 0
    assert not any(name in nlp.pipe_names for name in ("tok2vec", "ner", "parser", "tagger"))
    assert nlp.get_pipe("span_ruler").key == language.ANSWER_SPANS_KEY


def test_pipeline_loads_from_the_saved_path_once(nlp):
    assert settings.SPACY_PIPELINE_PATH.is_dir()
    assert (settings.SPACY_PIPELINE_PATH / "meta.json").is_file()
    assert language.pipeline() is nlp  # cached: loaded once per process
    reloaded = spacy.load(settings.SPACY_PIPELINE_PATH)
    assert reloaded.pipe_names == nlp.pipe_names
    doc = reloaded("i'm 58 and the pain in my lower back keeps me awake")
    assert {(s.label_, s.id_) for s in doc.spans[language.ANSWER_SPANS_KEY]} >= {("SYMPTOM", "yes"), ("BODY_SITE", "spine")}


def test_saved_pipeline_matches_the_vocabulary_files(nlp):
    # Catches a saved pipeline that is older than nlp/*.yml (run `make pipeline`).
    sys.path.insert(0, str(BUILD_SCRIPT_DIR))
    try:
        import build_pipeline
    finally:
        sys.path.remove(str(BUILD_SCRIPT_DIR))
    built = build_pipeline.build()
    assert built.pipe_names == nlp.pipe_names
    assert build_pipeline.ANSWER_SPANS_KEY == language.ANSWER_SPANS_KEY
    assert len(built.get_pipe("span_ruler").patterns) == len(nlp.get_pipe("span_ruler").patterns)
    assert built.get_pipe("span_ruler").patterns == nlp.get_pipe("span_ruler").patterns
    assert set(nlp.get_pipe("entity_ruler").labels) <= set(build_pipeline.ENTITY_LABELS)


@pytest.mark.parametrize("text, label", [
    ("i'm 58", "AGE"),
    ("about 18 months", "DURATION"),
    ("my lower back", "BODY_SITE"),
    ("er positive", "RECEPTOR"),
    ("grade 2", "GRADE"),
])
def test_entity_ruler_surfaces_clinical_entities(nlp, text, label):
    assert label in {ent.label_ for ent in nlp(text).ents}


def test_missing_pipeline_says_how_to_build_it(monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "SPACY_PIPELINE_PATH", tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match="make pipeline"):
        language.pipeline.__wrapped__()  # the loader itself, past the cache


@pytest.mark.parametrize("typed, read_as", [
    ("heid", "head"),
    ("Boakin", "vomiting"),
    ("SWOLE", "swollen"),
    ("bleedin", "bleeding"),   # dropped g, from the vocabulary's own "-ing" words
    ("gaspin", "gasping"),
    ("thin", "thin"),          # a word of its own, not "thing"
    ("skin", "skin"),
])
def test_spelling_variants_read_as_the_standard_word(nlp, typed, read_as):
    assert nlp(f"my {typed} today")[1].norm_ == read_as


def test_one_typed_word_that_is_two_reads_as_both(nlp):
    assert [t.norm_ for t in nlp("I cannae breathe")] == ["i", "can", "not", "breathe"]


@pytest.mark.parametrize("text, before", [
    ("Yes small, but why does size matter?", "Yes small,"),
    ("Positive, yes. What does that mean for surgery?", "Positive, yes."),
    ("two - why do you ask", "two"),
    ("Why does it matter if they're small?", ""),
    ("Operation for the spread? No", ""),
    ("pretty small from what I understand", "pretty small from what I understand"),
])
def test_answer_before_the_question_is_what_comes_before_the_first_asking_stretch(text, before):
    assert language.answer_before_the_question(text) == before
