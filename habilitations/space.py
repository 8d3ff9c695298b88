"""The Espace Organismes' declaration (core.spaces): account policies (8 characters at least, reset by
link), and the health-data consent box of the "Aide aux aidants" accounts (identifier 123456RH)."""

import re

from django.utils.translation import gettext_lazy as _

from core.spaces import (
    ConsentExtra,
    ErasureScope,
    ForgotBy,
    ForgotPassword,
    SpaceDeclaration,
    general_password_rule,
    register,
)

# "Aide aux aidants" accounts of an organisme: the 6-digit organisme code followed by RH (004).
CAREGIVER_IDENTIFIER = re.compile(r"^\d{6}RH$", re.IGNORECASE)


def is_caregiver_account(user):
    return bool(CAREGIVER_IDENTIFIER.match((user.identifier or "").strip()))


def password_rule():
    return general_password_rule(min_length=8)


HEALTH_DATA = ConsentExtra(
    field="health_data",
    label=_(
        "Je donne mon accord explicite au recueil et au traitement de données de santé "
        "me concernant pour le service Aide aux aidants"
    ),
    required_message=_("Ce consentement est obligatoire pour utiliser le service."),
    applies_to=is_caregiver_account,
)

register(
    SpaceDeclaration(
        key="habilitations",
        slug="organismes",
        identifier_label=_(
            "Espace Organismes : votre adresse e-mail (Aide aux aidants : le code de l'organisme suivi de RH, "
            "par exemple 123456RH)"
        ),
        password_validators=password_rule,
        forgot_password=ForgotPassword.LINK,
        forgot_by=ForgotBy.EMAIL,
        consent_extras=(HEALTH_DATA,),
        consent_publishers=("ucanss_admin",),
        erasure_scope=ErasureScope.SPACE,
        order=40,
    )
)
