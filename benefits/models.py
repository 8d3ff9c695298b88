"""Prestations: cooperatives, cooperators and their families, benefit catalogue, tariffs, requests."""

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind
from core.files import PrivateModelFileField
from core.models import Decided
from core.validators import (
    validate_iban,
    validate_name,
    validate_not_future,
    validate_phone,
    validate_postcode,
    validate_siret,
)

from .enums import (
    EDITABLE_STATES,
    SCOP_SCIC,
    BeneficiaryKind,
    ContributionKind,
    DocumentStatus,
    FamilyDocumentKind,
    LegalForm,
    Package,
    Relationship,
    RequestState,
)

# Days a request entered by a cooperator waits for the cooperative's approval before it is deleted.
APPROVAL_DAYS = 14
# Days before that deletion when the cooperative's HR managers and the cooperator are reminded.
PURGE_REMINDER_DAYS = 3
MAX_WEEKLY_HOURS = Decimal("48")

family_number_validator = RegexValidator(
    r"^F\d{6}$", _("Le numéro de famille s'écrit F suivi de six chiffres (par exemple F004217).")
)


class Address(models.Model):
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True, validators=[validate_postcode])
    city = models.CharField(_("commune"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def full_address(self):
        return ", ".join(part for part in (self.address, f"{self.postcode} {self.city}".strip()) if part)


class Cooperative(Address):
    """The benefits details of an organisation of kind cooperative (one-to-one)."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cooperative",
        limit_choices_to={"kind": OrganisationKind.COOPERATIVE},
    )
    union = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="member_cooperatives",
        limit_choices_to={"kind": OrganisationKind.UNION},
    )
    legal_form = models.CharField(_("forme juridique"), max_length=5, choices=LegalForm.choices)
    package = models.CharField(_("formule"), max_length=10, choices=Package.choices, default=Package.PRESTA)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, validators=[validate_phone])
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("coopérative")
        verbose_name_plural = _("coopératives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(legal_form__in=LegalForm.values), name="benefits_cooperative_legal_form_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(package__in=Package.values), name="benefits_cooperative_package_valid"
            ),
        ]

    def __str__(self):
        return self.organisation.name

    @property
    def name(self):
        return self.organisation.name

    @property
    def is_scop_or_scic(self):
        return self.legal_form in SCOP_SCIC

    def clean(self):
        super().clean()
        if self.organisation_id and self.organisation.kind != OrganisationKind.COOPERATIVE:
            raise ValidationError({"organisation": _("Cette organisation n'est pas une coopérative.")})
        if self.union_id and self.union.kind != OrganisationKind.UNION:
            raise ValidationError({"union": _("Cette organisation n'est pas une union.")})


class CooperatorQuerySet(models.QuerySet):
    # The exit date is the cooperator's first day out: on that day they are no longer present.
    def present(self, on=None):
        on = on or timezone.localdate()
        return self.filter(models.Q(exit_date__isnull=True) | models.Q(exit_date__gt=on), entry_date__lte=on)

    def left(self, on=None):
        on = on or timezone.localdate()
        return self.filter(exit_date__lte=on)


class Cooperator(Address):
    """A cooperator, head of a family (the family number is the family's)."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("coopérative"), on_delete=models.PROTECT, related_name="cooperators"
    )
    family_number = models.CharField(
        _("numéro de famille"), max_length=7, unique=True, validators=[family_number_validator]
    )
    civility = models.CharField(
        _("civilité"), max_length=3, blank=True, choices=[("mme", _("Madame")), ("m", _("Monsieur"))]
    )
    first_name = models.CharField(_("prénom"), max_length=150, validators=[validate_name])
    last_name = models.CharField(_("nom"), max_length=150, validators=[validate_name])
    # "Émile Dupont" -> "dupont emile": lists sort names whatever their case and accents (set on save).
    sort_name = models.CharField(max_length=301, editable=False, default="")
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True, validators=[validate_not_future])
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, validators=[validate_phone])
    entry_date = models.DateField(_("date d'entrée"))
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("durée hebdomadaire de travail (heures)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_WEEKLY_HOURS)],
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cooperator",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CooperatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("coopérateur")
        verbose_name_plural = _("coopérateurs")
        ordering = ["sort_name", "pk"]
        indexes = [
            models.Index(fields=["cooperative", "last_name", "first_name"], name="benefits_coop_name"),
            models.Index(fields=["cooperative", "sort_name"], name="benefits_coop_sort_name"),
            # The officers' list across their union's cooperatives, in name order: page 1 reads 25 entries.
            models.Index(fields=["sort_name", "id"], name="benefits_coop_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exit_date__isnull=True) | models.Q(exit_date__gte=models.F("entry_date")),
                name="benefits_cooperator_exit_after_entry",
                violation_error_message=_("La date de sortie ne peut pas précéder la date d'entrée."),
            ),
        ]

    def __str__(self):
        return f"{self.get_full_name()} ({self.family_number})"

    def save(self, *args, **kwargs):
        self.sort_name = sort_key(self.last_name, self.first_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"last_name", "first_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def initials(self):
        """Initials of the last name then the first name, as in the benefits identifier (F004217MD)."""
        from .services import initial_of

        return initial_of(self.last_name) + initial_of(self.first_name)

    @property
    def login_identifier(self):
        return f"{self.family_number}{self.initials}"

    def is_present(self, on=None):
        """Entered, and not left: on the exit day itself the cooperator is no longer present."""
        on = on or timezone.localdate()
        return self.entry_date <= on and (self.exit_date is None or self.exit_date > on)

    def clean(self):
        super().clean()
        if self.entry_date and self.exit_date and self.exit_date < self.entry_date:
            raise ValidationError({"exit_date": _("La date de sortie ne peut pas précéder la date d'entrée.")})


def sort_key(*names):
    """Names folded for sorting: lower case, accents off ("Émile", "emile" and "EMILE" sort together)."""
    import unicodedata

    text = " ".join(name or "" for name in names)
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in folded if not unicodedata.combining(char)).strip()


def delete_files_later(names):
    """Deletes stored files once the transaction that deleted their rows commits (never for a rollback):
    recorded in that transaction (core.deletions), deleted by a retried task, swept by a job; a kill
    after the commit or a storage that is down strands nothing."""
    from core.deletions import files_delete_later

    files_delete_later(names)


def age_on(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Dependant(models.Model):
    """An ayant droit: a child or the spouse of a cooperator."""

    cooperator = models.ForeignKey(
        Cooperator, verbose_name=_("coopérateur"), on_delete=models.CASCADE, related_name="dependants"
    )
    relationship = models.CharField(_("lien"), max_length=10, choices=Relationship.choices)
    first_name = models.CharField(_("prénom"), max_length=150, validators=[validate_name])
    last_name = models.CharField(_("nom"), max_length=150, validators=[validate_name])
    birth_date = models.DateField(_("date de naissance"))
    declared_on_tax_return = models.BooleanField(
        _("déclaré à charge sur l'avis d'imposition de l'an dernier"), default=False
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ayant droit")
        verbose_name_plural = _("ayants droit")
        ordering = ["birth_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relationship__in=Relationship.values), name="benefits_dependant_relationship_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_full_name()} ({self.get_relationship_display()})"

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def age(self, on=None):
        return age_on(self.birth_date, on or timezone.localdate())

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("La date de naissance ne peut pas être dans le futur.")})


class FamilyDocument(Decided):
    """A family document (livret de famille, RIB, GDPR agreement), provided once, validated by the Union.

    A RIB carries the IBAN typed with it: it becomes the family's IBAN only when the Union validates
    the document (benefits.workflows.FAMILY_DOCUMENT, services.family_document_review)."""

    cooperator = models.ForeignKey(
        Cooperator, verbose_name=_("famille"), on_delete=models.CASCADE, related_name="family_documents"
    )
    kind = models.CharField(_("document"), max_length=20, choices=FamilyDocumentKind.choices)
    file = PrivateModelFileField(_("fichier"), prefix="benefits/families")
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    iban = models.CharField(_("IBAN du RIB"), max_length=34, blank=True, validators=[validate_iban])

    class Meta:
        verbose_name = _("document de famille")
        verbose_name_plural = _("documents de famille")
        ordering = ["kind", "-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.cooperator.family_number}"


class BenefitType(models.Model):
    """One benefit of the catalogue and its rules (SPEC 3: eligibility, per-beneficiary rule, documents)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Packages (PRESTA, PRESTASUP, PRESTABAT) that include this benefit.
    packages = models.JSONField(_("formules"), default=list)
    # Legal forms that may ask for it; empty: every legal form.
    legal_forms = models.JSONField(_("formes juridiques"), default=list, blank=True)
    beneficiary_kinds = models.JSONField(_("bénéficiaires"), default=list)
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    once_per_year = models.BooleanField(_("une seule demande par bénéficiaire et par an"), default=True)
    requires_no_dependent_child = models.BooleanField(
        _("réservée aux coopérateurs sans enfant à charge sur l'avis d'imposition de l'an dernier"), default=False
    )
    by_post_only = models.BooleanField(_("à envoyer par courrier postal"), default=False)
    required_documents = models.TextField(_("pièces justificatives"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("type de prestation")
        verbose_name_plural = _("types de prestation")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def is_in_package(self, cooperative):
        return cooperative.package in self.packages and (
            not self.legal_forms or cooperative.legal_form in self.legal_forms
        )

    def beneficiary_labels(self):
        return [str(BeneficiaryKind(kind).label) for kind in self.beneficiary_kinds if kind in BeneficiaryKind.values]

    def package_labels(self):
        return [str(Package(p).label) for p in self.packages if p in Package.values]


class Tariff(models.Model):
    """The amount of a benefit type for a year ("Tarifs de l'année"), published by the Union."""

    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    benefit_type = models.ForeignKey(
        BenefitType, verbose_name=_("prestation"), on_delete=models.PROTECT, related_name="tariffs"
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("précision"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["-year", "benefit_type__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "benefit_type"],
                name="benefits_tariff_year_type_unique",
                violation_error_message=_("Un tarif existe déjà pour cette prestation et cette année."),
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="benefits_tariff_amount_positive"),
        ]

    def __str__(self):
        return f"{self.benefit_type} {self.year} : {self.amount} €"


class BenefitRequest(Decided):
    """A benefit request for one beneficiary (the cooperator or one dependant) and one type.

    Its states and steps are declared in benefits.workflows.REQUEST; the last decision (approval,
    taking in charge, payment, refusal, rejection) is stamped in decided_by/decided_at/decision_reason."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("coopérative"), on_delete=models.PROTECT, related_name="requests"
    )
    cooperator = models.ForeignKey(
        Cooperator, verbose_name=_("coopérateur"), on_delete=models.PROTECT, related_name="requests"
    )
    dependant = models.ForeignKey(
        Dependant,
        verbose_name=_("ayant droit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("Vide : la demande concerne le coopérateur lui-même."),
    )
    benefit_type = models.ForeignKey(
        BenefitType, verbose_name=_("prestation"), on_delete=models.PROTECT, related_name="requests"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    state = models.CharField(_("état"), max_length=12, choices=RequestState.choices, default=RequestState.ENTERED)
    approved_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    purge_reminded_at = models.DateTimeField(_("rappel avant suppression envoyé le"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=8, decimal_places=2, null=True, blank=True)
    amount_computed = models.DecimalField(
        _("montant selon les tarifs (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    amount_reason = models.CharField(_("motif du montant"), max_length=300, blank=True)
    payment_date = models.DateField(_("date de paiement"), null=True, blank=True)
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande de prestation")
        verbose_name_plural = _("demandes de prestation")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["cooperative", "state", "-created_at"], name="benefits_req_coop_state"),
            models.Index(fields=["state", "-created_at"], name="benefits_req_state"),
            # The queue's and the lists' default order (created_at, pk), read forwards or backwards.
            models.Index(fields=["created_at", "id"], name="benefits_req_created"),
            # A cooperative's requests in that order (the HR managers' list): no walk through the others'.
            models.Index(fields=["cooperative", "created_at", "id"], name="benefits_req_coop_created"),
            # The queue filtered by state, in that order: a deep page's ids read from the index alone
            # (cooperative_id last, for the union's join), not the rows of every state past the offset.
            # A key column rather than INCLUDE, which SQLite (the embedded default) does not have.
            models.Index(fields=["state", "created_at", "id", "cooperative"], name="benefits_req_state_created"),
            models.Index(fields=["state", "year"], name="benefits_req_state_year"),
            models.Index(fields=["cooperator", "benefit_type", "year"], name="benefits_req_beneficiary"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=RequestState.values), name="benefits_request_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state=RequestState.PAID)
                | (models.Q(amount__isnull=False) & models.Q(payment_date__isnull=False)),
                name="benefits_request_paid_has_amount_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="benefits_request_amount_positive",
            ),
        ]

    def __str__(self):
        return _("Demande n° %(pk)s") % {"pk": self.pk}

    @property
    def reference(self):
        return f"P{self.pk:07d}" if self.pk else ""

    @property
    def beneficiary_name(self):
        return self.dependant.get_full_name() if self.dependant_id else self.cooperator.get_full_name()

    @property
    def beneficiary_kind_label(self):
        if self.dependant_id:
            return self.dependant.get_relationship_display()
        return BeneficiaryKind.COOPERATOR.label

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("benefits:request_detail", args=[self.pk])

    @property
    def awaiting_approval(self):
        return self.state == RequestState.AWAITING

    def delete(self, *args, **kwargs):
        """Deletes the request, its scans (rows, and files once committed); the workflow deletes its history."""
        names = [name for name in self.documents.values_list("file", flat=True) if name]
        result = super().delete(*args, **kwargs)
        delete_files_later(names)
        return result

    @classmethod
    def delete_many(cls, requests):
        """Deletes requests and their scans as delete() does, a batch at once (the timed purge).

        Set-based, without loading the rows again: Django's collector would fetch every request (the
        scans' CASCADE forbids its fast path) and delete them 100 at a time. On PostgreSQL, two
        statements taking the batch's ids as one array (the scans deleted returning their files, then
        the requests); elsewhere one DELETE per table. That is only right while the scans are the one
        relation to a request and no delete signal listens: otherwise (a relation or a receiver added
        later) Django's collector does it, as delete() would.
        """
        pks = [request.pk for request in requests]
        if not pks:
            return
        if not (_deleted_alone(cls, {(RequestDocument, "request")}) and _deleted_alone(RequestDocument, set())):
            names = list(RequestDocument.objects.filter(request_id__in=pks).values_list("file", flat=True))
            cls.objects.filter(pk__in=pks).delete()
        elif connection.vendor == "postgresql":
            documents_table, requests_table = RequestDocument._meta.db_table, cls._meta.db_table
            with connection.cursor() as cursor:
                # S608: the tables are the models', the ids are bound (one array parameter).
                cursor.execute(f'DELETE FROM "{documents_table}" WHERE request_id = ANY(%s) RETURNING file', [pks])  # noqa: S608
                names = [name for (name,) in cursor.fetchall()]
                cursor.execute(f'DELETE FROM "{requests_table}" WHERE id = ANY(%s)', [pks])  # noqa: S608
        else:
            documents = RequestDocument.objects.filter(request_id__in=pks)
            names = list(documents.values_list("file", flat=True))
            documents._raw_delete(documents.db)
            rows = cls.objects.filter(pk__in=pks)
            rows._raw_delete(rows.db)
        delete_files_later([name for name in names if name])

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def purge_at(self):
        return self.created_at + datetime.timedelta(days=APPROVAL_DAYS)

    def days_before_purge(self, now=None):
        """Days left (rounded up) before the purge of a request waiting for approval; None if not waiting."""
        if self.state != RequestState.AWAITING:
            return None
        remaining = (self.purge_at - (now or timezone.now())).total_seconds()
        return max(0, math.ceil(remaining / 86400))


def _deleted_alone(model, relations):
    """True when rows of `model` can be deleted by one DELETE once the rows of `relations` ((model,
    field name) pointing to it) are deleted: no other relation to it, no delete signal, no parent."""
    from django.db.models import signals
    from django.db.models.deletion import get_candidate_relations_to_delete

    found = {(rel.related_model, rel.field.name) for rel in get_candidate_relations_to_delete(model._meta)}
    listened = any(signal.has_listeners(model) for signal in (signals.pre_delete, signals.post_delete))
    return found == relations and not listened and not model._meta.parents and not model._meta.private_fields


class RequestDocument(models.Model):
    """A supporting document (scan) of a benefit request; more can be added until it is paid."""

    request = models.ForeignKey(
        BenefitRequest, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="documents"
    )
    file = PrivateModelFileField(_("fichier"), prefix="benefits/requests")
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name or self.file.name


class Contribution(models.Model):
    """A contribution call to a cooperative, or a payment of it (cotisations: Scop and Scic)."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("coopérative"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("nature"), max_length=10, choices=ContributionKind.choices)
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(
        _("montant (€)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cotisation")
        verbose_name_plural = _("cotisations")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="benefits_contribution_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label} ({self.amount} €)"


# --- Counts kept by the database -----------------------------------------------------------------
# Kept by triggers on benefits_benefitrequest and benefits_cooperator (migration 0007, SQL in
# benefits/counts.py), in the transaction of every write whatever its path: the workflow's steps
# (one object or a timed batch), creations, the purge's deletions, bulk_create, queryset.update(),
# the admin. The dashboards, the queue, the lists' totals and the statistics read them instead of
# scanning 100,000 rows. `manage.py benefits_counts_rebuild` recomputes them from scratch.
# The cooperative and cooperator keys are plain columns (no database constraint): a count never
# blocks a deletion and the triggers never wait on a foreign key.


class RequestCount(models.Model):
    """Benefit requests per cooperative and state."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    state = models.CharField(max_length=12)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cooperative", "state"], name="benefits_reqcount_key")]

    def __str__(self):
        return f"{self.cooperative_id} {self.state}: {self.n}"


class PaidTotal(models.Model):
    """Paid requests per year, cooperative and benefit type: their number and amount (statistics)."""

    year = models.PositiveSmallIntegerField()
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    benefit_type = models.ForeignKey(
        BenefitType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    n = models.BigIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "cooperative", "benefit_type"], name="benefits_paidtotal_key")
        ]

    def __str__(self):
        return f"{self.year} {self.cooperative_id} {self.benefit_type_id}: {self.n}, {self.total}"


class PaidByCooperator(models.Model):
    """Paid requests per year, cooperative and cooperator: the statistics' ranking, read by an index
    in the order shown (no aggregate over the year's requests at each view)."""

    year = models.PositiveSmallIntegerField()
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    cooperator = models.ForeignKey(
        Cooperator, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    n = models.BigIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "cooperative", "cooperator"], name="benefits_paidcoop_key")
        ]
        # The rows read (n > 0: a row whose paid requests all went stays, at zero, until a rebuild).
        indexes = [
            models.Index(
                fields=["year", "-total", "cooperator"], name="benefits_paidcoop_rank", condition=models.Q(n__gt=0)
            ),
            models.Index(
                fields=["year", "cooperative", "-total"],
                name="benefits_paidcoop_coop_rank",
                condition=models.Q(n__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.cooperator_id}: {self.n}, {self.total}"


class CooperatorCount(models.Model):
    """Cooperators per cooperative (the cooperators list's total)."""

    cooperative = models.OneToOneField(Cooperative, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    n = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.cooperative_id}: {self.n}"
