"""Client timesheets ("Saisie des heures"): the hours a client company enters per worker (contract),
per day of a week, sent to the agency that validates them or sends them back with a reason.

Validated hours become the planning's validated slots of those days (interim/timesheets.py), so that
the worker's monthly total and the advance limit (interim/payroll.py) follow what was worked."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Decided

from ..enums import TimesheetState
from .contracts import Contract


class Timesheet(Decided):
    """One contract's hours for one week (Monday to Sunday)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="timesheets")
    week_start = models.DateField(_("semaine du"))
    state = models.CharField(_("état"), max_length=10, choices=TimesheetState.choices, default=TimesheetState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)

    class Meta:
        verbose_name = _("feuille d'heures")
        verbose_name_plural = _("feuilles d'heures")
        ordering = ["-week_start", "contract"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "week_start"], name="interim_timesheet_week"),
        ]  # week_start is a Monday: interim/timesheets.py computes it, never the user

    def __str__(self):
        return f"{self.contract.reference} · {self.week_start:%d/%m/%Y}"

    @property
    def total_minutes(self):
        return sum(entry.minutes for entry in self.entries.all())


class TimesheetEntry(models.Model):
    """The hours of one day: when work started and how long it lasted (the rest rules need both)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField(_("date"))
    start = models.TimeField(_("début"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), validators=[MaxValueValidator(24 * 60)])

    class Meta:
        verbose_name = _("heures du jour")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "date"], name="interim_timesheet_entry_day"),
            models.CheckConstraint(condition=Q(minutes__lte=24 * 60), name="interim_timesheet_entry_24h"),
        ]
