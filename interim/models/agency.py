"""The agency and its bureau virtuel: sectors, contacts, news, qualifications, client companies."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    # The account the advances are paid from (the SEPA credit-transfer file's debtor).
    transfer_iban = models.CharField(_("IBAN du compte de l'agence"), max_length=34, blank=True)
    transfer_bic = models.CharField(_("BIC du compte de l'agence"), max_length=11, blank=True)
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
