"""Spaces, organisation kinds and roles: the one table every space reads (SPEC section 1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Space(models.TextChoices):
    BENEFITS = "benefits", _("Prestations")
    INTERIM = "interim", _("Espace intérimaire")
    PARTNERS = "partners", _("Partenaires Action Sociale")
    HABILITATIONS = "habilitations", _("Espace Organismes")


class OrganisationKind(models.TextChoices):
    UNION = "union", _("Union (prestataire)")
    COOPERATIVE = "cooperative", _("Coopérative")
    AGENCY = "agency", _("Agence d'intérim")
    CLIENT_COMPANY = "client_company", _("Entreprise cliente")
    PARTNER = "partner", _("Partenaire")
    FUND = "fund", _("Caisse")
    REGIME = "regime", _("Régime")
    NATIONAL_ADMIN = "national_admin", _("Administration nationale")
    UCANSS = "ucanss", _("Ucanss")
    ORGANISME = "organisme", _("Organisme")


class Role(models.TextChoices):
    UNION_OFFICER = "union_officer", _("Gestionnaire de l'Union")
    COOP_MANAGER = "coop_manager", _("Responsable RH de coopérative")
    COOPERATOR = "cooperator", _("Coopérateur")
    AGENCY_STAFF = "agency_staff", _("Personnel d'agence")
    TEMP_WORKER = "temp_worker", _("Intérimaire")
    CLIENT_USER = "client_user", _("Utilisateur entreprise cliente")
    NATIONAL_ADMIN = "national_admin", _("Administrateur national")
    FUND_ADMIN = "fund_admin", _("Administrateur de caisse")
    PARTNER_USER = "partner_user", _("Utilisateur partenaire")
    UCANSS_ADMIN = "ucanss_admin", _("Administrateur Ucanss")
    CORRESPONDENT = "correspondent", _("Correspondant local")
    ORGANISME_USER = "organisme_user", _("Utilisateur d'organisme")
    APP_MANAGER = "app_manager", _("Gestionnaire d'application")


KIND_SPACE = {
    OrganisationKind.UNION: Space.BENEFITS,
    OrganisationKind.COOPERATIVE: Space.BENEFITS,
    OrganisationKind.AGENCY: Space.INTERIM,
    OrganisationKind.CLIENT_COMPANY: Space.INTERIM,
    OrganisationKind.PARTNER: Space.PARTNERS,
    OrganisationKind.FUND: Space.PARTNERS,
    OrganisationKind.REGIME: Space.PARTNERS,
    OrganisationKind.NATIONAL_ADMIN: Space.PARTNERS,
    OrganisationKind.UCANSS: Space.HABILITATIONS,
    OrganisationKind.ORGANISME: Space.HABILITATIONS,
}

# Which roles a membership of each kind may hold.
KIND_ROLES = {
    OrganisationKind.UNION: {Role.UNION_OFFICER},
    OrganisationKind.COOPERATIVE: {Role.COOP_MANAGER, Role.COOPERATOR},
    OrganisationKind.AGENCY: {Role.AGENCY_STAFF, Role.TEMP_WORKER},
    OrganisationKind.CLIENT_COMPANY: {Role.CLIENT_USER},
    OrganisationKind.PARTNER: {Role.PARTNER_USER},
    OrganisationKind.FUND: {Role.FUND_ADMIN},
    OrganisationKind.REGIME: set(),
    OrganisationKind.NATIONAL_ADMIN: {Role.NATIONAL_ADMIN},
    OrganisationKind.UCANSS: {Role.UCANSS_ADMIN, Role.APP_MANAGER},
    OrganisationKind.ORGANISME: {Role.CORRESPONDENT, Role.ORGANISME_USER},
}

# A fund lives under its regime; other kinds stand alone.
KIND_PARENT = {OrganisationKind.FUND: OrganisationKind.REGIME}

ROLE_SPACE = {role: KIND_SPACE[kind] for kind, roles in KIND_ROLES.items() for role in roles}

# Roles for which a second factor (TOTP) is mandatory.
PRIVILEGED_ROLES = frozenset(
    {Role.UNION_OFFICER, Role.AGENCY_STAFF, Role.FUND_ADMIN, Role.NATIONAL_ADMIN, Role.UCANSS_ADMIN}
)


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Connexion")
    LOGOUT = "logout", _("Déconnexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOCKED_OUT = "locked_out", _("Verrouillage")
    PASSWORD_CHANGED = "password_changed", _("Mot de passe modifié")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Mot de passe oublié")
    TEMPORARY_PASSWORD_ISSUED = "temporary_password_issued", _("Mot de passe temporaire émis")
    TEMPORARY_PASSWORD_USED = "temporary_password_used", _("Mot de passe temporaire utilisé")
    ROLE_CHANGED = "role_changed", _("Rôle modifié")
    ADMIN_RIGHT_CHANGED = "admin_right_changed", _("Droits d'administration modifiés")
    CONSENT_ACCEPTED = "consent_accepted", _("Consentement accepté")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consentement retiré")
    OTP_ENROLLED = "otp_enrolled", _("Double authentification activée")
    OTP_FAILED = "otp_failed", _("Code de vérification erroné")
    CONTACT_CHANGED = "contact_changed", _("Coordonnées modifiées")
    ACCOUNT_DISABLED = "account_disabled", _("Compte désactivé")
    DATA_EXPORTED = "data_exported", _("Données téléchargées")
    ERASURE_REQUESTED = "erasure_requested", _("Effacement demandé")
