"""The web chat in Chromium against the real servers: whole conversations by mouse and by
keyboard, the summary card (print, download), reload, clear, reconnect, accessibility
(axe-core plus what axe cannot see), small screens and text that looks like HTML.
"""
import re

import pytest
from playwright.sync_api import expect

from chat_page import READ_BACK_OK, RESPONSES, STORAGE_KEY, SUMMARY_CONTENT, WORDS, ChatPage, flat, run_axe, wait_for_tracker
from conftest import IDS

SESSION_TOKEN = r"[0-9a-f]{32}\.[0-9a-f]{64}"

START = "Yes, let's start"
SUMMARY_TEXT = SUMMARY_CONTENT["text"]
XSS = "<img src=x onerror=alert(1)>"

BY_CLICKING = {
    "symptoms_affect_daily_life": "Yes",
    "symptom_areas": "Lungs",
    "spread_extent": "Several areas",
    "growth_count": "More than five",
    "growth_size": "No, not small",
    "treatment_response": "It has grown",
    "hormone_receptor_status": "No, ER negative",
    "tumor_grade": "High (grade 3)",
    "earlier_breast_cancer": "No",
    "daily_activity": "I look after myself but can't work. I'm up most of the day",
    "age_65_or_older": "Yes",
    "other_health_conditions": "No",
    "surgery_considered": "Not sure",
    "main_goal": "Easing pain or other problems",
}
BY_CLICKING_STORED = {
    "symptoms_affect_daily_life": "yes", "symptom_areas": ["lung"], "spread_extent": "several_areas",
    "growth_count": "more_than_five", "growth_size": "not_small", "treatment_response": "growing",
    "hormone_receptor_status": "er_negative", "tumor_grade": "high", "earlier_breast_cancer": "no",
    "years_to_metastasis": None, "daily_activity": "up_and_about", "age_65_or_older": "yes",
    "other_health_conditions": "no", "surgery_considered": "unsure", "complete_removal_likely": None,
    "main_goal": "symptom_relief",
}

# ("choice", title) is pressed with the keyboard; ("type", text) is typed in the input.
BY_KEYBOARD = {
    "symptoms_affect_daily_life": ("choice", "Yes"),
    "symptom_areas": ("choice", "Spine"),
    "spread_extent": ("type", "just the one area, my spine"),
    "growth_count": ("choice", "Two"),
    "growth_size": ("type", "the doctor said they're small"),
    "treatment_response": ("choice", "It has stayed the same"),
    "hormone_receptor_status": ("type", "it's ER positive"),
    "tumor_grade": ("choice", "Middle (grade 2)"),
    "earlier_breast_cancer": ("choice", "Yes"),
    "years_to_metastasis": ("type", "about 6 and a half years"),
    "daily_activity": ("choice", "No hard work, but light work is fine"),
    "age_65_or_older": ("type", "I'm 58"),
    "other_health_conditions": ("choice", "No"),
    "surgery_considered": ("choice", "Yes"),
    "complete_removal_likely": ("type", "they think they can get it all"),
    "main_goal": ("choice", "Both"),
}
BY_KEYBOARD_STORED = {
    "symptoms_affect_daily_life": "yes", "symptom_areas": ["spine"], "spread_extent": "one_area",
    "growth_count": "two", "growth_size": "small", "treatment_response": "stable",
    "hormone_receptor_status": "er_positive", "tumor_grade": "intermediate", "earlier_breast_cancer": "yes",
    "years_to_metastasis": 6.5, "daily_activity": "light_activity", "age_65_or_older": "no",
    "other_health_conditions": "no", "surgery_considered": "yes", "complete_removal_likely": "yes",
    "main_goal": "both",
}


@pytest.fixture
def chat(context, servers):
    return ChatPage(context.new_page(), servers.page_url)


def assert_no_axe_violations(chat, axe_source, when):
    violations = run_axe(chat.page, axe_source)
    assert violations == [], f"axe-core, {when}: {violations}"


def assert_stored(servers, chat, expected):
    stored = wait_for_tracker(servers, IDS.web(chat.session_id()), lambda s: s["summary_topics"] is not None,
                              "summary")
    for slot, value in expected.items():
        assert stored[slot] == value, slot


def assert_summary_card(chat):
    card = chat.summary_card()
    headings = card.locator(".tpc-summary-heading").all_text_contents()
    assert headings[:2] == [SUMMARY_TEXT["told_me_heading"], SUMMARY_TEXT["topics_heading"]]
    assert SUMMARY_TEXT["balance_heading"] in headings
    expect(card).to_contain_text(flat(SUMMARY_TEXT["intro"]))
    expect(card).to_contain_text(flat(SUMMARY_TEXT["closing"]))
    expect(card).to_contain_text(SUMMARY_TEXT["reviewed_line"].split("{")[0].strip())
    assert card.locator("li").count() >= 5
    # The card replaces the summary's text messages: nothing is shown twice.
    assert not [t for t in chat.bot_texts() if flat(SUMMARY_TEXT["intro"]) in t]


def assert_only_latest_choices_active(chat):
    """Every question's choices stay in the history; only the latest ones can be used."""
    groups = chat.choice_groups()
    latest = groups.last.locator("button")
    assert latest.count() and all(button.is_enabled() for button in latest.all())
    assert chat.active_choices().count() == latest.count()
    older = [button for i in range(groups.count() - 1) for button in groups.nth(i).locator("button").all()]
    assert older and not any(button.is_enabled() for button in older)


def assert_focus_visible(chat):
    style = chat.page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag: document.activeElement.tagName}; }"""
    )
    assert style["tag"] != "BODY", "nothing has the focus"
    assert style["style"] != "none" and style["width"] >= 2, f"focus is not visible: {style}"


def assert_fits(chat, width):
    """No sideways scrolling; the notice, the input and Send are on screen."""
    assert chat.page.evaluate("document.documentElement.scrollWidth") <= width
    for control in (chat.page.locator(".tpc-notice"), chat.input, chat.page.get_by_role("button", name=WORDS["labels"]["send"])):
        expect(control).to_be_in_viewport()


# --- whole conversations -------------------------------------------------------------------


def test_whole_conversation_by_clicking_choices_reaches_the_summary(chat, servers, axe_source, screenshots):
    chat.open()
    chat.wait_for_bot_text("do not give medical advice")
    assert_no_axe_violations(chat, axe_source, "at the start")
    chat.page.screenshot(path=screenshots / "start-1280.png", full_page=True)

    chat.click_choice(START)
    asked = []

    def click(slot):
        asked.append(slot)
        chat.click_choice(BY_CLICKING[slot])
        if len(asked) == 3:
            assert_no_axe_violations(chat, axe_source, "mid-conversation")
            assert_only_latest_choices_active(chat)

    assert chat.answer_until_summary(click) == list(BY_CLICKING)
    # A tapped choice shows its words as the person's message, never the payload.
    user_texts = chat.page.locator(".tpc-from-user .tpc-text").all_text_contents()
    assert user_texts == [START, *BY_CLICKING.values(), READ_BACK_OK]
    assert_summary_card(chat)
    assert_only_latest_choices_active(chat)
    assert chat.active_choice_titles() == ["Start again", "I'm done"]
    assert_stored(servers, chat, BY_CLICKING_STORED)

    assert_no_axe_violations(chat, axe_source, "on the summary")
    chat.summary_card().scroll_into_view_if_needed()
    chat.page.screenshot(path=screenshots / "summary-1280.png")
    chat.page.set_viewport_size({"width": 320, "height": 640})
    assert_fits(chat, 320)
    chat.summary_card().scroll_into_view_if_needed()
    chat.page.screenshot(path=screenshots / "summary-320.png")


def press_choice_by_keyboard(chat, title):
    backwards = chat.page.evaluate("document.activeElement === document.querySelector('#tpc-input')")
    chat.tab_to(title, backwards=backwards)
    assert_focus_visible(chat)
    before = chat.choice_groups().count()
    chat.page.keyboard.press("Enter")
    chat.wait_for_new_choices(before)


def type_by_keyboard(chat, text):
    for _ in range(40):
        if chat.page.evaluate("document.activeElement === document.querySelector('#tpc-input')"):
            break
        chat.page.keyboard.press("Tab")
    else:
        raise AssertionError("the input was never reached with Tab")
    assert_focus_visible(chat)
    before = chat.choice_groups().count()
    chat.page.keyboard.type(text)
    chat.page.keyboard.press("Enter")
    chat.wait_for_new_choices(before)


def test_whole_conversation_by_keyboard_only_reaches_the_summary(chat, servers, tmp_path):
    chat.page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    chat.open()
    chat.wait_for_bot_text("do not give medical advice")

    chat.page.keyboard.press("Tab")
    assert chat.focused_text() == WORDS["labels"]["clear"]
    assert_focus_visible(chat)
    chat.page.keyboard.press("Tab")
    assert chat.page.evaluate("document.activeElement.getAttribute('role')") == "log"
    assert_focus_visible(chat)
    press_choice_by_keyboard(chat, START)

    def answer(slot):
        how, what = BY_KEYBOARD[slot]
        if how == "choice":
            press_choice_by_keyboard(chat, what)
        else:
            type_by_keyboard(chat, what)

    assert chat.answer_until_summary(answer, accept_read_back=lambda: press_choice_by_keyboard(chat, READ_BACK_OK)) == list(BY_KEYBOARD)
    assert_summary_card(chat)
    assert_stored(servers, chat, BY_KEYBOARD_STORED)

    # "Download as text" saves what the card shows, made in the browser.
    chat.tab_to(WORDS["summary"]["download"], backwards=True)
    with chat.page.expect_download() as download:
        chat.page.keyboard.press("Enter")
    assert download.value.suggested_filename == WORDS["summary"]["file_name"]
    assert download.value.url.startswith("blob:")
    saved = download.value.path().read_text(encoding="utf-8")
    date_line = chat.summary_card().locator(".tpc-summary-date").text_content()
    assert saved.startswith(WORDS["summary"]["heading"] + "\n" + date_line + "\n")
    assert "- The problems come from your spine." in saved.splitlines()
    for heading in chat.summary_card().locator(".tpc-summary-heading").all_text_contents():
        assert heading in saved.splitlines()
    assert flat(SUMMARY_TEXT["closing"]) in flat(saved)

    # "Print or save as PDF" prints just the summary, with its date.
    chat.tab_to(WORDS["summary"]["print"], backwards=True)
    chat.page.keyboard.press("Enter")
    assert chat.page.evaluate("window.printed") == 1
    chat.page.emulate_media(media="print")
    card = chat.summary_card()
    expect(card.locator(".tpc-summary-date")).to_be_visible()
    expect(card.locator("li").first).to_be_visible()
    for hidden in (".tpc-notice", ".tpc-form", ".tpc-from-bot >> nth=0", ".tpc-summary-actions"):
        expect(chat.page.locator(hidden).first).to_be_hidden()
    chat.page.emulate_media(media="screen")
    chat.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(chat.page.locator(".tpc-notice")).to_be_visible()


# --- the session ----------------------------------------------------------------------------


def test_reload_mid_conversation_goes_on_with_the_same_conversation(chat, servers):
    chat.open()
    chat.click_choice(START)
    chat.click_choice("No")
    chat.click_choice("One area")
    assert chat.open_question() == "growth_count"
    session_id, shown = chat.session_id(), chat.messages().all_text_contents()
    assert re.fullmatch(SESSION_TOKEN, session_id)

    chat.page.reload()
    expect(chat.page.get_by_role("status").first).to_have_text(WORDS["status"]["connected"])
    assert chat.session_id() == session_id
    assert chat.messages().all_text_contents() == shown
    assert chat.open_question() == "growth_count"
    assert_only_latest_choices_active(chat)

    chat.click_choice("Two")
    assert chat.open_question() == "growth_size"
    stored = wait_for_tracker(servers, IDS.web(session_id), lambda s: s["growth_count"] is not None, "after reload")
    assert (stored["symptoms_affect_daily_life"], stored["spread_extent"], stored["growth_count"]) == ("no", "one_area", "two")


def test_clear_conversation_deletes_it_on_the_server_and_starts_over(chat, servers):
    chat.open()
    chat.click_choice(START)
    chat.click_choice("No")
    old_id = chat.session_id()

    chat.page.once("dialog", lambda dialog: dialog.dismiss())
    chat.page.get_by_role("button", name=WORDS["labels"]["clear"]).click()
    assert chat.session_id() == old_id, "dismissing the question must keep the conversation"

    chat.page.once("dialog", lambda dialog: dialog.accept())
    chat.page.get_by_role("button", name=WORDS["labels"]["clear"]).click()
    expect(chat.active_choices()).to_have_text([START, "Not now"])
    new_id = chat.session_id()
    assert new_id != old_id and re.fullmatch(SESSION_TOKEN, new_id)
    assert chat.page.locator(".tpc-from-user").count() == 0
    chat.wait_for_bot_text("do not give medical advice")

    chat.click_choice(START)
    assert chat.open_question() == "symptoms_affect_daily_life"
    assert servers.conversation(IDS.web(new_id))["slots"]["symptoms_affect_daily_life"] is None
    old = servers.conversation(IDS.web(old_id))
    assert old["slots"]["symptoms_affect_daily_life"] is None, "the old conversation is still on the server"
    assert not any(event["event"] == "user" for event in old["events"])


def test_a_second_tab_given_the_first_tabs_token_gets_nothing_of_it(chat, context, servers):
    chat.open()
    chat.click_choice(START)
    chat.click_choice("No")
    token = chat.session_id()
    copied = '{"token": "%s", "started": true, "transcript": []}' % token
    second = context.new_page()
    second.add_init_script(f"sessionStorage.setItem('{STORAGE_KEY}', '{copied}')")
    other = ChatPage(second, chat.page_url)
    second.goto(chat.page_url)
    expect(other.page.get_by_role("status").first).to_have_text(WORDS["status"]["in_use"])
    other.page.wait_for_timeout(4000)  # a retry or more: still nothing of the conversation
    assert other.page.locator(".tpc-message").count() == 0
    chat.click_choice("One area")
    assert chat.open_question() == "growth_count"
    assert other.page.locator(".tpc-message").count() == 0
    assert servers.conversation(IDS.web(token))["slots"]["spread_extent"] == "one_area"


def test_another_tab_does_not_see_the_conversation(chat, context):
    """The conversation lives in one tab's sessionStorage: closing the tab forgets it."""
    chat.open()
    chat.click_choice(START)
    other = ChatPage(context.new_page(), chat.page_url).open()
    other.wait_for_bot_text("do not give medical advice")
    assert other.session_id() != chat.session_id()
    assert other.page.locator(".tpc-from-user").count() == 0
    assert chat.page.evaluate("localStorage.length") == 0


def test_reply_reaches_the_browser_after_the_connection_drops(chat):
    """Regression test for the python-socketio 5.9 pin: newer versions never put the
    new connection in the conversation's room, so replies are lost."""
    sockets = []

    def pass_through(route):
        route.connect_to_server()
        sockets.append(route)

    chat.page.route_web_socket(re.compile(r"/socket\.io/"), pass_through)
    chat.open()
    chat.wait_for_bot_text("do not give medical advice")
    expect(chat.active_choices()).to_have_text([START, "Not now"])
    assert len(sockets) == 1, "socket.io did not upgrade to a WebSocket"

    sockets[0].close()
    for _ in range(600):
        if len(sockets) == 2:
            break
        chat.page.wait_for_timeout(100)  # lets Playwright deliver the new connection
    assert len(sockets) == 2, "the widget did not reconnect"
    expect(chat.page.get_by_role("status").first).to_have_text(WORDS["status"]["connected"])

    chat.click_choice(START)
    assert chat.open_question() == "symptoms_affect_daily_life"


# --- safety of what is shown ----------------------------------------------------------------


def test_text_that_looks_like_html_is_shown_as_text_and_not_logged(chat, context, servers):
    dialogs = []
    chat.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat.open()
    chat.wait_for_bot_text("do not give medical advice")
    before = chat.messages().count()

    chat.input.fill(XSS)
    chat.input.press("Enter")
    expect(chat.page.locator(".tpc-from-user .tpc-text").last).to_have_text(XSS)
    expect(chat.messages()).not_to_have_count(before + 1)  # the assistant answered too
    assert chat.page.locator(".tpc-log img").count() == 0
    assert dialogs == []
    assert not [url for url in context.requested if url.rstrip("/").endswith("/x")]
    assert XSS not in servers.logs(), "patient text must not reach the servers' logs"


def test_a_pasted_100_kb_message_is_answered_with_the_cut_note_and_the_chat_goes_on(chat, servers):
    chat.open()
    chat.click_choice(START)
    chat.input.fill("I am not sure. " * 7000)
    chat.input.press("Enter")
    chat.wait_for_bot_text(flat(RESPONSES["utter_message_cut"][0]["text"])[:60])
    expect(chat.page.get_by_role("status").first).to_have_text(WORDS["status"]["connected"])
    stored = wait_for_tracker(servers, IDS.web(chat.session_id()),
                              lambda s: s["symptoms_affect_daily_life"] is not None, "the cut message")
    assert stored["symptoms_affect_daily_life"] == "unsure"


# --- the page itself ------------------------------------------------------------------------


def test_page_structure_for_screen_readers(chat):
    chat.open()
    page = chat.page
    assert page.evaluate("document.documentElement.lang") == "en"
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("aria-label") == WORDS["labels"]["conversation"]
    assert page.get_by_role("status").count() == 2  # connection, and "writing..."
    expect(chat.input).to_be_editable()
    expect(page.locator(".tpc-notice")).to_have_text(flat(WORDS["notice"]))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS["title"])


@pytest.mark.parametrize(
    "width, height, name",
    [(1280, 900, "chat-1280"), (320, 640, "chat-320"), (640, 360, "chat-200-percent-zoom")],
)
def test_usable_on_small_screens_and_at_200_percent_zoom(chat, screenshots, width, height, name):
    """640 x 360 CSS pixels is what a 1280 x 720 window shows at 200% zoom."""
    chat.page.set_viewport_size({"width": width, "height": height})
    chat.open()
    chat.wait_for_bot_text("do not give medical advice")
    chat.click_choice(START)
    assert_fits(chat, width)
    chat.page.screenshot(path=screenshots / f"{name}.png")
