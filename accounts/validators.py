"""Password policies per space, as one Django validator that applies the policy of every space the
user belongs to. Each space declares its rule in core.spaces; the portal adds a check against
Django's list of 20,000 common passwords (a local list: the password is sent nowhere) to every rule."""

from django.contrib.auth.password_validation import CommonPasswordValidator, MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import spaces as space_registry

from .enums import ROLE_SPACE


def spaces_of(user):
    if user is None or not getattr(user, "pk", None):
        return set()
    from .models import Membership

    return {
        ROLE_SPACE[role] for role in Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
    }


def _policy(space):
    declaration = space_registry.find(space)
    return declaration.password_validators() if declaration else space_registry.general_password_rule()


def validators_for(user, spaces=None):
    """The validators of every space of the user (no space: the portal's general rule), plus the
    common-password check."""
    spaces = spaces if spaces is not None else spaces_of(user)
    policies = [_policy(space) for space in sorted(spaces)] or [space_registry.general_password_rule()]
    validators, seen = [], set()
    for validator in [v for policy in policies for v in policy] + [CommonPasswordValidator()]:
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
