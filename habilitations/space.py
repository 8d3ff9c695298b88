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
    model_row,
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


def export(user):
    """What the Espace Organismes holds about a person (their data download)."""
    from .models import AccessRequest, AccountRequest, Delegation, Profile, Right, Subscription

    profile = Profile.objects.filter(user=user).first()
    data = {
        "profile": model_row(profile) if profile else None,
        "account_requests": [model_row(r) for r in AccountRequest.objects.filter(user=user)],
        "access_requests": [
            {**model_row(r), "application": r.application.name, "organisme": r.organisme.name}
            for r in AccessRequest.objects.filter(user=user).select_related("application", "organisme")
        ],
        "rights": [
            {**model_row(r), "application": r.application.name, "organisme": r.organisme.name}
            for r in Right.objects.filter(user=user).select_related("application", "organisme")
        ],
        "newsletters": list(Subscription.objects.filter(user=user).values_list("newsletter", flat=True)),
        "delegations": [
            model_row(d) for d in Delegation.objects.filter(absent=user) | Delegation.objects.filter(delegate=user)
        ],
    }
    return data if any(data.values()) else {}


def anonymise(user):
    """Erases the space's personal data; rights end (grants and tokens withdrawn); the history of
    requests and rights stays, without the person's details (it is the organismes' access audit)."""
    from . import oidc
    from .enums import RightState
    from .models import AccountRequest, ApplicationUserPermission, Delegation, Profile, Right, Subscription

    Subscription.objects.filter(user=user).delete()
    Delegation.objects.filter(absent=user).delete()
    Delegation.objects.filter(delegate=user).delete()
    Profile.objects.filter(user=user).delete()
    for right in Right.objects.filter(user=user, state=RightState.ACTIVE).select_related("application"):
        oidc.tokens_revoke(user=user, application=right.application)
    Right.objects.filter(user=user, state=RightState.ACTIVE).update(
        state=RightState.REVOKED, decision_reason="Effacement des données personnelles"
    )
    ApplicationUserPermission.objects.filter(user=user).delete()
    for account_request in AccountRequest.objects.filter(user=user):
        account_request.email = f"efface-{account_request.pk}@invalid"
        account_request.first_name = account_request.last_name = account_request.birth_name = "—"
        account_request.phone = account_request.contact_email = ""
        account_request.save()
    return [
        _(
            "L’historique de vos demandes et habilitations est conservé, sans vos coordonnées : il sert au contrôle "
            "des accès aux applications des organismes."
        )
    ]


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
        export=export,
        anonymise=anonymise,
        kept=_("L’historique de vos demandes et habilitations est conservé sans vos coordonnées (contrôle des accès)."),
        order=40,
    )
)
