// Kiosk service worker (served as /kiosk/sw.js, so it controls only the kiosk pages).
// Pages and assets are network-first: online the tablet always shows the current server's pages;
// offline it falls back to the last copies, so a volunteer can finish and start interviews without
// Wi-Fi. Only the blank start and interview pages are kept, never a page with answers in it (POSTs
// are not touched here: the page's outbox keeps finished interviews in IndexedDB).
"use strict";
var PAGES = "kiosk-pages";          // also written by kiosk.js; cleared on sign-out
var ASSETS = "kiosk-assets-v1";
var SCOPE = new URL(self.registration.scope).pathname;   // "/kiosk/"
var KEPT_PAGES = [SCOPE, SCOPE + "interview"];

self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== ASSETS;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function cached(cacheName, key) {
  return caches.open(cacheName).then(function (cache) { return cache.match(key); });
}

// KEEP says whether this reply may become the offline copy (a signed-in, blank, successful page).
function networkFirst(request, cacheName, key, keep) {
  return fetch(request).then(function (reply) {
    if (keep && reply.ok && !reply.redirected && reply.type === "basic") {
      var copy = reply.clone();
      caches.open(cacheName).then(function (cache) { return cache.put(key, copy); });
    }
    if (reply.status >= 500) {  // the server is down: for the volunteer that is the same as no Wi-Fi
      return cached(cacheName, key).then(function (hit) { return hit || reply; });
    }
    return reply;
  }).catch(function (error) {
    return cached(cacheName, key).then(function (hit) {
      if (hit) { return hit; }
      throw error;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && KEPT_PAGES.indexOf(url.pathname) >= 0) {
    // One copy per page, served offline whatever the query (?done=saved, ?lang=...); only a page
    // fetched without a query becomes that copy, so it never carries a one-off message.
    event.respondWith(networkFirst(request, PAGES, url.pathname, !url.search));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, ASSETS, url.pathname, true));
  }
});
