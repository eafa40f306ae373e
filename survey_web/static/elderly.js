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

  // Read-aloud: with a Mandarin voice on the device itself if there is one, else with the clips the server
  // rendered at bank sync (data-say on each wording and answer word); hidden when neither exists.
  function shown(el) { return el.getClientRects().length > 0; }
  var synth = window.speechSynthesis;
  var canSynth = !!synth && typeof window.SpeechSynthesisUtterance === "function";
  var wanted = (root.getAttribute("lang") || "zh-CN").toLowerCase();
  var added = false;

  function tag(voice) { return String(voice.lang || "").replace("_", "-").toLowerCase(); }
  function pickVoice() {
    if (!canSynth) { return null; }
    var local = (synth.getVoices() || []).filter(function (v) { return v.localService !== false; });
    var exact = local.filter(function (v) { return tag(v) === wanted; });
    if (exact.length) { return exact[0]; }
    var mandarin = /^(zh-(cn|tw|sg|hans|hant)|cmn)/;  // Mandarin; zh-HK / yue voices speak Cantonese
    return local.filter(function (v) {
      return wanted.indexOf("zh") === 0 ? mandarin.test(tag(v)) : tag(v).split("-")[0] === wanted.split("-")[0];
    })[0] || null;
  }
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
  // The visible wording's clip, then each visible answer word's clip, in reading order.
  function clipsOf(q) {
    var urls = [];
    q.querySelectorAll("legend [data-say], .legend [data-say], .opt .lbl[data-say]").forEach(function (el) {
      if (shown(el)) { urls.push(el.getAttribute("data-say")); }
    });
    return urls;
  }
  function released() {
    document.querySelectorAll(".speak").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
  }

  function synthReader(voice) {
    return {
      stop: function () { synth.cancel(); },
      read: function (button, q) {
        var utterance = new window.SpeechSynthesisUtterance(textOf(q));
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.rate = 0.85;  // a little slower for older listeners
        utterance.onend = utterance.onerror = function () { button.setAttribute("aria-pressed", "false"); };
        synth.speak(utterance);
      }
    };
  }
  function clipReader() {
    var audio = new Audio();
    var queue = [];
    var current = null;
    function next() {
      if (!queue.length) { if (current) { current.setAttribute("aria-pressed", "false"); } return; }
      audio.src = queue.shift();
      audio.play().catch(next);
    }
    audio.addEventListener("ended", next);
    audio.addEventListener("error", next);
    return {
      stop: function () { queue = []; audio.pause(); },
      read: function (button, q) { current = button; queue = clipsOf(q); next(); }
    };
  }

  function addButtons(clipsAllowed) {
    if (added) { return; }
    var voice = pickVoice();
    var hasClips = !!document.querySelector("form [data-say]");
    var reader = voice ? synthReader(voice) : (clipsAllowed && hasClips ? clipReader() : null);
    if (!reader) { return; }
    added = true;
    var label = document.body.getAttribute("data-read") || "";
    document.querySelectorAll("form .q").forEach(function (q) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "speak";
      button.setAttribute("aria-pressed", "false");
      button.textContent = "🔊 " + label;
      button.addEventListener("click", function () {
        var speaking = button.getAttribute("aria-pressed") === "true";
        reader.stop();
        released();
        if (speaking) { return; }
        button.setAttribute("aria-pressed", "true");
        reader.read(button, q);
      });
      var head = q.querySelector("legend, .legend");
      if (head) { head.insertAdjacentElement("afterend", button); }
    });
    window.addEventListener("pagehide", function () { reader.stop(); });
  }
  // Chromium loads its voice list asynchronously: give a device voice a moment to appear before the clips.
  if (canSynth) {
    addButtons(false);
    if (synth.addEventListener) { synth.addEventListener("voiceschanged", function () { addButtons(false); }); }
    setTimeout(function () { addButtons(true); }, 1200);
  } else {
    addButtons(true);
  }
})();
