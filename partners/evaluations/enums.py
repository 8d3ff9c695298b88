"""States and choices of the evaluations exchanged between funds and evaluation structures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationState(models.TextChoices):
    ORDERED = "ordered", _("Commandée")
    ASSIGNED = "assigned", _("Acceptée, affectée")
    IN_PROGRESS = "in_progress", _("En cours")
    TRANSMITTED = "transmitted", _("Transmise, reçue par la caisse")
    RETURNED = "returned", _("Renvoyée par la caisse")
    ACCEPTED = "accepted", _("Acceptée par la caisse")
    PAID = "paid", _("Payée")
    CANCELLED = "cancelled", _("Annulée par la caisse")


# What the structure may still edit; what is over (retention counts from there).
EDITABLE_STATES = (EvaluationState.ASSIGNED, EvaluationState.IN_PROGRESS, EvaluationState.RETURNED)
FINAL_STATES = (EvaluationState.PAID, EvaluationState.CANCELLED)
CONTENT_STATES = (
    EvaluationState.TRANSMITTED,
    EvaluationState.RETURNED,
    EvaluationState.ACCEPTED,
    EvaluationState.PAID,
)


class EvaluationType(models.TextChoices):
    INITIAL = "initial", _("Évaluation initiale")
    RENEWAL = "renewal", _("Réévaluation")
    URGENT = "urgent", _("Évaluation en urgence (retour d'hospitalisation)")


class Aid(models.TextChoices):
    """The aids a plan may propose (the funds' individual action plan, "plan d'actions personnalisé")."""

    HOME_HELP = "home_help", _("Aide à domicile (ménage, courses, repas)")
    PERSONAL_CARE = "personal_care", _("Aide à la toilette et à l'habillage")
    ESCORT = "escort", _("Accompagnement aux sorties")
    MEALS = "meals", _("Portage de repas")
    ALARM = "alarm", _("Téléassistance")
    HOUSING = "housing", _("Adaptation du logement")
    CARER_RESPITE = "carer_respite", _("Soutien et répit de l'aidant")


# Aids counted in hours per month; the others are a service or a work (no hours).
HOURLY_AIDS = (Aid.HOME_HELP, Aid.PERSONAL_CARE, Aid.ESCORT, Aid.CARER_RESPITE)


class HousingKind(models.TextChoices):
    HOUSE = "house", _("Maison")
    FLAT = "flat", _("Appartement")
    SERVICED = "serviced", _("Résidence autonomie ou services")
    OTHER = "other", _("Autre")


class LivingArrangement(models.TextChoices):
    ALONE = "alone", _("Seul(e)")
    COUPLE = "couple", _("En couple")
    FAMILY = "family", _("Avec sa famille")
    OTHER = "other", _("Autre")


class SyncOutcome(models.TextChoices):
    APPLIED = "applied", _("Enregistrée")
    CONFLICT = "conflict", _("Conflit à régler")
    REFUSED = "refused", _("Refusée")
