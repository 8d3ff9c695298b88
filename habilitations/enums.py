"""Choices of the Espace Organismes (reference 003, 004)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Days after which an access request neither granted nor refused is accepted (003: "dans un délai
# maximum de 10 jours après la date de la demande"), and the days its validators are reminded.
TACIT_ACCEPTANCE_DAYS = 10
REMINDER_DAYS = (3, 7)


class Management(models.TextChoices):
    LOCAL = "local", _("Décentralisée : les correspondants locaux de l’organisme")
    CENTRAL = "central", _("Centrale : les gestionnaires de l’application à l’Ucanss")


class AccountRequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")


class AccessRequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    GRANTED = "granted", _("Accordée")
    TACIT = "tacit", _("Acceptée tacitement")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


class RightState(models.TextChoices):
    ACTIVE = "active", _("En cours")
    REVOKED = "revoked", _("Retirée")


class Newsletter(models.TextChoices):
    RH = "rh", _("Lettre d’information RH")
    ACHATS = "achats", _("Lettre d’information Achats")
    IMMOBILIER = "immobilier", _("Lettre d’information Immobilier")
    RSO = "rso", _("Lettre d’information RSO")
    DIRECTION = "direction", _("Lettre d’information Agent de direction")
    MARCHES = "marches", _("Lettre d’information Marchés publics")


ACCOUNT_REQUEST_COLOURS = {
    AccountRequestState.PENDING: "yellow",
    AccountRequestState.ACCEPTED: "green",
    AccountRequestState.REFUSED: "red",
}
ACCESS_REQUEST_COLOURS = {
    AccessRequestState.PENDING: "yellow",
    AccessRequestState.GRANTED: "green",
    AccessRequestState.TACIT: "green",
    AccessRequestState.REFUSED: "red",
    AccessRequestState.CANCELLED: "grey",
}
RIGHT_COLOURS = {RightState.ACTIVE: "green", RightState.REVOKED: "grey"}
