"""The side-channel device that sends and checks a contract's signature code."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin

from .contracts import Contract

# --- Signature by SMS code -----------------------------------------------------------------------


class ContractSignDevice(ThrottlingMixin, CooldownMixin, SideChannelDevice):
    """A django-otp side-channel device for one contract and one exact document (its SHA-256).

    Its code (6 digits, 10 minutes, single use) signs only this contract, and only while the document
    still has this hash. Wrong codes are throttled (django-otp's growing delay) and counted: after
    SIGNATURE_MAX_ATTEMPTS the code is void and a new one must be asked. A new code waits for the
    cooldown (60 s).
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="sign_devices")
    document_sha256 = models.CharField(max_length=64)
    phone = models.CharField(max_length=20)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta(SideChannelDevice.Meta):
        verbose_name = _("code de signature")
        constraints = [models.UniqueConstraint(fields=["contract", "user"], name="interim_sign_device")]

    def get_throttle_factor(self):
        return getattr(settings, "INTERIM_SIGNATURE_THROTTLE_FACTOR", 1)

    def get_cooldown_duration(self):
        return getattr(settings, "INTERIM_SIGNATURE_RESEND_SECONDS", 60)
