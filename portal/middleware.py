"""Cross-cutting HTTP behaviour of the shell."""

from django.utils.cache import patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """Responses to a signed-in user carry `Cache-Control: no-store, private`.

    A page or a file shown to a signed-in person (a request, an IBAN, a temporary password) must
    not stay in a shared computer's browser cache or in a proxy. Public pages keep their headers.
    Sits after AuthenticationMiddleware; static files are answered earlier by WhiteNoise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
