"""`reverse(name)` of the argument-less URLs the shell and the gates ask on every request, computed
once per process (per script prefix and URLconf; forgotten when a test changes ROOT_URLCONF).

    from accounts.reversing import url
    url("accounts:logout")   # "/compte/deconnexion/"; None if the name does not resolve
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_URLS: dict[tuple, str | None] = {}


def url(name):
    key = (name, get_script_prefix(), get_urlconf())
    try:
        return _URLS[key]
    except KeyError:
        try:
            found = reverse(name)
        except NoReverseMatch:
            found = None
        _URLS[key] = found
        return found


@receiver(setting_changed, dispatch_uid="accounts.reversing.forget")
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _URLS.clear()
