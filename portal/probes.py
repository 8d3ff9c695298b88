"""Answers the probes before any other middleware: no session, no user, no database of the request's own."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

HEALTHZ_PATHS = ("/healthz", "/healthz/")
READYZ_PATHS = ("/readyz", "/readyz/")


class ProbesMiddleware:
    """`/healthz` says the process answers; nothing it needs may be down. It is answered here, before the
    session and authentication middleware (which read the database when the probe carries a cookie).
    `/readyz` too: its own checks are bounded (portal.views.readyz), a session read would not be."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTHZ_PATHS and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok"})
            add_never_cache_headers(response)
            return response
        if request.path_info in READYZ_PATHS and request.method in ("GET", "HEAD"):
            from .views import readyz

            return readyz(request)
        return self.get_response(request)
