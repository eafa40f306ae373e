// The tablet's outbox: finished interviews kept in IndexedDB until the server has confirmed each one.
// A copy is deleted only after the server answered "stored" or "duplicate" (the submission key is
// unique there), so a replay after a lost answer stores nothing twice. Refusals stay, with the
// server's reason, until the volunteer discards them.
(function () {
  "use strict";
  var DB = "kiosk", STORE = "outbox";
  var LIVE_GRACE_MS = 60000;  // an item being sent by the interview page itself; after this, sync takes over
  var opening = null, running = null, rerun = false, listeners = [];
  var root = document.getElementById("kiosk");
  if (!root || !window.indexedDB || !window.fetch) { return; }

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }
  function transaction(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function all() { return transaction("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return transaction("readwrite", function (store) { return store.put(item); }).then(changed); }
  function remove(key) { return transaction("readwrite", function (store) { return store.delete(key); }).then(changed); }
  // Update only if the item is still there: a refusal must not bring back a copy already deleted.
  function update(key, fields) {
    return transaction("readwrite", function (store) {
      var request = store.get(key);
      request.onsuccess = function () {
        if (request.result) { store.put(Object.assign(request.result, fields)); }
      };
    }).then(changed);
  }
  function changed() {
    return all().then(function (items) { listeners.forEach(function (fn) { fn(items); }); });
  }

  function status() {
    return fetch(root.getAttribute("data-status"), {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (reply) { return reply.json(); });
  }
  // One POST. Resolves {kind, status, message, errors}; rejects only when the network failed.
  function send(item, csrf) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 20000);
    return fetch(item.action, {
      method: "POST", body: item.body, credentials: "same-origin", redirect: "error",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded",
                 "X-CSRFToken": csrf || "" },
      signal: controller ? controller.signal : undefined
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (data) {
        return classify(reply.status, data);
      });
    }).finally(function () { if (timer) { clearTimeout(timer); } });
  }
  function classify(code, data) {
    var kind;
    if (code === 200 || code === 201) { kind = "done"; }
    else if (data.status === "csrf") { kind = "csrf"; }
    else if (code === 401 || data.status === "forbidden") { kind = "signin"; }
    else if (code >= 500 || code === 408 || code === 429 || code === 404) { kind = "later"; }
    else { kind = "refused"; }
    return { kind: kind, code: code, status: data.status, message: data.message || ("HTTP " + code),
             errors: data.errors || {} };
  }
  function sendWithFreshToken(item, state) {
    return send(item, state.csrf).then(function (result) {
      if (result.kind !== "csrf") { return result; }
      return status().then(function (fresh) { state.csrf = fresh.csrf; return send(item, fresh.csrf); });
    });
  }

  // Send every waiting interview, oldest first; stops at the first sign of no network or no sign-in.
  // A call during a run (say the network came back while an offline attempt was failing) runs once
  // more after it, instead of waiting for the next timer.
  function sync() {
    if (running) { rerun = true; return running; }
    running = all().then(function (items) {
      var now = Date.now();
      var waiting = items.filter(function (item) {
        return item.state === "pending" || (item.state === "live" && now - item.created > LIVE_GRACE_MS);
      }).sort(function (a, b) { return a.created - b.created; });
      if (!waiting.length) { return "idle"; }
      return status().then(function (state) {
        if (!state.signed_in) { return "signin"; }
        var next = function (i) {
          if (i >= waiting.length) { return "idle"; }
          var item = waiting[i];
          return sendWithFreshToken(item, state).then(function (result) {
            if (result.kind === "done") { return remove(item.key).then(function () { return next(i + 1); }); }
            if (result.kind === "refused") {
              return update(item.key, { state: "refused", reason: result.message }).then(function () { return next(i + 1); });
            }
            return result.kind === "signin" ? "signin" : "later";
          });
        };
        return next(0);
      });
    }).catch(function () { return "offline"; }).then(function (outcome) {
      running = null;
      if (rerun) { rerun = false; return sync(); }
      return changed().then(function () { return outcome; });
    });
    return running;
  }

  window.kioskOutbox = {
    all: all, put: put, remove: remove, update: update, sync: sync, status: status,
    send: sendWithFreshToken, onChange: function (fn) { listeners.push(fn); }
  };
})();
