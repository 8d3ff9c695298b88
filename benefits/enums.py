"""Choices of the Prestations space (SPEC section 3, reference 000)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    SCOP = "scop", _("Scop")
    SCIC = "scic", _("Scic")
    OTHER = "other", _("Autre")


# Legal forms that see contributions, the Excel extraction and may ask for exceptional relief.
SCOP_SCIC = frozenset({LegalForm.SCOP, LegalForm.SCIC})


class Package(models.TextChoices):
    PRESTA = "presta", _("PRESTA")
    PRESTASUP = "prestasup", _("PRESTASUP")
    PRESTABAT = "prestabat", _("PRESTABAT")


PACKAGE_HELP = {
    Package.PRESTA: _("Sans club sportif ni activité culturelle."),
    Package.PRESTASUP: _("Avec club sportif et activité culturelle."),
    Package.PRESTABAT: _("Secteur du bâtiment, avec club sportif et activité culturelle."),
}


class Relationship(models.TextChoices):
    CHILD = "child", _("Enfant")
    SPOUSE = "spouse", _("Conjoint")


class BeneficiaryKind(models.TextChoices):
    """Who a benefit type may be requested for."""

    COOPERATOR = "cooperator", _("Coopérateur")
    CHILD = "child", _("Enfant")
    SPOUSE = "spouse", _("Conjoint")


class RequestState(models.TextChoices):
    # Entered by a cooperator: waits for the cooperative's approval (deleted after 14 days without it).
    AWAITING = "awaiting", _("En attente de l'accord de la coopérative")
    ENTERED = "entered", _("Saisie")
    PROCESSING = "processing", _("En cours de traitement")
    PAID = "paid", _("Payée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


# Grey and yellow requests can still be changed by the requester; blue and red are locked.
# (Colours and labels of the states: benefits.workflows.)
EDITABLE_STATES = (RequestState.AWAITING, RequestState.ENTERED, RequestState.PROCESSING)
OPEN_STATES = EDITABLE_STATES
# A request in these states counts for the "one per beneficiary, type and period" rule.
COUNTING_STATES = (RequestState.AWAITING, RequestState.ENTERED, RequestState.PROCESSING, RequestState.PAID)


class FamilyDocumentKind(models.TextChoices):
    FAMILY_BOOK = "family_book", _("Livret de famille")
    BANK_DETAILS = "bank_details", _("Relevé d'identité bancaire (RIB)")
    GDPR_AGREEMENT = "gdpr_agreement", _("Accord RGPD signé")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("À valider")
    VALIDATED = "validated", _("Validé")
    REJECTED = "rejected", _("Refusé")


class ContributionKind(models.TextChoices):
    CALL = "call", _("Appel de cotisation")
    PAYMENT = "payment", _("Règlement")
