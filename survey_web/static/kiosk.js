// Kiosk pages on a shared tablet: offline pages (service worker), the outbox count, a clean start for
// every respondent (location.replace: no history entries), the idle wipe, and the sign-out warning.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  var outbox = window.kioskOutbox;
  if (!root) { return; }
  var START = root.getAttribute("data-start");
  var PAGES = "kiosk-pages";  // must match sw.js

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
  var unsent = 0;

  function render(items) {
    var pending = items.filter(function (i) { return i.state !== "refused"; });
    var refused = items.filter(function (i) { return i.state === "refused"; });
    unsent = items.length;
    if (badge) {
      badge.hidden = !items.length;
      badge.textContent = fill(badge.getAttribute("data-msg"), items.length);
    }
    if (!panel) { return; }
    panel.hidden = false;
    // Once everything is sent, "kept on this tablet" and the sign-out warning are no longer true.
    var queued = document.querySelector("[data-flash=queued]");
    if (queued && !pending.length) { queued.hidden = true; }
    var warning = document.querySelector("[data-signout-warning]");
    if (warning && !items.length) { warning.hidden = true; }
    panel.classList.toggle("ok", !items.length);
    panel.classList.toggle("pending", !!items.length);
    var state = panel.querySelector("[data-outbox-state]");
    var detail = panel.querySelector("[data-outbox-detail]");
    state.textContent = pending.length ? fill(panel.getAttribute("data-msg-unsent"), pending.length)
      : refused.length ? fill(panel.getAttribute("data-msg-refused"), refused.length)
      : panel.getAttribute("data-msg-all-sent");
    detail.textContent = !pending.length ? ""
      : lastOutcome === "signin" ? panel.getAttribute("data-msg-signin")
      : lastOutcome === "offline" || !navigator.onLine ? panel.getAttribute("data-msg-offline") : "";
    panel.querySelectorAll("[data-send-now]").forEach(function (b) { b.hidden = !pending.length; });
    var list = panel.querySelector("[data-refused]");
    list.textContent = "";
    refused.forEach(function (item) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      text.textContent = new Date(item.created).toLocaleString() + " · " + (item.place || "") + " — " + item.reason;
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
      li.appendChild(text);
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
      if (unsent && !anyway) {
        var text = signout.querySelector("[data-signout-text]");
        text.textContent = fill(text.getAttribute("data-msg"), unsent);
        warning.hidden = false;
        warning.querySelector("[data-signout-anyway]").focus();
        return;
      }
      // The next volunteer must not find this round's pages in the offline cache.
      var clear = window.caches ? caches.delete(PAGES) : Promise.resolve();
      clear.catch(function () {}).then(function () { signout.submit(); });
    });
  }

  // ---- interview page
  var form = document.querySelector("form.interview");
  if (!form) { return; }
  var button = form.querySelector("button[type=submit]");
  var notice = document.querySelector("[data-notice]");

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
  begin();
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
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    clearErrors();
    showNotice("");
    form.elements.finished.value = (Date.now() / 1000).toFixed(3);
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
      });
    }).catch(function () { return { kind: "offline" }; }).then(function (result) {
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

  // ---- idle wipe: a half-finished interview must not wait for the next person who picks up the tablet
  var idle = parseFloat(form.getAttribute("data-idle")) * 1000;
  var warn = parseFloat(form.getAttribute("data-warn")) * 1000;
  var overlay = document.querySelector("[data-idle-warning]");
  var countdown = overlay.querySelector("[data-countdown]");
  var last = Date.now();
  function touched() {
    last = Date.now();
    overlay.hidden = true;
  }
  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, touched, { capture: true, passive: true });
  });
  overlay.querySelector("[data-continue]").addEventListener("click", touched);
  setInterval(function () {
    var quiet = Date.now() - last;
    if (busy || !idle) { return; }
    if (quiet >= idle + warn) {
      form.reset();
      goClean("cleared");
    } else if (quiet >= idle) {
      countdown.textContent = String(Math.ceil((idle + warn - quiet) / 1000));
      if (overlay.hidden) { overlay.hidden = false; overlay.querySelector("[data-continue]").focus(); }
    }
  }, 250);
})();
