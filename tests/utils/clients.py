"""The one way a test signs a user in on Django's test client.

    from tests.utils.clients import sign_in

    sign_in(client, user)                       # past every gate: consent, second factor where needed
    sign_in(client, user, consent=False)        # the consent page still to come
    sign_in(client, user, second_factor=True)   # verified with a TOTP device even if not required
    sign_in(client, user, second_factor=False)  # no device: a privileged user meets the enrolment page

Tests of the login form itself post to accounts:login instead (that is what they test).
"""

from django.test import Client


def sign_in(client: Client, user, *, consent: bool = True, second_factor: bool | None = None) -> Client:
    """Signs `user` in on `client` (force_login) and returns the client.

    consent: accept every consent text first, so that the consent gate lets the user through.
    second_factor: True verifies the session with the user's TOTP device (one is created if needed);
    False leaves the session unverified; None (default) verifies it when the user must have a second
    factor (privileged role, staff) or already has a confirmed device.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import ConsentAcceptance, ConsentText
    from accounts.services.otp import otp_required_for

    if consent:
        for text in ConsentText.objects.all():
            ConsentAcceptance.objects.get_or_create(user=user, text=text)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if second_factor is None:
        second_factor = device is not None or otp_required_for(user)
    client.force_login(user)
    if second_factor:
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def signed_in_client(user, **options) -> Client:
    """A new test client with `user` signed in (for a second user beside the `client` fixture)."""
    return sign_in(Client(), user, **options)
