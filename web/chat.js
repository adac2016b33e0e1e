// The chat widget (rasa-webchat) on the clinic's pages.
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

  // rasa-webchat draws quick replies as <div>s: make them buttons for keyboards and screen readers.
  function makeRepliesButtons() {
    document.querySelectorAll(".rw-reply:not([role])").forEach(function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
      reply.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          reply.click();
        }
      });
    });
  }
  new MutationObserver(makeRepliesButtons).observe(document.body, { childList: true, subtree: true });

  WebChat.default({
    selector: "#webchat",
    socketUrl: botUrl(),
    socketPath: "/socket.io/",
    title: "Liondale Medical",
    subtitle: "Mesotherapy questions and consults",
    inputTextFieldHint: "Type your question...",
    initPayload: "/greet",
    customData: { language: "en" },
    // Keep the session id (and the conversation) across page reloads and tabs.
    params: { storage: "local" },
    showMessageDate: false,
    mainColor: "#0f6e6e",
    userBackgroundColor: "#0f6e6e",
    userTextColor: "#ffffff",
  }, null);
})();
