"""The worker's file (one per agency membership), pending changes, diplomas and qualifications."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateModelFileField
from core.models import Decided

from ..enums import (
    ChangeGroup,
    ChangeState,
    DiplomaState,
    FamilySituation,
    WorkPeriod,
)
from .agency import Agency, Qualification, Sector
from .tokens import new_token

# --- The worker's file --------------------------------------------------------------------------


class Worker(models.Model):
    """A temp worker's file with one agency (one per temp_worker membership): what that agency knows."""

    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.PROTECT, related_name="interim_worker", verbose_name=_("inscription")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="workers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interim_workers")
    number = models.CharField(_("numéro d'intérimaire"), max_length=20)
    # The agency's pôle the worker is followed by (its recruiters' contacts); set by the agency.
    sector = models.ForeignKey(
        Sector, verbose_name=_("secteur"), null=True, blank=True, on_delete=models.SET_NULL, related_name="workers"
    )
    nir = models.CharField(_("numéro de sécurité sociale"), max_length=15, blank=True)
    mobility_km = models.PositiveSmallIntegerField(
        _("mobilité (km)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    work_period = models.CharField(
        _("préférence de période de travail"), max_length=10, choices=WorkPeriod.choices, blank=True
    )
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    town = models.CharField(_("commune"), max_length=100, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bank_holder = models.CharField(_("titulaire du compte"), max_length=150, blank=True)
    family_situation = models.CharField(
        _("situation familiale"), max_length=12, choices=FamilySituation.choices, blank=True
    )
    children = models.PositiveSmallIntegerField(_("nombre d'enfants"), default=0, validators=[MaxValueValidator(30)])
    ss_card = PrivateModelFileField(_("carte de sécurité sociale"), prefix="interim/ss_cards", blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("intérimaire")
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="interim_worker_number")]

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.number})"

    @property
    def masked_iban(self):
        return f"{self.iban[:4]} •••• {self.iban[-4:]}" if self.iban else ""

    @property
    def address(self):
        return ", ".join(p for p in (self.street, f"{self.postcode} {self.town}".strip()) if p)


class ProfileChange(Decided):
    """A change of the worker's file, waiting for the agency: applied only when the agency accepts it."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="changes")
    group = models.CharField(_("rubrique"), max_length=12, choices=ChangeGroup.choices)
    proposed = models.JSONField(_("valeurs proposées"), default=dict)
    proposed_file = PrivateModelFileField(_("fichier proposé"), prefix="interim/changes", blank=True)
    state = models.CharField(_("état"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)

    class Meta:
        verbose_name = _("modification de la fiche")
        verbose_name_plural = _("modifications de la fiche")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "group"], condition=Q(state="pending"), name="interim_change_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.get_group_display()} · {self.worker}"

    @property
    def is_bank(self):
        return self.group == ChangeGroup.BANK


class Diploma(Decided):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="diplomas")
    name = models.CharField(_("nom du diplôme"), max_length=200)
    obtained_on = models.DateField(_("date d'obtention"))
    file = PrivateModelFileField(_("diplôme / certificat"), prefix="interim/diplomas")
    state = models.CharField(_("état"), max_length=10, choices=DiplomaState.choices, default=DiplomaState.PENDING)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("diplôme")
        ordering = ["-obtained_on", "-pk"]

    def __str__(self):
        return self.name


class WorkerQualification(models.Model):
    """A qualification the agency granted the worker, from a validated diploma."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="+")
    diploma = models.ForeignKey(Diploma, on_delete=models.PROTECT, related_name="qualifications")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "qualification"], name="interim_worker_qualification")]
