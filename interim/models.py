"""Espace intérimaire: the agency's content, the worker's file (one per agency membership), diplomas,
missions and contracts (signed by SMS code, sealed, with a hash-chained audit trail), advances,
planning, availabilities and payroll documents."""

import hashlib
import json
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin

from core.files import PrivateModelFileField
from core.models import Decided

from .enums import (
    AbsenceCode,
    AdvanceState,
    AuditEvent,
    AvailabilityKind,
    ChangeGroup,
    ChangeState,
    ContractState,
    DiplomaState,
    DocumentKind,
    DocumentRequestState,
    FamilySituation,
    SlotState,
    WorkPeriod,
)


def new_token():
    return secrets.token_urlsafe(32)


def new_verification_code():
    """A code printed on the certificate page, typed on the public verification page."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- The agency and its bureau virtuel -----------------------------------------------------------


class Agency(models.Model):
    """The interim details of an organisation of kind agency: what its bureau virtuel shows."""

    # The organisation's id is the agency's: `worker.agency_id` names the organisation without a query.
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="interim_agency",
        primary_key=True,
    )
    phone = models.CharField(_("téléphone de l'agence"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail de l'agence"), blank=True)
    absence_procedure = models.TextField(_("procédure en cas d'absence"), blank=True)
    oncall_phone = models.CharField(_("numéro d'astreinte"), max_length=20, blank=True)
    oncall_hours = models.CharField(_("horaires d'astreinte"), max_length=200, blank=True)
    payroll_info = models.TextField(_("dates de paie"), blank=True)
    payroll_email = models.EmailField(_("e-mail du service paie"), blank=True)
    advance_info = models.TextField(_("acomptes : date limite"), blank=True)
    advance_share = models.DecimalField(
        _("part de la paie versable en acompte"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        verbose_name = _("agence")
        verbose_name_plural = _("agences")

    def __str__(self):
        return self.organisation.name


class Sector(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="sectors")
    name = models.CharField(_("secteur"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("secteur")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class SectorContact(models.Model):
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("chargé(e) de recrutement"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contact de secteur")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class NewsItem(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("actualité")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class Qualification(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="qualifications")
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("qualification"), max_length=200)

    class Meta:
        verbose_name = _("qualification")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="interim_qualification_code")]

    def __str__(self):
        return f"{self.label} ({self.code})"


class ClientCompany(models.Model):
    """The interim details of an organisation of kind client_company."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="interim_client",
        primary_key=True,
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("entreprise cliente")
        verbose_name_plural = _("entreprises clientes")

    def __str__(self):
        return self.organisation.name


# --- The worker's file --------------------------------------------------------------------------


class Worker(models.Model):
    """A temp worker's file with one agency (one per temp_worker membership): what that agency knows."""

    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.PROTECT, related_name="interim_worker", verbose_name=_("inscription")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="workers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interim_workers")
    number = models.CharField(_("numéro d'intérimaire"), max_length=20)
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
        indexes = [models.Index(fields=["worker", "-created_at"], name="interim_contract_worker")]

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


# --- Payroll documents --------------------------------------------------------------------------


class Document(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("type"), max_length=12, choices=DocumentKind.choices)
    number = models.CharField(_("n°"), max_length=40)
    period = models.DateField(_("période"))
    file = PrivateModelFileField(_("document"), prefix="interim/documents")
    added_at = models.DateTimeField(_("date d'ajout"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        ordering = ["-period", "-pk"]
        indexes = [models.Index(fields=["worker", "kind", "-period"], name="interim_document_list")]
        constraints = [models.UniqueConstraint(fields=["worker", "kind", "number"], name="interim_document_number")]

    def __str__(self):
        return self.number


class DocumentRequest(Decided):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="document_requests")
    kind = models.CharField(
        _("document"),
        max_length=12,
        choices=[
            (DocumentKind.ATTESTATION, DocumentKind.ATTESTATION.label),
            (DocumentKind.CERTIFICATE, DocumentKind.CERTIFICATE.label),
        ],
    )
    message = models.TextField(_("précisions"), blank=True, max_length=1000)
    state = models.CharField(
        _("état"), max_length=10, choices=DocumentRequestState.choices, default=DocumentRequestState.PENDING
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande de document")
        ordering = ["-created_at", "-pk"]


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
