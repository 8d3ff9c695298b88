"""E-mail events of the partners space (sent through core.notifications)."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Space
from core.notifications import register_event

PREREGISTRATION_RECEIVED = "partners.preregistration_received"
PREREGISTRATION_INVALIDATED = "partners.preregistration_invalidated"
CONVENTION_RECEIVED = "partners.convention_received"
CONVENTION_DECIDED = "partners.convention_decided"
CONTACT_RECEIVED = "partners.contact_received"


def register():
    # Work messages of the space: always sent (a fund must hear of its queue, a partner of its conventions).
    register_event(PREREGISTRATION_RECEIVED, _("Préinscription reçue"), space=Space.PARTNERS, optional=False)
    register_event(PREREGISTRATION_INVALIDATED, _("Préinscription invalidée"), space=Space.PARTNERS, optional=False)
    register_event(CONVENTION_RECEIVED, _("Nouvelle convention à valider"), space=Space.PARTNERS, optional=False)
    register_event(CONVENTION_DECIDED, _("Convention validée ou invalidée"), space=Space.PARTNERS, optional=False)
    register_event(CONTACT_RECEIVED, _("Message de contact reçu"), space=Space.PARTNERS, optional=False)
