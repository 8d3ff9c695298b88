"""The Partenaires Action Sociale space's declaration (core.spaces): its account policies (the PPAS
password rule, login and e-mail for a forgotten password) and the personal data it holds about a
partner user (their partner organisations, the conventions they entered, the pre-registrations and
contact messages they sent)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spaces import ErasureScope, ForgotBy, ForgotPassword, SpaceDeclaration, model_row, register

from .models import ContactMessage, Convention, Partner, PreRegistration

KEPT = gettext_lazy(
    "Le partenaire (l'organisme), ses conventions et les décisions des caisses sont conservés : ce sont "
    "les données d'une personne morale, pas les vôtres. Les préinscriptions et messages de contact que "
    "vous avez envoyés restent, sans votre nom, e-mail ni téléphone."
)


class PartnersPasswordValidator:
    """PPAS rule: 8 to 12 characters, letters and digits only, at least one digit."""

    def validate(self, password, user=None):
        errors = []
        if not 8 <= len(password) <= 12:
            errors.append(ValidationError(_("Le mot de passe doit contenir de 8 à 12 caractères."), code="length"))
        if not password.isascii() or not password.isalnum():
            errors.append(
                ValidationError(_("Le mot de passe ne doit contenir que des lettres et des chiffres."), code="charset")
            )
        if not any(c.isdigit() for c in password):
            errors.append(ValidationError(_("Le mot de passe doit contenir au moins un chiffre."), code="digit"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("De 8 à 12 caractères, uniquement des lettres et des chiffres, dont au moins un chiffre.")


def password_rule():
    return [PartnersPasswordValidator()]


def _sent_by(user):
    """Rows typed on the public forms with the user's login or e-mail."""
    login_or_email = Q(admin_login__iexact=user.identifier)
    if user.email:
        login_or_email |= Q(admin_email__iexact=user.email)
    preregistrations = PreRegistration.objects.filter(login_or_email)
    messages = ContactMessage.objects.filter(email__iexact=user.email) if user.email else ContactMessage.objects.none()
    return preregistrations, messages


def export(user):
    partners = Partner.objects.filter(
        organisation__memberships__user=user, organisation__memberships__role="partner_user"
    ).select_related("organisation", "partner_type")
    preregistrations, messages = _sent_by(user)
    data = {
        "partners": [
            {**model_row(p), "name": p.organisation.name, "partner_type": p.partner_type.label} for p in partners
        ],
        "conventions_entered": [
            {**model_row(c), "partner": c.partner.organisation.name, "fund": c.fund.name}
            for c in Convention.objects.filter(created_by=user).select_related("partner__organisation", "fund")
        ],
        "preregistrations": [model_row(p) for p in preregistrations.order_by("pk")],
        "contact_messages": [model_row(m) for m in messages.order_by("pk")],
    }
    return data if any(data.values()) else {}


def anonymise(user):
    preregistrations, messages = _sent_by(user)
    preregistrations.update(admin_last_name="", admin_first_name="", admin_email="", admin_phone="")
    messages.update(last_name="", first_name="", email="", phone="", text="")
    return [KEPT]


register(
    SpaceDeclaration(
        key="partners",
        slug="partenaires",
        identifier_label=gettext_lazy("Partenaires Action Sociale : votre login partenaire"),
        password_validators=password_rule,
        forgot_password=ForgotPassword.TEMPORARY,
        forgot_by=ForgotBy.LOGIN_AND_EMAIL,
        erasure_scope=ErasureScope.SPACE,
        consent_publishers=("national_admin",),
        export=export,
        anonymise=anonymise,
        kept=KEPT,
        order=30,
    )
)
