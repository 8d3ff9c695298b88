"""Evaluations ordered by a fund from an evaluation structure, their fees, payment slips, reads and
offline submissions.

One `Evaluation` row is the order (the fund's part: retiree, reason, deadline) and the evaluation
(the structure's part: visit, living conditions, AGGIR grid, needs, plan, report). The AGGIR answers,
the needs and the plan are health data: read only through selectors scoped to the ordering fund and
the assigned structure, each read logged (`EvaluationRead`), anonymised after the retention period.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from core.files import private_upload_to
from core.models import Decided

from .enums import EvaluationState, EvaluationType, HousingKind, LivingArrangement, SyncOutcome


class EvaluationFee(models.Model):
    """The flat fee a fund pays per evaluation of a type (reference data of each fund)."""

    fund = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("caisse"),
        on_delete=models.CASCADE,
        related_name="evaluation_fees",
        limit_choices_to={"kind": OrganisationKind.FUND},
    )
    evaluation_type = models.CharField(_("type d'évaluation"), max_length=12, choices=EvaluationType.choices)
    amount = models.DecimalField(_("forfait (€)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("forfait d'évaluation")
        verbose_name_plural = _("forfaits d'évaluation")
        ordering = ["fund", "evaluation_type"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "evaluation_type"], name="partners_evalfee_fund_type_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="partners_evalfee_amount_positive"),
        ]

    def __str__(self):
        return f"{self.fund} · {self.get_evaluation_type_display()} · {self.amount} €"


class PaymentSlip(models.Model):
    """A fund's payment slip to a structure: the accepted evaluations of one convention, at their fees."""

    number = models.CharField(_("numéro de bordereau"), max_length=20, unique=True)
    fund = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("caisse"), on_delete=models.PROTECT, related_name="payment_slips"
    )
    convention = models.ForeignKey(
        "partners.Convention", verbose_name=_("convention"), on_delete=models.PROTECT, related_name="payment_slips"
    )
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="payment_slips"
    )
    issued_at = models.DateTimeField(_("émis le"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line_count = models.PositiveIntegerField(_("nombre de lignes"), default=0)
    total = models.DecimalField(_("total (€)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("bordereau de paiement")
        verbose_name_plural = _("bordereaux de paiement")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["fund", "-issued_at"], name="partners_slip_fund_issued"),
            models.Index(fields=["partner", "-issued_at"], name="partners_slip_partner_issued"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("partners:eval_slip", kwargs={"pk": self.pk})


class Evaluation(Decided):
    # --- the order (the fund) ---------------------------------------------------------------------
    fund = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("caisse"),
        on_delete=models.PROTECT,
        related_name="evaluations",
        limit_choices_to={"kind": OrganisationKind.FUND},
    )
    convention = models.ForeignKey(
        "partners.Convention", verbose_name=_("convention"), on_delete=models.PROTECT, related_name="evaluations"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("structure d'évaluation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    file_number = models.CharField(_("n° de dossier"), max_length=20, unique=True, null=True, blank=True)
    evaluation_type = models.CharField(
        _("type d'évaluation"), max_length=12, choices=EvaluationType.choices, default=EvaluationType.INITIAL
    )
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("code postal"), max_length=5)
    town = models.CharField(_("commune"), max_length=60)
    phone = models.CharField(_("téléphone"), max_length=14, blank=True)
    pension_number = models.CharField(_("n° de retraite"), max_length=20, blank=True)
    reason = models.TextField(_("motif de la demande"))
    deadline = models.DateField(_("à réaliser avant le"))
    ordered_at = models.DateTimeField(_("commandée le"), default=timezone.now)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("état"), max_length=12, choices=EvaluationState.choices, default=EvaluationState.ORDERED)

    # --- the structure's work -----------------------------------------------------------------------
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluations_assigned",
    )
    assigned_at = models.DateTimeField(_("affectée le"), null=True, blank=True)
    visit_date = models.DateField(_("date de la visite"), null=True, blank=True)
    housing_kind = models.CharField(_("logement"), max_length=10, choices=HousingKind.choices, blank=True)
    living_arrangement = models.CharField(_("vit"), max_length=10, choices=LivingArrangement.choices, blank=True)
    living_conditions = models.TextField(_("conditions de vie et logement"), blank=True)
    help_in_place = models.TextField(_("aides déjà en place"), blank=True)
    family_support = models.TextField(_("soutien de l'entourage"), blank=True)
    aggir = models.JSONField(_("grille AGGIR (variables discriminantes)"), default=dict, blank=True)
    aggir_illustrative = models.JSONField(_("grille AGGIR (variables illustratives)"), default=dict, blank=True)
    gir = models.PositiveSmallIntegerField(_("GIR"), null=True, blank=True)
    needs = models.TextField(_("besoins constatés"), blank=True)
    plan = models.JSONField(_("plan d'actions proposé"), default=list, blank=True)
    plan_comment = models.TextField(_("commentaire du plan"), blank=True)
    report = models.FileField(
        _("compte rendu"), upload_to=private_upload_to("partners/evaluations"), blank=True, max_length=200
    )
    ready = models.BooleanField(_("terminée, prête à transmettre"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transmitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)

    # --- payment -----------------------------------------------------------------------------------
    slip = models.ForeignKey(
        PaymentSlip,
        verbose_name=_("bordereau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    fee = models.DecimalField(_("forfait (€)"), max_digits=8, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)  # paid or cancelled: retention counts
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-ordered_at", "-pk"]
        indexes = [
            models.Index(fields=["fund", "state", "-ordered_at"], name="partners_eval_fund_state"),
            models.Index(fields=["fund", "-ordered_at", "-id"], name="partners_eval_fund_ordered"),
            models.Index(fields=["partner", "state", "deadline"], name="partners_eval_partner_state"),
            models.Index(fields=["closed_at"], name="partners_eval_closed", condition=models.Q(anonymised_at=None)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gir__isnull=True) | models.Q(gir__gte=1, gir__lte=6), name="partners_eval_gir_1_6"
            )
        ]

    def __str__(self):
        return self.file_number or f"#{self.pk}"

    @property
    def beneficiary(self):
        return f"{self.last_name.upper()} {self.first_name}".strip()

    @property
    def masked_beneficiary(self):
        """What a payment slip shows of the retiree: three letters of the name and the initial."""
        name = self.last_name.upper()
        return f"{name[:3]}{'*' * max(0, min(len(name), 8) - 3)} {self.first_name[:1].upper()}.".strip()

    def overdue_days(self, today=None):
        """Days past the deadline (0 when not late or no longer the structure's to do)."""
        from .enums import EDITABLE_STATES

        if self.state not in (EvaluationState.ORDERED, *EDITABLE_STATES):
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.deadline).days)

    def get_fund_url(self):
        return reverse("partners:eval_fund_detail", kwargs={"pk": self.pk})

    def get_structure_url(self):
        return reverse("partners:eval_form", kwargs={"pk": self.pk})


class EvaluationRead(models.Model):
    """One read of an evaluation's health data: who, for which organisation, when."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(_("lecture"), max_length=30)
    read_at = models.DateTimeField(_("lu le"), default=timezone.now)

    class Meta:
        verbose_name = _("lecture d'évaluation")
        verbose_name_plural = _("lectures d'évaluations")
        ordering = ["-read_at", "-pk"]
        indexes = [models.Index(fields=["evaluation", "-read_at"], name="partners_evalread_eval")]

    def __str__(self):
        return f"{self.evaluation_id} · {self.user_id} · {self.read_at:%Y-%m-%d %H:%M}"


class SyncSubmission(models.Model):
    """A draft sent by a device ("Synchronisation"): kept whatever happened to it, so that neither the
    device's version nor the server's is ever lost. The key makes a second send of the same draft a no-op."""

    key = models.UUIDField(_("clé d'idempotence"), unique=True)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="sync_submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    base_version = models.PositiveIntegerField(_("version de départ"))
    payload = models.JSONField(_("brouillon envoyé"), default=dict)
    outcome = models.CharField(_("résultat"), max_length=10, choices=SyncOutcome.choices)
    detail = models.TextField(_("détail"), blank=True)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    settled_at = models.DateTimeField(_("réglé le"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settlement = models.CharField(_("règlement"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("envoi hors ligne")
        verbose_name_plural = _("envois hors ligne")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["evaluation", "outcome"], name="partners_sync_eval_outcome")]

    def __str__(self):
        return str(self.key)
