// The chat widget (rasa-webchat 1.0.1) on the clinic's pages, with the accessibility it lacks:
// names for its buttons and text box, a landmark, a live region for the bot's messages,
// quick replies as keyboard buttons, focus that stays in the conversation and Escape to close.
(function () {
  "use strict";

  // The bot's socket.io server. ?bot=http://127.0.0.1:PORT overrides it for local runs and
  // tests; only loopback addresses are taken, so a link cannot point the chat elsewhere.
  function botUrl() {
    var fallback = "http://localhost:5005";
    var wanted = new URLSearchParams(window.location.search).get("bot");
    if (!wanted) return fallback;
    try {
      var url = new URL(wanted);
      var loopback = ["localhost", "127.0.0.1", "[::1]"].indexOf(url.hostname) !== -1;
      if (loopback && (url.protocol === "http:" || url.protocol === "https:")) return url.origin;
    } catch (error) { /* not a URL */ }
    console.warn("Ignoring ?bot=" + wanted + ": only loopback bot URLs are accepted here");
    return fallback;
  }

  var TITLE = "Liondale Medical";

  function setAttributes(element, attributes) {
    if (!element) return;
    Object.keys(attributes).forEach(function (name) {
      if (element.getAttribute(name) !== attributes[name]) element.setAttribute(name, attributes[name]);
    });
  }

  function widget() { return document.getElementById("rasaWebchatPro"); }
  function find(selector) { var root = widget(); return root && root.querySelector(selector); }
  function isOpen() { return Boolean(find(".rw-conversation-container")); }
  function textBox() { return find(".rw-new-message"); }

  // After React renders: rasa-webchat keeps none of these itself.
  function describeWidget() {
    var open = isOpen();
    // The widget is added at the end of <body>, outside the page's landmarks.
    setAttributes(widget(), { role: "region", "aria-label": "Chat with " + TITLE });
    setAttributes(find("button.rw-launcher"), {
      "aria-label": open ? "Close chat" : "Open chat with " + TITLE,
      "aria-expanded": String(open),
    });
    setAttributes(find(".rw-close-button"), { "aria-label": "Close chat" });
    // The page's sections are h2: the chat's title comes under them, not three levels down.
    setAttributes(find(".rw-title"), { role: "heading", "aria-level": "2" });
    // New messages are read out by screen readers; the history scrolls with the keyboard too.
    setAttributes(find(".rw-messages-container"), {
      role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0",
    });
    setAttributes(textBox(), { "aria-label": "Your message" });
    setAttributes(find(".rw-send"), { "aria-label": "Send" });
    var root = widget();
    if (!root) return;
    root.querySelectorAll(".rw-replies").forEach(function (replies) {
      setAttributes(replies, { role: "group", "aria-label": "Suggested answers" });
    });
    // rasa-webchat draws quick replies as <div>s: buttons for keyboards and screen readers.
    root.querySelectorAll(".rw-reply").forEach(function (reply) {
      setAttributes(reply, { role: "button", tabindex: "0" });
    });
  }

  // Focus is moved once React has rendered: it replaces the elements.
  function focusLater(element) {
    window.requestAnimationFrame(function () {
      var target = element();
      if (target) target.focus();
    });
  }

  function launcher() { return find("button.rw-launcher"); }
  function conversation() { return find(".rw-messages-container"); }

  // Into the chat, where the patient carries on: the text box after a key press (a click's
  // detail is 0), the conversation after a tap, so no on-screen keyboard covers the answer.
  function inChat(click) {
    return click.detail === 0 ? textBox() : conversation();
  }

  function closeChat() {
    var close = find(".rw-close-button") || launcher();
    if (close) close.click();
    focusLater(launcher);
  }

  function onKeyDown(event) {
    var inWidget = widget() && widget().contains(event.target);
    if (event.key === "Escape" && isOpen() && (inWidget || event.target === document.body)) {
      event.preventDefault();
      closeChat();
    } else if ((event.key === "Enter" || event.key === " ") && event.target.classList.contains("rw-reply")) {
      event.preventDefault();
      event.target.click();
    }
  }

  function onClick(event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    // A quick reply removes itself: without this, focus fell to the page's body.
    if (target.closest(".rw-reply")) focusLater(function () { return inChat(event); });
    if (target.closest("button.rw-launcher")) focusLater(function () { return isOpen() ? inChat(event) : launcher(); });
    if (target.closest(".rw-close-button")) focusLater(launcher);
  }

  new MutationObserver(describeWidget).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("click", onClick);

  WebChat.default({
    selector: "#webchat",
    socketUrl: botUrl(),
    socketPath: "/socket.io/",
    title: TITLE,
    subtitle: "Mesotherapy questions and consults",
    inputTextFieldHint: "Type your question...",
    initPayload: "/greet",
    customData: { language: "en" },
    // Keep the session id (and the conversation) across page reloads and tabs.
    params: { storage: "local" },
    showMessageDate: false,
    // The bot's messages show as they arrive: rasa-webchat's default holds each one up to 3 s
    // behind typing dots, so a four-message answer took 12 s to appear.
    customMessageDelay: function () { return 0; },
    mainColor: "#0f6e6e",
    userBackgroundColor: "#0f6e6e",
    userTextColor: "#ffffff",
  }, null);
})();
