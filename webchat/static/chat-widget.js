/*
 * The chat widget. `make web` bundles it after socket.io-client into build/web/chat-widget.js.
 *
 * Embedding: an optional `window.talkPrepChatConfig` object, then this one script tag.
 * Every word it shows comes from content/web_widget.yml (via /widget/config.json) or
 * from the assistant. Every text is set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  const STORAGE_KEY = "talk-prep-chat";
  // A session token as the server issues it (channels/identity.py): id, then signature.
  const SESSION_TOKEN = /^[0-9a-f]{32}\.[0-9a-f]{64}$/;
  // The server reads 2,000 characters of a message and closes a connection that sends
  // more than 64 kB at once; this much always fits, and the server says it was cut.
  const MAX_SEND_CHARS = 8000;
  // While another tab holds this conversation, ask again this often.
  const IN_USE_RETRY_MS = 3000;
  // Sent once at the start of a new conversation: the assistant answers with its welcome.
  const DEFAULT_START_PAYLOAD = "/greet";
  const COLOUR_VARIABLES = {
    accent: "--tpc-accent",
    accentText: "--tpc-accent-text",
    text: "--tpc-text",
    background: "--tpc-background",
    botBubble: "--tpc-bot-bubble",
    userBubble: "--tpc-user-bubble",
    focus: "--tpc-focus",
  };

  const options = window.talkPrepChatConfig || {};
  const scriptUrl = document.currentScript ? document.currentScript.src : location.href;
  const serverUrl = String(options.serverUrl || new URL(scriptUrl, location.href).origin).replace(/\/+$/, "");

  // --- the session: the server's token and what was shown, for this browser tab only ---
  // The server issues the token (null until it has); only this tab holds it.

  function newSession() {
    return { token: null, started: false, transcript: [] };
  }

  // sessionStorage, not localStorage: closing the tab forgets the conversation, so the
  // next person on a shared computer does not see it.
  function loadSession() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY));
      if (saved && SESSION_TOKEN.test(saved.token) && Array.isArray(saved.transcript)) return saved;
    } catch (ignored) {
      // Unreadable or blocked storage: start afresh.
    }
    return newSession();
  }

  function saveSession(session) {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch (ignored) {
      // Storage full or blocked: the chat still works, a reload just starts afresh.
    }
  }

  // --- building elements, text only ---------------------------------------------------

  function element(tag, properties, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(properties || {})) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }

  function heading(level, properties) {
    return element("h" + Math.min(Math.max(level, 1), 6), properties);
  }

  // --- the widget ---------------------------------------------------------------------

  function createWidget(mount, config) {
    const words = config.words;
    const headingLevel = Number(mount.dataset.headingLevel || options.headingLevel || 2);
    let session = loadSession();
    let socket = null;
    let sessionConfirmed = false;
    let inUseRetry = null;
    // Once this page has held its session, "in use" means the server has not yet noticed
    // that the page's own dropped connection has gone: that is reconnecting, not another tab.
    let heldBefore = false;
    let waitingToSend = [];
    let summaryTextsToSkip = [];
    let focusNextChoices = false;

    const status = element("p", { className: "tpc-status", role: "status" });
    const typing = element("p", { className: "tpc-typing", role: "status" });
    const log = element("div", {
      className: "tpc-log",
      role: "log",
      "aria-live": "polite",
      "aria-label": words.labels.conversation,
      tabindex: "0",
    });
    const input = element("input", { id: "tpc-input", type: "text", autocomplete: "off", className: "tpc-input" });
    const form = element("form", { className: "tpc-form" }, [
      element("label", { for: "tpc-input", className: "tpc-label", text: words.labels.message_input }),
      element("div", { className: "tpc-form-row" }, [
        input,
        element("button", { type: "submit", className: "tpc-button tpc-send", text: words.labels.send }),
      ]),
    ]);
    const clearButton = element("button", { type: "button", className: "tpc-button tpc-clear", text: words.labels.clear });
    const root = element("section", { className: "tpc", "aria-labelledby": "tpc-title" }, [
      element("header", { className: "tpc-header" }, [
        heading(headingLevel, { id: "tpc-title", className: "tpc-title", text: options.title || words.title }),
        element("p", { className: "tpc-notice", text: words.notice }),
        clearButton,
      ]),
      status,
      log,
      typing,
      form,
    ]);
    applyColours(root, options.colours || {});
    mount.replaceChildren(root);

    function setConnection(state) {
      status.textContent = words.status[state];
    }

    function setTyping(on) {
      typing.textContent = on ? words.status.typing : "";
    }

    // --- messages in the history ---

    function messageNode(entry) {
      if (entry.summary) return summaryNode(entry);
      const said = entry.from === "user" ? words.labels.you_said : words.labels.assistant_said;
      const node = element("div", { className: "tpc-message tpc-from-" + entry.from }, [
        element("span", { className: "tpc-visually-hidden", text: said + " " }),
        element("p", { className: "tpc-text", text: entry.text }),
      ]);
      if (entry.choices && entry.choices.length) node.appendChild(choicesNode(entry.choices));
      return node;
    }

    function choicesNode(choices) {
      const group = element("div", { className: "tpc-choices", role: "group", "aria-label": words.labels.choices });
      for (const choice of choices) {
        const button = element("button", { type: "button", className: "tpc-button tpc-choice", text: choice.title });
        button.addEventListener("click", () => {
          focusNextChoices = true;
          send(choice.payload, choice.title);
        });
        group.appendChild(button);
      }
      return group;
    }

    // Only the latest question's choices can be used; older ones stay visible.
    function disableOlderChoices(latestGroup) {
      for (const button of log.querySelectorAll(".tpc-choice")) {
        if (!latestGroup || !latestGroup.contains(button)) button.disabled = true;
      }
    }

    function show(entry) {
      const node = messageNode(entry);
      log.appendChild(node);
      const group = node.querySelector(".tpc-choices");
      if (group) {
        disableOlderChoices(group);
        if (focusNextChoices) group.querySelector("button").focus();
        focusNextChoices = false;
      }
      log.scrollTop = log.scrollHeight;
    }

    function record(entry) {
      session.transcript.push(entry);
      saveSession(session);
      show(entry);
    }

    function showTranscript() {
      log.replaceChildren();
      for (const entry of session.transcript) show(entry);
      const groups = log.querySelectorAll(".tpc-choices");
      disableOlderChoices(groups[groups.length - 1]);
    }

    // --- the summary card ---

    function summaryAsText(entry) {
      const summary = entry.summary;
      return [words.summary.heading, dateLine(entry.date), "", summary.messages.join("\n\n"), ""].join("\n");
    }

    function dateLine(isoDate) {
      const date = new Date(isoDate);
      const shown = date.toLocaleDateString(document.documentElement.lang || "en", {
        year: "numeric",
        month: "long",
        day: "numeric",
      });
      return words.summary.date.replace("{date}", shown);
    }

    function summaryNode(entry) {
      const summary = entry.summary;
      const id = "tpc-summary-" + log.querySelectorAll(".tpc-summary").length;
      const printButton = element("button", { type: "button", className: "tpc-button", text: words.summary.print });
      const downloadButton = element("button", { type: "button", className: "tpc-button", text: words.summary.download });
      const card = element("article", { className: "tpc-summary", "aria-labelledby": id }, [
        heading(headingLevel + 1, { id: id, className: "tpc-summary-title", text: words.summary.heading }),
        element("p", { className: "tpc-summary-date", text: dateLine(entry.date) }),
        element("p", { text: summary.intro }),
      ]);
      for (const section of summary.sections) {
        card.appendChild(heading(headingLevel + 2, { className: "tpc-summary-heading", text: section.heading }));
        card.appendChild(element("ul", {}, section.lines.map((line) => element("li", { text: line }))));
      }
      card.appendChild(element("p", { text: summary.closing }));
      if (typeof summary.reviewed === "string") card.appendChild(element("p", { text: summary.reviewed }));
      card.appendChild(element("div", { className: "tpc-summary-actions" }, [printButton, downloadButton]));
      printButton.addEventListener("click", () => printOnly(card));
      downloadButton.addEventListener("click", () => download(summaryAsText(entry)));
      return card;
    }

    // The print stylesheet hides whatever is marked, so only this card is printed.
    function printOnly(card) {
      const hidden = [];
      for (let node = card; node.parentElement && node !== document.body; node = node.parentElement) {
        for (const sibling of node.parentElement.children) {
          if (sibling !== node) {
            sibling.classList.add("tpc-print-hidden");
            hidden.push(sibling);
          }
        }
      }
      card.classList.add("tpc-printing");
      window.addEventListener(
        "afterprint",
        () => {
          for (const node of hidden) node.classList.remove("tpc-print-hidden");
          card.classList.remove("tpc-printing");
        },
        { once: true }
      );
      window.print();
    }

    function download(text) {
      const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
      const link = element("a", { href: url, download: words.summary.file_name });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }

    // --- what the assistant sends ---

    function validSummary(summary) {
      return (
        summary &&
        typeof summary.intro === "string" &&
        typeof summary.closing === "string" &&
        Array.isArray(summary.messages) &&
        Array.isArray(summary.sections) &&
        summary.sections.every((s) => typeof s.heading === "string" && Array.isArray(s.lines))
      );
    }

    function onBotMessage(message) {
      if (!message || typeof message !== "object") return;
      setTyping(false);
      if (validSummary(message.summary)) {
        // The summary's text messages follow the card; it already shows them.
        summaryTextsToSkip = message.summary.messages.map((text) => String(text).trim());
        record({ from: "bot", summary: message.summary, date: new Date().toISOString() });
        return;
      }
      const text = typeof message.text === "string" ? message.text : "";
      if (summaryTextsToSkip.length && summaryTextsToSkip[0] === text.trim()) {
        summaryTextsToSkip.shift();
        return;
      }
      summaryTextsToSkip = [];
      const choices = (Array.isArray(message.quick_replies) ? message.quick_replies : [])
        .filter((choice) => choice && typeof choice.title === "string" && typeof choice.payload === "string")
        .map((choice) => ({ title: choice.title, payload: choice.payload }));
      if (text || choices.length) record({ from: "bot", text: text, choices: choices });
    }

    // --- what the person sends ---

    function emit(message) {
      socket.emit("user_uttered", { message: message.slice(0, MAX_SEND_CHARS), session_id: session.token });
    }

    // Messages wait for the session to be confirmed, so a reply always finds this tab.
    function sendOrWait(message) {
      if (sessionConfirmed) emit(message);
      else waitingToSend.push(message);
    }

    function send(message, shownText) {
      record({ from: "user", text: shownText });
      setTyping(true);
      sendOrWait(message);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      focusNextChoices = false;
      send(text, text);
    });

    // A new conversation: the server deleted the old one, or never signed its token.
    function startAfresh() {
      session = newSession();
      summaryTextsToSkip = [];
      waitingToSend = [];
      setTyping(false);
      showTranscript();
    }

    // The server deletes the conversation, then confirms a new session (a new token).
    clearButton.addEventListener("click", () => {
      if (!window.confirm(words.clear_confirm)) return;
      if (!sessionConfirmed) {
        setConnection("clear_offline");
        return;
      }
      sessionConfirmed = false;
      socket.emit("clear_conversation");
      input.focus();
    });

    function requestSession() {
      socket.emit("session_request", session.token ? { session_id: session.token } : {});
    }

    // --- the connection to Rasa's socketio channel ---

    function connect() {
      setConnection("connecting");
      socket = window.io(options.socketUrl || config.socketUrl);
      socket.on("connect", () => {
        sessionConfirmed = false;
        requestSession();
      });
      socket.on("session_confirm", (token) => {
        if (typeof token !== "string" || !SESSION_TOKEN.test(token)) return;
        if (token !== session.token) {
          // Messages typed while connecting still go, to the conversation that now exists.
          const waiting = waitingToSend;
          startAfresh();
          waitingToSend = waiting;
          session.token = token;
          saveSession(session);
        }
        sessionConfirmed = true;
        heldBefore = true;
        clearTimeout(inUseRetry);
        setConnection("connected");
        if (!session.started) {
          session.started = true;
          saveSession(session);
          emit(options.startPayload || DEFAULT_START_PAYLOAD);
        }
        const waiting = waitingToSend;
        waitingToSend = [];
        waiting.forEach(emit);
      });
      // Another tab or window holds this conversation: wait until it lets go.
      socket.on("session_in_use", () => {
        setConnection(heldBefore ? "reconnecting" : "in_use");
        clearTimeout(inUseRetry);
        inUseRetry = setTimeout(() => {
          if (socket.connected && !sessionConfirmed) requestSession();
        }, IN_USE_RETRY_MS);
      });
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", (reason) => {
        sessionConfirmed = false;
        setConnection("reconnecting");
        // The client retries by itself, except after the server closed the connection.
        if (reason === "io server disconnect") socket.connect();
      });
      socket.on("connect_error", () => setConnection("reconnecting"));
    }

    showTranscript();
    connect();
    // Let go of the conversation at once when the page goes, so a reload resumes it.
    window.addEventListener("pagehide", () => socket.disconnect());
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) socket.connect();
    });
  }

  function applyColours(root, colours) {
    for (const [name, variable] of Object.entries(COLOUR_VARIABLES)) {
      if (typeof colours[name] === "string") root.style.setProperty(variable, colours[name]);
    }
  }

  function loadStylesheet() {
    const href = serverUrl + "/widget/chat-widget.css";
    const present = Array.from(document.styleSheets).some((sheet) => sheet.href === href);
    if (!present) document.head.appendChild(element("link", { rel: "stylesheet", href: href }));
  }

  function mountPoint() {
    return (
      document.querySelector(options.mount || "#talk-prep-chat") ||
      document.body.appendChild(element("div", { id: "talk-prep-chat" }))
    );
  }

  function start() {
    loadStylesheet();
    fetch(serverUrl + "/widget/config.json")
      .then((response) => {
        if (!response.ok) throw new Error("config.json: HTTP " + response.status);
        return response.json();
      })
      .then((config) => createWidget(mountPoint(), config))
      .catch((error) => console.error("The chat could not start:", error));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
