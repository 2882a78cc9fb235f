"""Support when someone is scared (keeping an answer typed with the fear), and a route to a
person, from deployment.yml."""
from functools import lru_cache
from typing import Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import candidacy_form, settings


@lru_cache(maxsize=2)
def deployment_settings(path=settings.DEPLOYMENT_PATH) -> Dict[Text, Text]:
    """Each contact from deployment.yml, or its generic wording when the deployment left it empty."""
    raw = yaml.safe_load(open(path, encoding="utf-8")) or {}
    generic = raw.get("generic") or {}
    return {key: (raw.get(key) or "").strip() or generic[key] for key in generic}


class ActionOfferSupport(Action):
    def name(self) -> Text:
        return "action_offer_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        contacts = deployment_settings()
        dispatcher.utter_message(
            response="utter_support", nurse_line=contacts["nurse_line"], support_line=contacts["support_line"]
        )
        # "no pain at all, just worried about the scans": the answer is kept beside the support
        return candidacy_form.keep_answer_beside_pause(dispatcher, tracker, domain)


class ActionTalkToPerson(Action):
    def name(self) -> Text:
        return "action_talk_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_talk_to_person", contact_route=deployment_settings()["contact_route"])
        return []
