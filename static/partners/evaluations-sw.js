/* Service worker of the evaluations (scope /partenaires/evaluations/): answers the pages prepared for
   offline work, and the static files, from the cache when the network is gone. Pages go to the network
   first (they are never stale while online); static files come from the cache first. */
"use strict";

const CACHE = "guichet-evaluations-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((hit) => hit || fetch(request).then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        }))
      )
    );
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith("/partenaires/evaluations/")) {
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(url.pathname)).then(
          (hit) => hit || new Response(
            "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Hors ligne</title>" +
            "<p>Cette page n'a pas été préparée pour le mode déconnecté.</p></html>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
          )
        )
      )
    );
  }
});
