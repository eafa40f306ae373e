// Kiosk pages on a shared tablet: offline pages (service worker), the outbox count, a clean start for
// every respondent (location.replace: no history entries), the idle wipe, and the sign-out warning.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  var outbox = window.kioskOutbox;
  if (!root) { return; }
  var START = root.getAttribute("data-start");
  var PAGES = "kiosk-pages";  // must match sw.js
  var RECEIPT_KEY = "kiosk-receipt";  // sessionStorage: the last interview's receipt code, shown once

  function fill(template, n) { return (template || "").replace("{n}", String(n)); }
  function goClean(done) {
    // replace(), not assign(): the previous respondent's page must not stay in the history.
    location.replace(START + (done ? "?done=" + done : ""));
  }

  document.querySelectorAll("a[data-replace]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      location.replace(link.href);
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.getAttribute("data-sw"), { scope: root.getAttribute("data-scope") })
      .catch(function () { /* no offline pages (e.g. plain http); the outbox still works */ });
  }

  // ---- the outbox count, on every kiosk page
  var badge = root.querySelector("[data-outbox-badge]");
  var panel = document.getElementById("outbox");
  var lastOutcome = "idle";
  var unsent = 0, aside = 0;

  function render(items) {
    var own = outbox.mine(items);
    var pending = own.filter(function (i) { return !outbox.setAside(i); });
    var refused = items.filter(outbox.setAside);
    unsent = pending.length;
    aside = refused.length;
    if (badge) {
      badge.hidden = !pending.length;
      badge.textContent = fill(badge.getAttribute("data-msg"), pending.length);
    }
    if (!panel) { return; }
    panel.hidden = false;
    // Once everything is sent, "kept on this tablet" and the sign-out warning are no longer true.
    var queued = document.querySelector("[data-flash=queued]");
    if (queued && !pending.length) { queued.hidden = true; }
    var warning = document.querySelector("[data-signout-warning]");
    if (warning && !pending.length && !refused.length) { warning.hidden = true; }
    panel.classList.toggle("ok", !pending.length && !refused.length);
    panel.classList.toggle("pending", !!(pending.length || refused.length));
    var state = panel.querySelector("[data-outbox-state]");
    var detail = panel.querySelector("[data-outbox-detail]");
    state.textContent = pending.length ? fill(panel.getAttribute("data-msg-unsent"), pending.length)
      : refused.length ? fill(panel.getAttribute("data-msg-refused"), refused.length)
      : panel.getAttribute("data-msg-all-sent");
    var others = items.length - own.length - refused.filter(function (i) { return own.indexOf(i) < 0; }).length;
    detail.textContent = [
      !pending.length ? ""
        : lastOutcome === "signin" ? panel.getAttribute("data-msg-signin")
        : lastOutcome === "offline" || !navigator.onLine ? panel.getAttribute("data-msg-offline") : "",
      others > 0 ? fill(panel.getAttribute("data-msg-others"), others) : ""
    ].filter(Boolean).join(" ");
    panel.querySelectorAll("[data-send-now]").forEach(function (b) { b.hidden = !pending.length; });
    var list = panel.querySelector("[data-refused]");
    list.textContent = "";
    refused.forEach(function (item) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      text.className = "why";
      text.textContent = new Date(item.created).toLocaleString() + " — " +
        (item.state === "aside" ? panel.getAttribute("data-msg-aside") + " " : "") + (item.reason || "");
      li.appendChild(text);
      if (item.state === "aside" && own.indexOf(item) >= 0) {
        var again = document.createElement("button");
        again.type = "button";
        again.className = "kbtn";
        again.textContent = panel.getAttribute("data-msg-retry");
        again.addEventListener("click", function () { outbox.retry(item.key); });
        li.appendChild(again);
      }
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "kbtn danger";
      discard.textContent = panel.getAttribute("data-msg-discard");
      // Two taps: a respondent's answers are thrown away for good.
      discard.addEventListener("click", function () {
        if (discard.hasAttribute("data-armed")) { outbox.remove(item.key); return; }
        discard.setAttribute("data-armed", "");
        discard.textContent = panel.getAttribute("data-msg-discard-confirm");
      });
      li.appendChild(discard);
      list.appendChild(li);
    });
  }
  function refreshServerCount() {
    var line = panel && panel.querySelector("[data-server]");
    outbox.status().then(function (state) {
      if (!state.signed_in && window.caches) { caches.delete(PAGES); }  // never serve a signed-out round offline
      if (line && state.signed_in) { line.textContent = fill(panel.getAttribute("data-msg-server"), state.stored_today); }
    }).catch(function () { /* offline: keep the last figure */ });
  }
  function sync() {
    if (!outbox) { return Promise.resolve(); }
    return outbox.sync().then(function (outcome) {
      lastOutcome = outcome;
      if (outcome === "idle" && panel) { refreshServerCount(); }
      return outbox.all().then(render);
    });
  }
  if (outbox) {
    outbox.onChange(render);
    outbox.all().then(render);
    sync();
    window.addEventListener("online", sync);
    setInterval(sync, 15000);
    document.querySelectorAll("[data-send-now]").forEach(function (b) { b.addEventListener("click", sync); });
  }

  // ---- start page: show the outcome of the last interview, keep the round's pages for offline use
  document.querySelectorAll("[data-flash]").forEach(function (p) {
    p.hidden = location.search.indexOf("done=" + p.getAttribute("data-flash")) < 0;
  });
  var receiptBox = document.querySelector("[data-receipt]");
  var receiptCode = sessionStorage.getItem(RECEIPT_KEY);
  sessionStorage.removeItem(RECEIPT_KEY);
  if (receiptBox && receiptCode && /done=(saved|queued)/.test(location.search)) {
    receiptBox.querySelector("[data-receipt-code]").textContent = receiptCode;
    receiptBox.hidden = false;
  }
  if (location.search && history.replaceState) { history.replaceState(null, "", location.pathname); }
  var startButton = document.querySelector(".startbtn");
  if (startButton && window.caches && navigator.onLine) {
    caches.open(PAGES).then(function (cache) {
      return Promise.all([START, root.getAttribute("data-interview")].map(function (url) {
        return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (reply) {
          if (reply.ok && !reply.redirected) { return cache.put(url, reply); }
        });
      }));
    }).catch(function () { /* offline right now; the service worker caches pages as they are visited */ });
  }

  var signout = document.querySelector("[data-signout]");
  if (signout) {
    signout.addEventListener("submit", function (event) {
      event.preventDefault();
      var warning = signout.querySelector("[data-signout-warning]");
      var anyway = event.submitter && event.submitter.hasAttribute("data-signout-anyway");
      if ((unsent || aside) && !anyway) {
        var text = signout.querySelector("[data-signout-text]");
        text.textContent = [unsent ? fill(text.getAttribute("data-msg"), unsent) : "",
                            aside ? fill(text.getAttribute("data-msg-aside"), aside) : ""].filter(Boolean).join(" ");
        warning.hidden = false;
        warning.querySelector("[data-signout-anyway]").focus();
        return;
      }
      // The next volunteer must not find this round's pages in the offline cache, nor this volunteer's key.
      var clear = window.caches ? caches.delete(PAGES) : Promise.resolve();
      var done = outbox ? outbox.signOut() : Promise.resolve();
      Promise.all([clear, done]).catch(function () {}).then(function () { signout.submit(); });
    });
  }

  // ---- interview page
  var form = document.querySelector("form.interview");
  if (!form) { return; }
  var button = form.querySelector("button[type=submit]");
  var notice = document.querySelector("[data-notice]");

  // The respondent's receipt code (Crockford base32, 60 bits), drawn here so it can be shown at once, also
  // offline; the server stores only its keyed hash (privacy/receipts.py).
  var CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  function newReceipt() {
    var bytes = new Uint8Array(12), out = "";
    crypto.getRandomValues(bytes);
    for (var i = 0; i < 12; i += 1) { out += CROCKFORD[bytes[i] & 31] + (i % 4 === 3 && i < 11 ? "-" : ""); }
    return out;
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function begin() {
    // The page may come from the offline cache and serve many interviews: each gets its own key.
    form.reset();
    form.elements.submission_key.value = newKey();
    form.elements.started.value = (Date.now() / 1000).toFixed(3);
  }
  // A page redrawn by a language or 大字版 switch is the same interview: its answers, key and start stay.
  if (!form.hasAttribute("data-keep")) { begin(); }
  window.addEventListener("pageshow", function (event) { if (event.persisted) { begin(); } });

  function showNotice(text) {
    notice.textContent = text;
    notice.hidden = !text;
    if (text) { notice.scrollIntoView({ block: "center" }); }
  }
  function clearErrors() {
    form.querySelectorAll(".error").forEach(function (p) { p.remove(); });
    form.querySelectorAll(".invalid").forEach(function (q) { q.classList.remove("invalid"); });
  }
  function mark(name, messages) {
    var field = form.elements[name];
    var element = field && (field.length && !field.tagName ? field[0] : field);
    var box = element && element.closest(".q, .contact");
    if (!box) { return; }
    box.classList.add("invalid");
    var head = box.querySelector("legend, .legend");
    (messages || []).forEach(function (message) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = message;
      if (head) { head.insertAdjacentElement("afterend", p); } else { box.prepend(p); }
    });
  }
  // The server's rules, checked on the tablet for interviews that must wait offline.
  function precheck() {
    var data = new FormData(form), bad = [], answered = false;
    form.querySelectorAll(".q").forEach(function (q) {
      var named = q.querySelector("input[name^=q_], textarea[name^=q_]");
      if (!named) { return; }
      var value = (data.get(named.name) || "").trim();
      if (value) { answered = true; }
      var max = parseInt(named.getAttribute("data-max") || "0", 10);
      if ((q.hasAttribute("data-required") && !value) || (max && value.length > max)) { bad.push(named.name); }
    });
    if (!data.get("role")) { bad.push("role"); }
    var phone = (data.get("contact") || "").replace(/[\s\-()（）]/g, "");
    var consent = !!data.get("contact_consent");
    if ((phone && !consent) || (consent && !phone) ||
        (phone && !/^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}\d{7,8})$/.test(phone))) { bad.push("contact"); }
    if (!answered && !bad.length) { bad.push(form.querySelector(".q[id^=q-]:not(#q-role) input, .q textarea").name); }
    bad.forEach(function (name) { mark(name, []); });
    return !bad.length;
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    if (!outbox) { return; }  // no IndexedDB: a plain form post, as without JavaScript
    if (event.submitter && event.submitter.name === "switch") { return; }  // redraw, nothing is sent
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    clearErrors();
    showNotice("");
    form.elements.finished.value = (Date.now() / 1000).toFixed(3);
    if (!form.elements.receipt.value) { form.elements.receipt.value = newReceipt(); }
    sessionStorage.setItem(RECEIPT_KEY, form.elements.receipt.value);  // shown on the start page, once
    var data = new FormData(form);
    data.delete("csrf_token");  // a fresh token is fetched for every send
    var item = { key: form.elements.submission_key.value, action: form.action, created: Date.now(),
                 body: new URLSearchParams(data).toString(), state: "live",
                 place: (document.querySelector(".place") || {}).textContent || "" };
    function again() { busy = false; setTimeout(function () { button.disabled = false; }, 0); }
    // Written before sending: if the tablet dies mid-request, the copy is replayed and stored once.
    outbox.put(item).then(function () {
      return outbox.status().then(function (state) {
        if (!state.signed_in) { return { kind: "signin" }; }
        return outbox.send(item, state);
      }).catch(function () { return { kind: "offline" }; });
    }, function () { return { kind: "nostore" }; }).then(function (result) {
      if (result.kind === "nostore") { throw new Error("no outbox key"); }
      if (result.kind === "done") {
        return outbox.remove(item.key).then(function () { goClean("saved"); });
      }
      if (result.kind === "refused") {
        // The respondent is still here: show what to fix instead of keeping a copy the server refused.
        return outbox.remove(item.key).then(function () {
          Object.keys(result.errors).forEach(function (name) { mark(name, result.errors[name]); });
          showNotice(result.message);
          again();
        });
      }
      if (!precheck()) {
        return outbox.remove(item.key).then(function () { showNotice(form.getAttribute("data-msg-check")); again(); });
      }
      return outbox.update(item.key, { state: "pending" }).then(function () { goClean("queued"); });
    }).catch(function () {
      form.submit();  // the tablet's storage failed: post the plain form (it keeps its own CSRF field)
    });
  });

  // ---- cancelling and the idle timeout both discard the interview, which can be brought back for a minute
  var cancel = document.querySelector("[data-cancel]");
  var discarded = document.querySelector("[data-discarded]");
  var restoreText = discarded.querySelector("[data-restore-text]");
  var restoreFor = parseFloat(form.getAttribute("data-restore")) * 1000;
  var snapshot = null, restoreTimer = null, restoreUntil = 0;

  function capture() {
    return Array.prototype.map.call(form.elements, function (e) { return [e.checked, e.value]; });
  }
  function apply(values) {
    Array.prototype.forEach.call(form.elements, function (e, i) {
      if (!values[i]) { return; }
      if (e.type === "radio" || e.type === "checkbox") { e.checked = values[i][0]; } else { e.value = values[i][1]; }
    });
  }
  function tickRestore() {
    var left = Math.ceil((restoreUntil - Date.now()) / 1000);
    if (left <= 0) { snapshot = null; goClean("cleared"); return; }
    restoreText.textContent = fill(restoreText.getAttribute("data-msg"), left);
  }
  function discard() {
    // Kept only in this page's memory: nothing of it is written anywhere, and it is gone after the minute.
    snapshot = capture();
    form.reset();
    overlay.hidden = true;
    cancel.open = false;
    form.hidden = cancel.hidden = true;
    discarded.hidden = false;
    restoreUntil = Date.now() + restoreFor;
    tickRestore();
    restoreTimer = setInterval(tickRestore, 250);
    discarded.querySelector("[data-restore]").focus();
  }
  function restore() {
    clearInterval(restoreTimer);
    if (snapshot) { apply(snapshot); }
    snapshot = null;
    form.hidden = cancel.hidden = false;
    discarded.hidden = true;
    touched();
  }
  discarded.querySelector("[data-restore]").addEventListener("click", restore);
  cancel.querySelector("[data-cancel-keep]").addEventListener("click", function () {
    cancel.open = false;
    cancel.querySelector("summary").focus();
  });
  cancel.querySelector("[data-cancel-confirm]").addEventListener("click", function (event) {
    event.preventDefault();
    discard();
  });

  // ---- idle: a loud, visible warning, then the half-finished interview is discarded (restorable)
  var idle = parseFloat(form.getAttribute("data-idle")) * 1000;
  var warn = parseFloat(form.getAttribute("data-warn")) * 1000;
  var overlay = document.querySelector("[data-idle-warning]");
  var countdown = overlay.querySelector("[data-countdown]");
  var last = Date.now(), lastBeep = 0, audio = null;
  function touched() {
    last = Date.now();
    overlay.hidden = true;
  }
  // Browsers let a page make sound only after a touch: the volunteer's first tap unlocks it.
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume().catch(function () {}); }
  }
  function beep() {
    if (navigator.vibrate) { navigator.vibrate([300, 150, 300]); }
    if (!audio) { return; }
    [0, 0.35].forEach(function (at) {
      var tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.4;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(audio.currentTime + at);
      tone.stop(audio.currentTime + at + 0.25);
    });
  }
  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, touched, { capture: true, passive: true });
  });
  document.addEventListener("pointerdown", unlockAudio, { capture: true, passive: true });
  overlay.querySelector("[data-continue]").addEventListener("click", touched);
  setInterval(function () {
    var quiet = Date.now() - last;
    if (busy || !idle || snapshot) { return; }
    if (quiet >= idle) {
      discard();
    } else if (quiet >= idle - warn) {
      countdown.textContent = String(Math.ceil((idle - quiet) / 1000));
      if (overlay.hidden) { overlay.hidden = false; overlay.querySelector("[data-continue]").focus(); }
      if (Date.now() - lastBeep >= 5000) { lastBeep = Date.now(); beep(); }
    }
  }, 250);
})();
