"""Password policies per space (SPEC section 2), as one Django validator that applies the
policies of every space the user belongs to. Messages in French."""

from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    UserAttributeSimilarityValidator,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import ROLE_SPACE, Space


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


def _policy(space):
    if space == Space.PARTNERS:
        return [PartnersPasswordValidator()]
    minimum = 8 if space == Space.HABILITATIONS else 12
    return [
        MinimumLengthValidator(min_length=minimum),
        CommonPasswordValidator(),
        UserAttributeSimilarityValidator(user_attributes=("identifier", "first_name", "last_name", "email")),
    ]


def spaces_of(user):
    if user is None or not getattr(user, "pk", None):
        return set()
    from .models import Membership

    return {
        ROLE_SPACE[role] for role in Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
    }


def validators_for(user, spaces=None):
    """The validators of every space of the user (default: the strictest general rule)."""
    spaces = spaces if spaces is not None else spaces_of(user)
    if not spaces:
        spaces = {Space.BENEFITS}
    validators, seen = [], set()
    for space in sorted(spaces):
        for validator in _policy(space):
            key = (type(validator), getattr(validator, "min_length", None))
            if key not in seen:
                seen.add(key)
                validators.append(validator)
    # Keep only the longest minimum length.
    lengths = [v for v in validators if isinstance(v, MinimumLengthValidator)]
    if len(lengths) > 1:
        longest = max(lengths, key=lambda v: v.min_length)
        validators = [v for v in validators if not isinstance(v, MinimumLengthValidator) or v is longest]
    return validators


def help_texts_for(user, spaces=None):
    return [v.get_help_text() for v in validators_for(user, spaces)]


class SpacePolicyValidator:
    """The AUTH_PASSWORD_VALIDATORS entry: dispatches to the user's space policies."""

    def validate(self, password, user=None):
        errors = []
        for validator in validators_for(user):
            try:
                validator.validate(password, user)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("Le mot de passe doit respecter la règle de votre espace.")
