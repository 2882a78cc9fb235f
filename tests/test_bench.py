"""The benchmark's pure helpers: percentiles, verdicts, held-out round labels, the load
scripts' choices and profile summaries. Nothing here starts a server or measures time
(speed and memory are reported by `make bench`, never asserted in tests)."""
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load(name):
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def speed():
    return load("speed")


@pytest.fixture(scope="module")
def summary():
    return load("summary")


@pytest.fixture(scope="module")
def run():
    return load("run")


@pytest.mark.parametrize("pct,expected", [(0, 1.0), (50, 2.5), (95, 3.85), (100, 4.0)])
def test_percentile_interpolates_between_ranks_like_numpy(speed, pct, expected):
    assert speed.percentile([4.0, 1.0, 3.0, 2.0], pct) == pytest.approx(expected)


def test_percentile_of_one_value_is_that_value(speed):
    assert speed.percentile([0.2], 99) == 0.2


def test_latency_figures_are_milliseconds_and_turns_per_second(speed):
    figures = speed.latency_figures([0.1, 0.2, 0.3, 0.4], wall_s=2.0)
    assert figures["p50_ms"] == 250.0
    assert figures["turns"] == 4 and figures["turns_per_s"] == 2.0


def test_latency_figures_of_nothing_say_so(speed):
    assert speed.latency_figures([], wall_s=1.0)["p95_ms"] is None


def test_raw_profile_summary_ranks_own_and_inclusive_time(speed, tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text("loop (a.py:1);parse (b.py:2);dense (c.py:3) 3\nloop (a.py:1);store (d.py:4) 3\n"
                   "loop (a.py:1);other (e.py:5) 4\nloop (a.py:1);serve (sanic/server/runners.py:155) 90\n")
    summary = speed.summarise_raw_profile(raw)
    assert (summary["samples"], summary["idle_samples"]) == (10, 90)  # waiting for work is not busy time
    assert summary["self"][0] == {"frame": "other (e.py:5)", "percent": 40.0}
    # The event loop is on every stack: left out of the inclusive ranking.
    assert [row["frame"] for row in summary["inclusive"]] == [
        "other (e.py)", "dense (c.py)", "parse (b.py)", "store (d.py)"]  # per function, not per line
    assert summary["by_package"][:2] == [{"package": "a", "percent": 100.0}, {"package": "e", "percent": 40.0}]


def test_questionnaire_answers_the_open_question_and_stops_at_the_summary(speed):
    patient = {"name": "p", "replies": {"age_65_or_older": "I'm 58"}, "stored": {"age_65_or_older": "no"}}
    script = speed.Questionnaire(patient, ["hello", "start"], "Here is your summary", "looks good")
    assert script.next_message(0, None) == "hello"
    assert script.next_message(2, {"slots": {"requested_slot": "age_65_or_older"}}) == "I'm 58"
    # no question left: the read-back is accepted, then the summary ends it
    assert script.next_message(3, {"slots": {"requested_slot": None, "summary_topics": None}}) == "looks good"
    assert script.next_message(4, {"slots": {"requested_slot": None, "summary_topics": ["x"]}}) is None
    # A question these answers should have skipped ends the conversation (reported by check).
    assert script.next_message(3, {"slots": {"requested_slot": "symptom_areas"}}) is None


def test_questionnaire_check_names_wrong_answers_and_a_missing_summary(speed):
    patient = {"name": "p", "replies": {}, "stored": {"age_65_or_older": "no", "years_to_metastasis": 6.5}}
    script = speed.Questionnaire(patient, [], "Here is your summary", "looks good")
    tracker = {"slots": {"requested_slot": None, "summary_topics": ["x"], "age_65_or_older": "yes",
                         "years_to_metastasis": 6.52}}
    assert script.check(tracker, [{"text": "Here is your summary: ..."}]) == ["wrong stored answers: age_65_or_older"]
    tracker["slots"]["summary_topics"] = None
    assert "did not reach the summary" in script.check(tracker, [])


def test_starter_script_cycles_its_intents_for_as_many_turns(speed):
    script = speed.StarterScript(["hello", "bye"], turns=3)
    assert [script.next_message(turn, None) for turn in range(4)] == ["hello", "bye", "hello", None]


def test_user_texts_keep_the_order_of_the_tracker(speed):
    tracker = {"events": [{"event": "user", "text": "a"}, {"event": "bot", "text": "x"}, {"event": "user", "text": "b"}]}
    assert speed.user_texts(tracker) == ["a", "b"]


def test_load_conversations_file_is_consistent(speed):
    conversations = speed.load_conversations()
    assert conversations["opening"] and conversations["starter_cycle"] and conversations["patients"]


def test_round_labels_follow_the_verdict_set(run, monkeypatch):
    monkeypatch.setattr(run, "VERDICT_SET", "heldout_answers_round3.yml")
    assert run.set_info(Path("heldout_answers.yml")) == {"label": "round 1 (seen during development)", "seen": True}
    assert run.set_info(Path("heldout_answers_round2.yml"))["seen"] is True
    assert run.set_info(Path("heldout_answers_round3.yml")) == {"label": "round 3 (fresh, unseen)", "seen": False}
    later = run.set_info(Path("heldout_answers_round4.yml"))
    assert later["seen"] is False and "not yet the verdict" in later["label"]


def test_levels_option_reads_concurrency_and_conversations(run):
    assert run.parse_levels("1:6,10:20,50") == [(1, 6), (10, 20), (50, 50)]


def ours_and_starter(p95_ours, p95_starter):
    def system(p95, rss):
        return {
            "levels": [{"concurrency": 10, "p95_ms": p95, "errors": 0, "unanswered_turns": 0,
                        "lost_or_reordered_conversations": 0, "wrong_conversations": 0}],
            "memory_after_load": {"Rasa server": {"rss_mb": rss}},
            "all_ready_s": 20.0,
        }

    return {"systems": {"ours": system(p95_ours, 900.0), "starter": system(p95_starter, 500.0)}}


def test_latency_targets_need_both_the_limit_and_the_ratio(summary):
    rows = {row["figure"]: row["met"] for row in summary.speed_rows(ours_and_starter(140.0, 80.0))}
    assert rows["p95 turn latency at 10 concurrent conversations"] is True
    assert rows["p95 at 10 concurrent, ours / starter bot"] is False  # 1.75x


def test_unmeasured_figures_give_no_verdict(summary):
    rows = summary.target_rows({"speed": {"skipped": "--skip-speed"}, "capture_sets": [], "red_flags": None})
    assert all(row["met"] is None for row in rows)


def test_red_flags_without_an_unseen_round_give_no_verdict(summary):
    round_ = {"name": "round 5", "recall": {"value": 100.0, "caught": 45, "total": 45, "met": True},
              "false_alarm_rate": {"value": 2.2, "alarms": 1, "total": 45, "met": True}}
    rows = summary.red_flag_rows({"rounds": [round_], "verdict_round": None})
    assert [row["met"] for row in rows] == [None, None]
    rows = summary.red_flag_rows({"rounds": [round_], "verdict_round": "round 5"})
    assert [row["met"] for row in rows] == [True, True]


def test_a_round_is_scored_as_of_the_day_its_ages_were_worked_out(run, tmp_path):
    from actions import answers

    heldout = tmp_path / "heldout_answers_round99.yml"
    heldout.write_text("# Ages from dates of birth are\n# worked out as of 2026-12-05.\n", encoding="utf-8")
    day = run.ages_worked_out_on(heldout)
    real_date = answers.datetime.date

    with run.today_is(day):
        before_birthday = answers.read("age_65_or_older", "born 6 December 1961").value
    with run.today_is("2026-12-06"):
        on_birthday = answers.read("age_65_or_older", "born 6 December 1961").value

    assert (day, before_birthday, on_birthday) == ("2026-12-05", "no", "yes")
    assert answers.datetime.date is real_date


def test_a_round_without_a_day_is_scored_as_of_today(run, tmp_path):
    from actions import answers

    heldout = tmp_path / "heldout_answers_round98.yml"
    heldout.write_text("symptoms_affect_daily_life: []\n", encoding="utf-8")
    real_date = answers.datetime.date

    with run.today_is(run.ages_worked_out_on(heldout)):
        assert answers.datetime.date is real_date
