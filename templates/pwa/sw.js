{% autoescape off %}/* Service worker of the portal (docs/pwa.md). Served by blitar_portal/core/views_pwa.py at /sw.js. */
"use strict";

const VERSION = "VERSION";
const PRECACHE = "precache-" + VERSION; // replaced on every deploy that changes a precached file
const PAGES = "pages-v1"; // pages the person opened: kept across updates, trimmed to MAX_PAGES
const RUNTIME = "runtime-v1"; // static files and map outlines met while browsing, trimmed to MAX_RUNTIME
const MAX_PAGES = 40;
const MAX_RUNTIME = 80;
const PRECACHE_URLS = {{ precache }};
const OFFLINE_URL = {{ offline_url }};
// Never stored: the admin, sign-in and account pages, the API, personal data behind a code.
const NOT_STORED = [/^\/admin\//, /^\/akun\//, /^\/api\//, /\/data-saya\//, /^\/i18n\//, /^\/sw\.js$/];
const OUTLINES = [/^\/wilayah\//, /^\/tanam\/wilayah\.geojson$/, /^\/kesehatan\/rs\.geojson$/];

importScripts({{ outbox_js }});

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(PRECACHE).then((cache) => cache.addAll(PRECACHE_URLS)));
  // Not skipWaiting(): a new version waits until the person accepts "Versi baru tersedia" (pwa.js).
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("precache-") && n !== PRECACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  if (data.type === "FORGET_PAGES") event.waitUntil(caches.delete(PAGES));
  if (data.type === "OUTBOX_FLUSH") event.waitUntil(flushOutbox());
});

self.addEventListener("sync", (event) => {
  if (event.tag === BlitarOutbox.SYNC_TAG) event.waitUntil(flushOutbox());
});

function flushOutbox() {
  return BlitarOutbox.flush().then((sent) => {
    if (!sent) return;
    return self.clients.matchAll({ includeUncontrolled: true }).then((clients) => {
      clients.forEach((client) => client.postMessage({ type: "OUTBOX_CHANGED" }));
    });
  });
}

// Web Push (docs/notifications.md): the channel sends {"title", "body", "url", "tag"}.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Blitar Smart City", {
      body: data.body || "",
      tag: data.tag || undefined,
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only the portal's own pages
  event.waitUntil(self.clients.openWindow(target.href));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // map tiles and the like: the browser's own way
  if (request.mode === "navigate") {
    event.respondWith(navigation(request, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (OUTLINES.some((re) => re.test(url.pathname))) {
    event.respondWith(networkFirst(request));
  }
});

function storable(url, response) {
  const type = response.headers.get("Content-Type") || "";
  return response.ok && response.type === "basic" && !response.redirected && type.startsWith("text/html") &&
    !NOT_STORED.some((re) => re.test(url.pathname));
}

async function navigation(request, url) {
  try {
    const response = await fetch(request);
    if (storable(url, response)) {
      const copy = response.clone();
      // The fetch time travels with the copy: the page says "data per 14:05" when read offline.
      const headers = new Headers(copy.headers);
      headers.set("X-Fetched-At", new Date().toISOString());
      const body = await copy.text();
      const cache = await caches.open(PAGES);
      await cache.delete(url.pathname + url.search); // put again at the end: trim() drops the oldest
      await cache.put(url.pathname + url.search, new Response(body, { status: 200, headers: headers }));
      trim(PAGES, MAX_PAGES);
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const saved = await cache.match(url.pathname + url.search);
    if (saved) {
      const fetchedAt = saved.headers.get("X-Fetched-At") || "";
      const html = (await saved.text()).replace('data-offline-at=""', 'data-offline-at="' + fetchedAt + '"');
      return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    const offline = await caches.match(OFFLINE_URL);
    return offline || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(RUNTIME);
  const cached = (await caches.match(request)) || null;
  const update = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone()).then(() => trim(RUNTIME, MAX_RUNTIME));
      return response;
    })
    .catch(() => cached);
  return cached || update;
}

async function networkFirst(request) {
  const cache = await caches.open(RUNTIME);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(request)) || Response.error();
  }
}

async function trim(name, max) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  // Cache keys come in insertion order: the first ones are the oldest.
  for (const key of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(key);
}
{% endautoescape %}
