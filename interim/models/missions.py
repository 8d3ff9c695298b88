"""The agency's back office around missions: contract amendments (a date changed) and targetings
(a mission offered to qualified, available workers; one is assigned, the others told at closing)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateModelFileField
from core.models import Decided

from ..enums import OfferState, TargetingState
from .agency import Agency
from .contracts import Contract, Mission
from .workers import Worker


class ContractAmendment(models.Model):
    """A change of the dates of a contract: what they were, and the documents they were in (kept)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("avenant n°"))
    previous_start = models.DateField(_("ancien début"))
    previous_end = models.DateField(_("ancienne fin"))
    start_date = models.DateField(_("nouveau début"))
    end_date = models.DateField(_("nouvelle fin"))
    was_signed = models.BooleanField(_("le contrat était signé"), default=False)
    previous_document = PrivateModelFileField(_("document précédent"), prefix="interim/contracts", blank=True)
    previous_document_sha256 = models.CharField(max_length=64, blank=True)
    previous_signed_document = PrivateModelFileField(_("contrat signé précédent"), prefix="interim/signed", blank=True)
    previous_signed_sha256 = models.CharField(max_length=64, blank=True)
    previous_signed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("avenant")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="interim_amendment_number")]

    def __str__(self):
        return f"{self.contract} · avenant {self.number}"


class Targeting(Decided):
    """A mission offered to workers. Closing it tells those not assigned ("Fermeture d'un ciblage")."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="targetings")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="targetings")
    state = models.CharField(_("état"), max_length=10, choices=TargetingState.choices, default=TargetingState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ciblage")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission"], condition=Q(state="open"), name="interim_targeting_one_open_per_mission"
            )
        ]

    def __str__(self):
        return f"Ciblage {self.mission}"


class TargetingOffer(Decided):
    """One worker's offer of a targeting, and their answer."""

    targeting = models.ForeignKey(Targeting, on_delete=models.CASCADE, related_name="offers")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="offers")
    state = models.CharField(_("état"), max_length=10, choices=OfferState.choices, default=OfferState.OFFERED)
    offered_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("proposition de mission")
        ordering = ["-offered_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["targeting", "worker"], name="interim_offer_once")]
        indexes = [models.Index(fields=["worker", "-offered_at"], name="interim_offer_worker")]

    def __str__(self):
        return f"{self.targeting} · {self.worker}"
