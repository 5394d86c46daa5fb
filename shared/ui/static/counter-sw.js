// The counter's service worker: the counter page and its files kept in the browser, so that
// the counter opens without network. It only answers the counter page (/guichet, network
// first, the last copy without network) and the versioned static files (kept once, they never
// change). Donations are never sent from here: the page keeps them and sends them itself.
"use strict";

const CACHE = "boucle-guichet-1";
const COUNTER = "/guichet";
const PATIENCE_MS = 8000; // a weak signal: after this, the copy kept answers the counter page

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) { return name.startsWith("boucle-guichet-") && name !== CACHE; })
          .map(function (name) { return caches.delete(name); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

// The copy of the counter page of a point: one per point, whatever the query said besides.
function copyOf(url) {
  const point = url.searchParams.get("point");
  return COUNTER + (point ? "?point=" + encodeURIComponent(point) : "");
}

// A rendering worth keeping: the empty form, not a confirmation nor the choice of a point.
function keepable(url, response) {
  return (
    response.ok && response.type === "basic" && !response.redirected &&
    !url.searchParams.has("enregistre") && !url.searchParams.has("choisir")
  );
}

async function counterPage(request) {
  const url = new URL(request.url);
  const cache = await caches.open(CACHE);
  const fromNetwork = fetch(request).then(function (response) {
    if (keepable(url, response)) cache.put(copyOf(url), response.clone());
    return response;
  });
  let timer = null;
  const patience = new Promise(function (resolve) {
    timer = setTimeout(resolve, PATIENCE_MS);
  });
  try {
    const answer = await Promise.race([fromNetwork, patience]);
    if (answer) return answer;
  } catch (error) {
    // no network: the copy kept below
  } finally {
    clearTimeout(timer);
  }
  // Only this point's copy: another point's form would register donations there.
  const kept = await cache.match(copyOf(url));
  return kept || fromNetwork;
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === COUNTER) {
    event.respondWith(counterPage(request));
  } else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    event.respondWith(staticFile(request));
  }
});

// The page opened before this worker served it asks for its own copy and its files; older
// versions of those files are let go.
async function keep(page, files) {
  const cache = await caches.open(CACHE);
  const wanted = files.map(function (file) { return new URL(file, self.location); });
  const names = new Set(wanted.map(function (url) { return url.pathname; }));
  const hrefs = new Set(wanted.map(function (url) { return url.href; }));
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (names.has(url.pathname) && !hrefs.has(url.href)) await cache.delete(request);
  }
  for (const file of files) {
    if (!(await cache.match(file))) await cache.add(file);
  }
  if (page && !(await cache.match(page))) {
    const response = await fetch(page, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (keepable(new URL(page, self.location), response)) await cache.put(page, response);
  }
}

// Once all is kept, the page is told, so the collector knows the counter opens without network.
self.addEventListener("message", function (event) {
  const data = event.data || {};
  if (!data.keep) return;
  event.waitUntil(
    keep(data.page, data.keep).then(async function () {
      const cache = await caches.open(CACHE);
      const all = await Promise.all([data.page].concat(data.keep).map(function (url) {
        return cache.match(url);
      }));
      if (all.every(Boolean) && event.source) event.source.postMessage({ kept: data.page });
    }).catch(function () {})
  );
});
