"""Support and a route to a person: actions/support.py and deployment.yml."""
import pytest
import yaml

from actions import settings, support
from actions.support import ActionOfferSupport, ActionTalkToPerson, deployment_settings


@pytest.fixture(autouse=True)
def fresh_settings():
    deployment_settings.cache_clear()
    yield
    deployment_settings.cache_clear()


def test_shipped_settings_use_generic_wording_and_no_phone_number():
    raw = yaml.safe_load(settings.DEPLOYMENT_PATH.read_text())
    assert {raw["nurse_line"], raw["support_line"], raw["contact_route"]} == {""}
    for text in deployment_settings().values():
        assert text and not any(ch.isdigit() for ch in text)


def test_deployment_values_replace_the_generic_wording(tmp_path):
    path = tmp_path / "deployment.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "nurse_line": "the breast care nurses on 0123 456",
                "support_line": "",
                "contact_route": "our helpdesk",
                "generic": {"nurse_line": "generic nurse", "support_line": "generic line", "contact_route": "generic route"},
            }
        )
    )
    assert deployment_settings(path) == {
        "nurse_line": "the breast care nurses on 0123 456",
        "support_line": "generic line",
        "contact_route": "our helpdesk",
    }


def test_support_fills_both_contacts(make_tracker, run_action, sent, domain):
    events, dispatcher = run_action(ActionOfferSupport(), make_tracker(text="I'm scared", intent="feeling_scared"))
    assert events == []
    assert sent.responses(dispatcher) == ["utter_support"]
    message = dispatcher.messages[0]
    template = domain["responses"]["utter_support"][0]["text"]
    filled = template.format(nurse_line=message["nurse_line"], support_line=message["support_line"])
    assert "{" not in filled and message["nurse_line"] in filled


def test_talk_to_person_gives_the_contact_route(make_tracker, run_action, sent, monkeypatch):
    monkeypatch.setattr(support, "deployment_settings", lambda: {"contact_route": "our helpdesk"})
    events, dispatcher = run_action(ActionTalkToPerson(), make_tracker(text="a human please", intent="talk_to_person"))
    assert sent.responses(dispatcher) == ["utter_talk_to_person"]
    assert dispatcher.messages[0]["contact_route"] == "our helpdesk"
    assert events == []


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_support_keeps_a_clear_answer_typed_with_the_fear_and_says_it_back_after_it(make_tracker, run_action, sent):
    tracker = make_tracker(
        text="no pain at all, just scared about the next scan", intent="feeling_scared", confidence=0.97,
        requested_slot="symptoms_affect_daily_life",
    )
    events, dispatcher = run_action(ActionOfferSupport(), tracker)
    assert sent.responses(dispatcher) == ["utter_support", "utter_noted"]
    # not remembered as noted: "go on" must not say it back a second time
    assert slot_events(events) == {"symptoms_affect_daily_life": "no", "answer_to_confirm": None, "answer_noted": None}


@pytest.mark.parametrize("text, requested_slot, form_active", [
    ("I think no pain, just scared about the scan", "symptoms_affect_daily_life", True),  # hedged: asked again
    ("not sure, and I'm so scared", "symptoms_affect_daily_life", True),  # not sure is not kept
    ("I'm scared", "symptoms_affect_daily_life", True),  # no answer at all
    ("no pain at all, just scared", "symptoms_affect_daily_life", False),  # the questions are not on
])
def test_support_keeps_nothing_that_is_not_a_sure_answer_to_an_open_question(make_tracker, run_action, sent, text, requested_slot, form_active):
    tracker = make_tracker(text=text, intent="feeling_scared", requested_slot=requested_slot, form_active=form_active)
    events, dispatcher = run_action(ActionOfferSupport(), tracker)
    assert slot_events(events) == {}
    assert sent.responses(dispatcher) == ["utter_support"]
