"""States and choices of the partners space."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreRegistrationState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validée")
    INVALIDATED = "invalidated", _("Invalidée")


class ConventionState(models.TextChoices):
    AWAITING = "awaiting", _("En attente de validation")
    VALIDATED = "validated", _("Validée")
    INVALIDATED = "invalidated", _("Invalidée")
    WITHDRAWN = "withdrawn", _("Retirée par le partenaire")


class StreetIndex(models.TextChoices):
    BIS = "B", _("Bis")
    TER = "T", _("Ter")
    QUATER = "Q", _("Quater")


class StreetType(models.TextChoices):
    RUE = "rue", _("Rue")
    AVENUE = "avenue", _("Avenue")
    BOULEVARD = "boulevard", _("Boulevard")
    PLACE = "place", _("Place")
    CHEMIN = "chemin", _("Chemin")
    ROUTE = "route", _("Route")
    ALLEE = "allee", _("Allée")
    IMPASSE = "impasse", _("Impasse")
    QUAI = "quai", _("Quai")
    COURS = "cours", _("Cours")
    ESPLANADE = "esplanade", _("Esplanade")
    SQUARE = "square", _("Square")
    LIEU_DIT = "lieu_dit", _("Lieu-dit")
    RESIDENCE = "residence", _("Résidence")


class ContactReason(models.TextChoices):
    NAVIGATION = "navigation", _("Problème de navigation, d'affichage")
    ACCESS = "access", _("Problème d'accès à l'espace abonné ou à vos rubriques")
    SUGGESTION = "suggestion", _("Suggestions, remarques, commentaires")
    AIDS = "aids", _("Demande d'informations sur les aides")
    OTHER = "other", _("Autres questions")


class ContactState(models.TextChoices):
    OPEN = "open", _("À traiter")
    CLOSED = "closed", _("Clos")


class DocumentTheme(models.TextChoices):
    MANUALS = "manuals", _("Manuels d'utilisation")
    REFERENCE = "reference", _("Textes de référence")
    SCALES = "scales", _("Barèmes")
    FORMS = "forms", _("Imprimés")
