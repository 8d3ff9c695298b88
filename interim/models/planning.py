"""Advances, planning slots, absences and availabilities."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Decided

from ..enums import (
    AbsenceCode,
    AdvanceState,
    AvailabilityKind,
    SlotState,
)
from .contracts import Contract
from .workers import Worker

# --- Advances, planning, availabilities --------------------------------------------------------


class Advance(Decided):
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="advances")
    amount = models.DecimalField(
        _("montant"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    state = models.CharField(_("état"), max_length=10, choices=AdvanceState.choices, default=AdvanceState.PENDING)
    payment_date = models.DateField(_("date de versement prévue"))
    paid_at = models.DateTimeField(_("versé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande d'acompte")
        verbose_name_plural = _("demandes d'acompte")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="interim_advance_positive")]


class PlanningSlot(Decided):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="slots")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    start = models.TimeField(_("début"))
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), validators=[MaxValueValidator(24 * 60)])
    state = models.CharField(_("état"), max_length=10, choices=SlotState.choices, default=SlotState.PENDING)

    class Meta:
        verbose_name = _("créneau")
        ordering = ["date", "start", "pk"]
        indexes = [models.Index(fields=["worker", "date"], name="interim_slot_worker_date")]

    @property
    def hours(self):
        return Decimal(self.minutes) / 60


class Absence(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="absences")
    date = models.DateField(_("date"))
    start = models.TimeField(_("début"))
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    code = models.CharField(_("code"), max_length=4, choices=AbsenceCode.choices)

    class Meta:
        verbose_name = _("absence")
        ordering = ["date", "start"]


class Availability(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="availabilities")
    kind = models.CharField(_("type"), max_length=12, choices=AvailabilityKind.choices)
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au"))
    start_time = models.TimeField(_("de"), null=True, blank=True)
    end_time = models.TimeField(_("à"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("disponibilité")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="interim_availability_dates")
        ]
