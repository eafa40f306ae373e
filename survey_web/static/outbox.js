// The tablet's outbox: finished interviews kept in IndexedDB until the server has confirmed each one.
// Every copy is encrypted (AES-GCM, WebCrypto) with the signed-in volunteer's key, which the server
// hands out on /kiosk/status and the tablet keeps only in sessionStorage: IndexedDB never holds an
// answer or a phone number in clear, and nobody else signed in on the tablet can read or send them.
// A copy is deleted only after the server answered "stored" or "duplicate" (the submission key is
// unique there), so a replay after a lost answer stores nothing twice. A refusal, or an interview the
// server keeps failing on while others go through, is set aside with its reason and never blocks the
// rest; set-aside copies are deleted at sign-out.
(function () {
  "use strict";
  var DB = "kiosk", STORE = "sealed", LEGACY = "outbox", KEY_SLOT = "kiosk-outbox-key";
  var LIVE_GRACE_MS = 60000;  // an item being sent by the interview page itself; after this, sync takes over
  var MAX_FAILURES = 3;       // server errors on one interview (while /kiosk/status works) before it is set aside
  var BUSY = [408, 429, 503];  // the server is busy for everyone: stop and try again later
  var opening = null, running = null, rerun = false, listeners = [], keyPromise = null;
  var root = document.getElementById("kiosk");
  if (!root || !window.indexedDB || !window.fetch || !window.crypto || !crypto.subtle || !window.sessionStorage) {
    return;  // no safe storage (e.g. plain http): interviews are posted as plain forms
  }

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB, 2);
        request.onupgradeneeded = function () {
          // Version 1 kept copies in clear in LEGACY; sealLegacy() encrypts them once a key is known.
          request.result.createObjectStore(STORE, { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }
  function transaction(mode, work, name) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name || STORE, mode);
        var request = work(tx.objectStore(name || STORE));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function all() { return transaction("readonly", function (store) { return store.getAll(); }); }
  function store(record) { return transaction("readwrite", function (s) { return s.put(record); }).then(changed); }
  function remove(key) { return transaction("readwrite", function (s) { return s.delete(key); }).then(changed); }
  // Update only if the item is still there: a refusal must not bring back a copy already deleted.
  function update(key, fields) {
    return transaction("readwrite", function (s) {
      var request = s.get(key);
      request.onsuccess = function () {
        if (request.result) { s.put(Object.assign(request.result, fields)); }
      };
    }).then(changed);
  }
  function changed() {
    return all().then(function (items) { listeners.forEach(function (fn) { fn(items); }); });
  }

  // ---- the volunteer's key
  function bytes(b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); }
  function base64(buffer) { return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer))); }
  function importKey(saved) {
    return crypto.subtle.importKey("raw", bytes(saved.key), "AES-GCM", false, ["encrypt", "decrypt"])
      .then(function (key) { return { id: saved.id, key: key }; });
  }
  function remember(state) {
    if (state.signed_in && state.outbox_key) {
      var saved = { id: state.outbox_key_id, key: state.outbox_key, signIn: state.sign_in };
      var before = JSON.parse(sessionStorage.getItem(KEY_SLOT) || "null");
      if (!before || before.signIn !== saved.signIn || before.key !== saved.key) {
        // A new sign-in since this tab last asked (the volunteer may have left without the kiosk's
        // sign-out button): what was set aside before goes now, as it would have at that sign-out.
        if (before) { dropSetAside(null); }
        sessionStorage.setItem(KEY_SLOT, JSON.stringify(saved));
        keyPromise = null;
      }
    } else {
      forget();
      if (!state.signed_in) { dropSetAside(null); }  // signed out on the server (say, idle): refusals go too
    }
    return state;
  }
  function forget() { sessionStorage.removeItem(KEY_SLOT); keyPromise = null; }
  function currentKey() {
    if (!keyPromise) {
      var saved = JSON.parse(sessionStorage.getItem(KEY_SLOT) || "null");
      keyPromise = saved ? importKey(saved) : status().then(function () {
        var fetched = JSON.parse(sessionStorage.getItem(KEY_SLOT) || "null");
        if (!fetched) { throw new Error("no key"); }
        return importKey(fetched);
      });
      keyPromise.catch(function () { keyPromise = null; });
    }
    return keyPromise;
  }
  function seal(plain) {
    return currentKey().then(function (k) {
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var data = new TextEncoder().encode(JSON.stringify(plain));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, k.key, data).then(function (sealed) {
        return { kid: k.id, iv: base64(iv), data: base64(sealed) };
      });
    });
  }
  function unseal(item) {
    return currentKey().then(function (k) {
      if (item.kid !== k.id) { throw new Error("another volunteer's interview"); }
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(item.iv) }, k.key, bytes(item.data));
    }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }
  // Store ITEM ({key, action, body, place, created, state}): only key, times and state stay readable.
  function put(item) {
    return seal({ action: item.action, body: item.body, place: item.place }).then(function (sealed) {
      return store(Object.assign({ key: item.key, created: item.created, state: item.state, failures: 0,
                                   reason: item.reason }, sealed));
    });
  }
  // Copies left in clear by the previous version of this file: encrypted under the first key that comes
  // along, then deleted in clear (the server decides whose they are when they are sent).
  function sealLegacy() {
    return open().then(function (db) {
      if (!db.objectStoreNames.contains(LEGACY)) { return; }
      return transaction("readonly", function (s) { return s.getAll(); }, LEGACY).then(function (items) {
        return Promise.all(items.map(function (item) {
          return put(Object.assign({}, item, { state: setAside(item) ? "refused" : "pending" })).then(function () {
            return transaction("readwrite", function (s) { return s.delete(item.key); }, LEGACY);
          });
        }));
      });
    });
  }
  // This volunteer's copies; before the key is known (the page has just loaded), every copy may be.
  function mine(items) {
    var saved = JSON.parse(sessionStorage.getItem(KEY_SLOT) || "null");
    return items.filter(function (item) { return !saved || item.kid === saved.id; });
  }
  function setAside(item) { return item.state === "refused" || item.state === "aside"; }
  // Delete set-aside copies (all, or all but those of key KEEP).
  function dropSetAside(keep) {
    return all().then(function (items) {
      return Promise.all(items.filter(function (item) { return setAside(item) && item.kid !== keep; })
        .map(function (item) { return remove(item.key); }));
    }).catch(function () {});
  }

  function status() {
    return fetch(root.getAttribute("data-status"), {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (reply) { return reply.json(); }).then(remember);
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
    else if (BUSY.indexOf(code) >= 0) { kind = "later"; }
    else if (code >= 500 || code === 404) { kind = "failed"; }  // maybe this interview, maybe the server
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

  // Send this volunteer's waiting interviews, oldest first. No network or no sign-in stops the run; a
  // refusal sets that interview aside; a server error skips it (the rest are still sent), and after
  // MAX_FAILURES of those it is set aside too: the run only starts once /kiosk/status answered, so the
  // server itself works and the failure is this interview's own. One bad interview never holds up the rest.
  // A call during a run (say the network came back while an offline attempt was failing) runs once
  // more after it, instead of waiting for the next timer.
  function sync() {
    if (running) { rerun = true; return running; }
    running = status().then(function (state) {
      if (!state.signed_in || !state.outbox_key) { return "signin"; }  // no key: not an enrolled tablet
      return sealLegacy().then(all).then(function (items) {
        var now = Date.now();
        var waiting = mine(items).filter(function (item) {
          return item.state === "pending" || (item.state === "live" && now - item.created > LIVE_GRACE_MS);
        }).sort(function (a, b) { return a.created - b.created; });
        var next = function (i) {
          if (i >= waiting.length) { return "idle"; }
          var item = waiting[i];
          return unseal(item).then(function (plain) {
            return sendWithFreshToken(plain, state);
          }, function () {
            return { kind: "refused", message: "" };  // cannot be read with this key: leave it alone
          }).then(function (result) {
            if (result.kind === "done") { return remove(item.key).then(function () { return next(i + 1); }); }
            if (result.kind === "refused" && result.message) {
              return update(item.key, { state: "refused", reason: result.message }).then(function () { return next(i + 1); });
            }
            if (result.kind === "failed") {
              var failures = (item.failures || 0) + 1;
              return update(item.key, { failures: failures, reason: result.message,
                                        state: failures >= MAX_FAILURES ? "aside" : item.state })
                .then(function () { return next(i + 1); });
            }
            if (result.kind === "refused") { return next(i + 1); }
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

  // Put a set-aside interview back in the queue (the volunteer asked to try again).
  function retry(key) { return update(key, { state: "pending", failures: 0 }).then(sync); }
  // Signing out: the key leaves the tablet and set-aside copies are deleted; waiting ones stay,
  // encrypted, until the same volunteer signs in here again.
  function signOut() { return dropSetAside(null).then(forget); }

  window.kioskOutbox = {
    all: all, put: put, remove: remove, update: update, sync: sync, status: status, retry: retry,
    signOut: signOut, mine: mine, setAside: setAside,
    send: sendWithFreshToken, onChange: function (fn) { listeners.push(fn); }
  };
})();
