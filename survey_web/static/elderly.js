// 大字版 at once (the link alone works without JavaScript) and read-aloud with the browser's own voices.
(function () {
  "use strict";
  var root = document.documentElement;
  var YEAR = 365 * 86400;

  function setLargeText(link, on) {
    root.classList.toggle("big", on);
    document.cookie = "big=" + (on ? "1" : "0") + "; path=/; max-age=" + YEAR + "; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
    link.setAttribute("aria-pressed", on ? "true" : "false");
    link.setAttribute(link.tagName === "A" ? "href" : "formaction", "?big=" + (on ? "0" : "1"));
  }
  document.querySelectorAll(".bigtoggle").forEach(function (link) {
    link.addEventListener("click", function (event) {
      // Following the link would reload the page and lose answers given so far.
      event.preventDefault();
      setLargeText(link, !root.classList.contains("big"));
    });
    // The link is announced as a button (role=button), so Space must press it as it presses a button.
    link.addEventListener("keydown", function (event) {
      if (link.tagName === "A" && (event.key === " " || event.key === "Spacebar")) {
        event.preventDefault();
        setLargeText(link, !root.classList.contains("big"));
      }
    });
  });

  // Read-aloud: only with a voice on the device itself (no server, no internet); hidden otherwise.
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var wanted = (root.getAttribute("lang") || "zh-CN").toLowerCase();
  var added = false;

  function tag(voice) { return String(voice.lang || "").replace("_", "-").toLowerCase(); }
  function pickVoice() {
    var local = (synth.getVoices() || []).filter(function (v) { return v.localService !== false; });
    var exact = local.filter(function (v) { return tag(v) === wanted; });
    if (exact.length) { return exact[0]; }
    var mandarin = /^(zh-(cn|tw|sg|hans|hant)|cmn)/;  // Mandarin; zh-HK / yue voices speak Cantonese
    return local.filter(function (v) {
      return wanted.indexOf("zh") === 0 ? mandarin.test(tag(v)) : tag(v).split("-")[0] === wanted.split("-")[0];
    })[0] || null;
  }
  function shown(el) { return el.getClientRects().length > 0; }
  function textOf(q) {
    var head = q.querySelector("legend, .legend");
    var parts = [head ? head.innerText.trim() : ""];
    var choices = [];
    q.querySelectorAll(".opt").forEach(function (opt) {
      opt.querySelectorAll(".lbl").forEach(function (lbl) { if (shown(lbl)) { choices.push(lbl.textContent.trim()); } });
    });
    if (choices.length) { parts.push(choices.join("，")); }
    return parts.join("。");
  }
  function speak(button, q, voice) {
    var speaking = button.getAttribute("aria-pressed") === "true";
    synth.cancel();
    document.querySelectorAll(".speak").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    if (speaking) { return; }
    var utterance = new window.SpeechSynthesisUtterance(textOf(q));
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.85;  // a little slower for older listeners
    utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
    button.setAttribute("aria-pressed", "true");
    synth.speak(utterance);
  }
  function addButtons() {
    var voice = pickVoice();
    if (added || !voice) { return; }
    added = true;
    var label = document.body.getAttribute("data-read") || "";
    document.querySelectorAll("form .q").forEach(function (q) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "speak";
      button.setAttribute("aria-pressed", "false");
      button.textContent = "🔊 " + label;
      button.addEventListener("click", function () { speak(button, q, voice); });
      var head = q.querySelector("legend, .legend");
      if (head) { head.insertAdjacentElement("afterend", button); }
    });
  }
  addButtons();
  // Chromium loads its voice list asynchronously.
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", addButtons); }
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
