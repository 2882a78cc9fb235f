"""The chat page as a person sees it: what the history shows, the choices, the input.

Questions are recognised by their text in domain.yml, so the tests follow the
form's order and skips without asking the server (its tracker is saved after the
replies reach the browser).
"""
import json
import re
import time
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

PROJECT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))["responses"]
WORDS = yaml.safe_load((PROJECT / "content" / "web_widget.yml").read_text(encoding="utf-8"))
SUMMARY_CONTENT = yaml.safe_load((PROJECT / "content" / "summary.yml").read_text(encoding="utf-8"))
STORAGE_KEY = "talk-prep-chat"
WAIT_S = 60


def flat(text: str) -> str:
    return " ".join(text.split())


QUESTION_TEXTS = {
    name[len("utter_ask_"):]: flat(variants[0]["text"])
    for name, variants in RESPONSES.items()
    if name.startswith("utter_ask_") and variants[0].get("buttons")
}


READ_BACK_TEXT = flat(RESPONSES["utter_read_back"][0]["text"].split("{")[0])
READ_BACK_OK = RESPONSES["utter_read_back"][0]["buttons"][0]["title"]


class ChatPage:
    def __init__(self, page: Page, page_url: str):
        self.page = page
        self.page_url = page_url
        self.log = page.get_by_role("log")
        self.input = page.get_by_label(WORDS["labels"]["message_input"])

    def open(self):
        self.page.goto(self.page_url)
        expect(self.page.get_by_role("status").first).to_have_text(WORDS["status"]["connected"])
        return self

    # --- reading the page ---

    def messages(self):
        return self.page.locator(".tpc-message, .tpc-summary")

    def bot_texts(self):
        return [flat(t) for t in self.page.locator(".tpc-from-bot .tpc-text").all_text_contents()]

    def wait_for_bot_text(self, fragment: str):
        expect(self.page.locator(".tpc-from-bot .tpc-text", has_text=fragment).last).to_be_visible()

    def choice_groups(self):
        return self.page.locator(".tpc-choices")

    def active_choices(self):
        return self.page.locator(".tpc-choice:enabled")

    def active_choice_titles(self):
        return self.active_choices().all_text_contents()

    def open_question(self):
        """The slot whose question owns the active choices, or None (welcome, summary...)."""
        group = self.choice_groups().last
        text = flat(group.locator("xpath=..").locator(".tpc-text").text_content())
        for slot, question in QUESTION_TEXTS.items():
            if question.endswith(text):
                return slot
        return None

    def session_id(self) -> str:
        """The session token the server issued to this tab."""
        return json.loads(self.page.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')"))["token"]

    def summary_card(self):
        return self.page.locator(".tpc-summary").last

    # --- acting ---

    def wait_for_new_choices(self, groups_before: int):
        expect(self.choice_groups()).not_to_have_count(groups_before)
        expect(self.choice_groups().last.locator("button").first).to_be_enabled()

    def click_choice(self, title: str):
        button = self.active_choices().filter(has_text=re.compile(f"^{re.escape(title)}$"))
        expect(button).to_be_enabled()  # count the choices only once this one is there
        before = self.choice_groups().count()
        button.click()
        self.wait_for_new_choices(before)

    def type_message(self, text: str):
        before = self.choice_groups().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_new_choices(before)

    def focused_text(self) -> str:
        return self.page.evaluate("document.activeElement && document.activeElement.textContent")

    def tab_to(self, wanted: str, limit: int = 60, backwards: bool = False):
        """Presses Tab (or Shift+Tab) until the focused control reads `wanted`."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            if (self.focused_text() or "").strip() == wanted and self.page.evaluate(
                "document.activeElement.tagName"
            ) == "BUTTON":
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"{wanted!r} was never reached with {key}")

    def showing_read_back(self) -> bool:
        """The answers read back before the summary are the latest message with choices."""
        group = self.choice_groups().last
        return flat(group.locator("xpath=..").locator(".tpc-text").text_content()).startswith(READ_BACK_TEXT)

    def answer_until_summary(self, answer_for, limit: int = 30, accept_read_back=None):
        """Answers each open question with answer_for(slot) until the summary card shows;
        the read-back before it is accepted with accept_read_back() (default: a click).
        Returns the questions asked in order."""
        asked = []
        for _ in range(limit):
            if self.page.locator(".tpc-summary").count():
                return asked
            if self.showing_read_back():
                (accept_read_back or (lambda: self.click_choice(READ_BACK_OK)))()
                continue
            slot = self.open_question()
            assert slot is not None, f"no question is open; the assistant said: {self.bot_texts()[-3:]}"
            asked.append(slot)
            answer_for(slot)
        raise AssertionError(f"the summary never came; asked {asked}")


def wait_for_tracker(servers, conversation_id: str, ready, what: str) -> dict:
    """Polls the tracker API until ready(slots) holds (the tracker is saved after the replies)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        slots = servers.conversation(conversation_id)["slots"]
        if ready(slots):
            return slots
        time.sleep(0.2)
    raise AssertionError(f"{what}: tracker never got there; slots: {slots}")


def run_axe(page: Page, axe_source: str) -> list:
    """axe-core's WCAG 2.1 A/AA rules and best practices; returns the violations found."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Page.evaluate runs outside the page's Content-Security-Policy, which stays on.
        page.evaluate(axe_source)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
            }));
        }"""
    )
