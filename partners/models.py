"""Partners space: reference data, partners, conventions, pre-registrations, public content.

Regimes and funds are accounts.Organisation rows (kinds `regime` and `fund`, a fund's parent is its
regime); a partner is an Organisation of kind `partner` with its details in `Partner`.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from core.files import private_upload_to
from core.models import Decided

from .enums import (
    ContactReason,
    ContactState,
    ConventionState,
    DocumentTheme,
    PreRegistrationState,
    StreetIndex,
    StreetType,
)


class ReferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class PartnerType(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("type de partenaire")
        verbose_name_plural = _("types de partenaire")
        ordering = ["label"]

    def __str__(self):
        return self.label


class ConventionType(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("type de convention")
        verbose_name_plural = _("types de convention")
        ordering = ["label"]

    def __str__(self):
        return self.label


class Address(models.Model):
    """The postal address blocks of the PPAS forms (AFNOR-like lines). The recipient is the partner's name."""

    complement = models.CharField(_("mention complémentaire"), max_length=38, blank=True)
    building = models.CharField(_("bâtiment ou résidence"), max_length=38, blank=True)
    street_number = models.CharField(_("numéro"), max_length=5, blank=True)
    street_index = models.CharField(_("indice"), max_length=1, choices=StreetIndex.choices, blank=True)
    street_type = models.CharField(_("type de voie"), max_length=20, choices=StreetType.choices, blank=True)
    street_name = models.CharField(_("nom de la voie"), max_length=60, blank=True)
    locality = models.CharField(_("lieu-dit ou boîte postale"), max_length=38, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5)
    town = models.CharField(_("commune"), max_length=60)
    cedex = models.CharField(_("cedex"), max_length=30, blank=True)
    canton = models.CharField(_("canton"), max_length=60, blank=True)

    ADDRESS_FIELDS = (
        "complement",
        "building",
        "street_number",
        "street_index",
        "street_type",
        "street_name",
        "locality",
        "postcode",
        "town",
        "cedex",
        "canton",
    )

    class Meta:
        abstract = True

    def street_line(self):
        parts = [self.street_number, self.get_street_index_display() if self.street_index else ""]
        parts += [self.get_street_type_display() if self.street_type else "", self.street_name]
        return " ".join(p for p in parts if p)

    def town_line(self):
        return " ".join(p for p in [self.postcode, self.town.upper(), self.cedex and f"CEDEX {self.cedex}"] if p)


class Partner(Address):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partner",
        limit_choices_to={"kind": OrganisationKind.PARTNER},
    )
    partner_type = models.ForeignKey(PartnerType, verbose_name=_("type de partenaire"), on_delete=models.PROTECT)
    siret = models.CharField(_("SIRET"), max_length=14)
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=14)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["organisation__name"]

    def __str__(self):
        return self.organisation.name

    @property
    def name(self):
        return self.organisation.name


class ConventionQuerySet(models.QuerySet):
    def awaiting(self):
        return self.filter(state=ConventionState.AWAITING)

    def validated(self):
        return self.filter(state=ConventionState.VALIDATED)


class Convention(Decided):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="conventions"
    )
    fund = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("caisse"),
        on_delete=models.PROTECT,
        related_name="partner_conventions",
        limit_choices_to={"kind": OrganisationKind.FUND},
    )
    convention_type = models.ForeignKey(ConventionType, verbose_name=_("type de convention"), on_delete=models.PROTECT)
    code = models.CharField(_("code convention"), max_length=30)
    state = models.CharField(
        _("état"), max_length=12, choices=ConventionState.choices, default=ConventionState.AWAITING
    )
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                "fund",
                condition=~models.Q(state__in=[ConventionState.INVALIDATED, ConventionState.WITHDRAWN]),
                name="partners_convention_fund_code_unique",
                violation_error_message=_("Ce code convention est déjà enregistré pour cette caisse."),
            )
        ]
        # The fund's queue: its conventions in a state, oldest first (read in order, a page at a time).
        indexes = [models.Index(fields=["fund", "state", "created_at", "id"], name="partners_convention_fund_queue")]

    def __str__(self):
        return self.code

    def get_fund_url(self):
        return reverse("partners:fund_convention", kwargs={"pk": self.pk})


class PreRegistration(Decided, Address):
    """A registration typed on the public form, waiting for the fund's decision."""

    state = models.CharField(
        _("état"), max_length=12, choices=PreRegistrationState.choices, default=PreRegistrationState.PENDING
    )
    regime = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("régime"), on_delete=models.PROTECT, related_name="+"
    )
    fund = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("caisse"), on_delete=models.PROTECT, related_name="preregistrations"
    )
    convention_code = models.CharField(_("code convention"), max_length=30)
    partner_type = models.ForeignKey(PartnerType, verbose_name=_("type de partenaire"), on_delete=models.PROTECT)
    partner_name = models.CharField(_("nom du partenaire"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14)
    phone = models.CharField(_("téléphone"), max_length=14)
    admin_last_name = models.CharField(_("nom"), max_length=150)
    admin_first_name = models.CharField(_("prénom"), max_length=150)
    admin_login = models.CharField(_("login"), max_length=150)
    admin_email = models.EmailField(_("e-mail"))
    admin_phone = models.CharField(_("téléphone"), max_length=14)
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("partenaire")
    )

    class Meta:
        verbose_name = _("préinscription")
        verbose_name_plural = _("préinscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("admin_login"),
                condition=models.Q(state=PreRegistrationState.PENDING),
                name="partners_prereg_pending_login_unique",
                violation_error_message=_("Ce login est déjà utilisé."),
            )
        ]
        # The fund's queue: its pre-registrations in a state, oldest first (read in order, a page at a time).
        indexes = [models.Index(fields=["fund", "state", "created_at", "id"], name="partners_prereg_fund_queue")]

    def __str__(self):
        return self.partner_name

    def get_absolute_url(self):
        return reverse("partners:fund_preregistration", kwargs={"pk": self.pk})


class ContactMessage(Decided):
    convention_number = models.CharField(_("numéro de convention"), max_length=30)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=14)
    reason = models.CharField(_("motif"), max_length=12, choices=ContactReason.choices)
    text = models.TextField(_("texte"), blank=True)
    fund = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("caisse destinataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_contact_messages",
    )
    state = models.CharField(_("état"), max_length=8, choices=ContactState.choices, default=ContactState.OPEN)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("message de contact")
        verbose_name_plural = _("messages de contact")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["fund", "state"], name="partners_contact_fund_state")]

    def __str__(self):
        return f"{self.last_name} · {self.get_reason_display()}"

    def get_absolute_url(self):
        return reverse("partners:contact_detail", kwargs={"pk": self.pk})


class NewsArticle(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=200, unique=True)
    summary = models.TextField(_("chapeau"), blank=True)
    body = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    is_published = models.BooleanField(_("publiée"), default=True)

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class Document(models.Model):
    theme = models.CharField(_("thème"), max_length=12, choices=DocumentTheme.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("fichier"), upload_to=private_upload_to("partners/documents"))
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)
    is_published = models.BooleanField(_("publié"), default=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["theme", "title"]

    def __str__(self):
        return self.title


# The exchanges with the funds (evaluations, payment slips) live in their own package.
from .evaluations.models import (  # noqa: E402, F401
    Evaluation,
    EvaluationFee,
    EvaluationRead,
    PaymentSlip,
    SyncSubmission,
)
