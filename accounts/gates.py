"""What a signed-in user must do before using the portal, in order: each gate is a URL or None."""

from django.urls import reverse

_GATES = []


def gate(func):
    _GATES.append(func)
    return func


def pending(request):
    for func in _GATES:
        target = func(request)
        if target:
            return target
    return None


@gate
def forced_password_change(request):
    if request.user.must_change_password:
        return reverse("accounts:password_change")
    return None
