"""Answers the liveness probe before any other middleware: no session, no user, no database."""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

HEALTHZ_PATHS = ("/healthz", "/healthz/")


class HealthzMiddleware:
    """`/healthz` says the process answers; nothing it needs may be down. It is answered here, before the
    session and authentication middleware (which read the database when the probe carries a cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTHZ_PATHS and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok"})
            add_never_cache_headers(response)
            return response
        return self.get_response(request)
