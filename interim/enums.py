"""Choices of the Espace intérimaire, with the colour of each state (always shown with its text)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkPeriod(models.TextChoices):
    ANY = "", _("Sans préférence")
    DAY = "day", _("Journée")
    MORNING = "morning", _("Matin")
    AFTERNOON = "afternoon", _("Après-midi")
    NIGHT = "night", _("Nuit")
    WEEKEND = "weekend", _("Week-end")


class FamilySituation(models.TextChoices):
    SINGLE = "single", _("Célibataire")
    MARRIED = "married", _("Marié(e)")
    PACS = "pacs", _("Pacsé(e)")
    COHABITING = "cohabiting", _("En concubinage")
    DIVORCED = "divorced", _("Divorcé(e)")
    WIDOWED = "widowed", _("Veuf ou veuve")


class ChangeGroup(models.TextChoices):
    """What one profile change request covers (one pending request per group and worker file)."""

    IDENTITY = "identity", _("Identité")
    NIR = "nir", _("Numéro de sécurité sociale")
    CONTACT = "contact", _("Adresse e-mail")
    MOBILITY = "mobility", _("Mobilité et période de travail")
    ADDRESS = "address", _("Adresse")
    BANK = "bank", _("Coordonnées bancaires")
    FAMILY = "family", _("Situation familiale")
    SS_CARD = "ss_card", _("Carte de sécurité sociale")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACCEPTED = "accepted", _("Validée")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


class DiplomaState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validé")
    REFUSED = "refused", _("Refusé")


class ContractState(models.TextChoices):
    AWAITING = "awaiting", _("Des éléments sont en attente de validation")
    TO_SIGN = "to_sign", _("Incomplet")
    SIGNED = "signed", _("Valide")
    CANCELLED = "cancelled", _("Annulé")
    EXPIRED = "expired", _("Délai de signature dépassé")


class AdvanceState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acompte en cours de traitement")
    REFUSED = "refused", _("Refusé")
    PAID = "paid", _("Acompte versé")
    CANCELLED = "cancelled", _("Annulée")


class SlotState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validé")


class TimesheetState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmise à l'agence")
    VALIDATED = "validated", _("Validée")
    RETURNED = "returned", _("Renvoyée pour correction")


class AvailabilityKind(models.TextChoices):
    AVAILABLE = "available", _("Disponible")
    UNAVAILABLE = "unavailable", _("Indisponible")


class DocumentKind(models.TextChoices):
    PAYSLIP = "payslip", _("Bulletin de salaire")
    ATTESTATION = "attestation", _("Attestation employeur (ex-ASSEDIC)")
    CERTIFICATE = "certificate", _("Certificat de travail")


class DocumentRequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    DONE = "done", _("Document déposé")
    REFUSED = "refused", _("Refusée")


class AbsenceCode(models.TextChoices):
    FER = "FER", _("Jour férié")
    MAL = "MAL", _("Maladie")
    CP = "CP", _("Congé")
    ABS = "ABS", _("Absence")


class AuditEvent(models.TextChoices):
    CREATED = "created", _("Contrat créé")
    SENT = "sent", _("Contrat envoyé pour signature")
    VIEWED = "viewed", _("Contrat consulté")
    DOWNLOADED = "downloaded", _("Contrat téléchargé")
    CODE_SENT = "code_sent", _("Code envoyé par SMS")
    CODE_FAILED = "code_failed", _("Code erroné")
    SIGNED = "signed", _("Contrat signé")
    SEALED = "sealed", _("Document scellé")
    CANCELLED = "cancelled", _("Contrat annulé")
    EXPIRED = "expired", _("Délai de signature dépassé")
    AMENDED = "amended", _("Avenant : dates modifiées")


# --- Missions back office: targeting, bulk documents (interim/models/missions.py, batches.py) ---


class TargetingState(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Fermé")


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Proposée")
    INTERESTED = "interested", _("Intéressé(e)")
    DECLINED = "declined", _("Pas intéressé(e)")
    ASSIGNED = "assigned", _("Mission attribuée")
    CLOSED = "closed", _("Ciblage fermé")


class BatchState(models.TextChoices):
    ANALYSING = "analysing", _("Analyse en cours")
    READY = "ready", _("Prêt à publier")
    PUBLISHING = "publishing", _("Publication en cours")
    PUBLISHED = "published", _("Publié")
    FAILED = "failed", _("Échec de l’analyse")
    CANCELLED = "cancelled", _("Abandonné")


class BatchItemState(models.TextChoices):
    PENDING = "pending", _("À analyser")
    MATCHED = "matched", _("Reconnu")
    UNMATCHED = "unmatched", _("Non reconnu")
    DUPLICATE = "duplicate", _("Doublon")
    EXCLUDED = "excluded", _("Écarté")
    PUBLISHED = "published", _("Publié")
    WITHDRAWN = "withdrawn", _("Retiré")
