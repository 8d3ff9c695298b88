"""Missions and contracts, signed by SMS code and sealed, with a hash-chained audit trail."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateModelFileField
from core.models import Decided

from ..enums import (
    AuditEvent,
    ContractState,
)
from .agency import Agency, ClientCompany, Qualification
from .tokens import new_verification_code
from .workers import Worker

# --- Missions and contracts ---------------------------------------------------------------------


class Mission(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="missions")
    client = models.ForeignKey(ClientCompany, on_delete=models.PROTECT, related_name="missions")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="missions")
    place_name = models.CharField(_("lieu de mission"), max_length=200, blank=True)
    street = models.CharField(_("adresse"), max_length=200)
    town = models.CharField(_("ville"), max_length=100)
    postcode = models.CharField(_("code postal"), max_length=5)
    access = models.CharField(_("moyen d'accès"), max_length=200, default=_("Par ses propres moyens"))
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    hours = models.CharField(_("horaires"), max_length=60, default="13:30-20:30")
    # Daily hours and working days (ISO weekday digits, "12345" = Monday to Friday): the planning's
    # slots of a contract are made from them (interim/missions.py). Null times: no slots.
    start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    end_time = models.TimeField(_("heure de fin"), null=True, blank=True)
    weekdays = models.CharField(_("jours travaillés"), max_length=7, default="12345")
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    hourly_rate = models.DecimalField(_("taux horaire brut"), max_digits=6, decimal_places=2, default=Decimal("12.00"))

    class Meta:
        verbose_name = _("mission")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="interim_mission_dates")
        ]

    def __str__(self):
        return f"{self.qualification.label} · {self.client}"


class Contract(Decided):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="contracts")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="contracts")
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(_("référence"), max_length=20)
    state = models.CharField(_("état"), max_length=10, choices=ContractState.choices, default=ContractState.AWAITING)
    notes = models.CharField(_("divers"), max_length=200, blank=True)
    document = PrivateModelFileField(_("contrat de mission"), prefix="interim/contracts")
    document_sha256 = models.CharField(max_length=64, blank=True)
    sign_before = models.DateTimeField(_("à signer avant le"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    signed_document = PrivateModelFileField(_("contrat signé"), prefix="interim/signed", blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    evidence = PrivateModelFileField(_("fichier de preuve"), prefix="interim/evidence", blank=True)
    verification_code = models.CharField(max_length=14, unique=True, default=new_verification_code)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("contrat")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["agency", "reference"], name="interim_contract_reference")]
        indexes = [
            models.Index(fields=["worker", "-created_at"], name="interim_contract_worker"),
            # The agency's Contrats list, newest first (its default order): a top-N index scan at 200,000.
            models.Index(fields=["agency", "-created_at", "-id"], name="interim_contract_agency_recent"),
        ]

    def __str__(self):
        return self.reference


class ContractAuditEntry(models.Model):
    """One step of a contract's life, append-only; each entry carries the hash of the one before."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="audit")
    position = models.PositiveIntegerField()
    event = models.CharField(max_length=20, choices=AuditEvent.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["contract", "position"]
        constraints = [models.UniqueConstraint(fields=["contract", "position"], name="interim_audit_position")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Le journal d'un contrat ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Le journal d'un contrat ne se supprime pas."))

    def payload(self):
        return {
            "contract": self.contract_id,
            "position": self.position,
            "event": self.event,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "data": self.data,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self):
        canonical = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()
