"""Field checks of the partners space that only it has: the login format. Phone, SIRET, postcode and the
others are core.validators / core.forms, shared by every space."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOGIN_RE = re.compile(r"^[A-Za-z0-9]+$")


def clean_login(value):
    """Letters and digits only, no accent, no space or punctuation."""
    login = (value or "").strip()
    if not LOGIN_RE.match(login):
        raise ValidationError(
            _(
                "Le login ne doit contenir que des lettres sans accent et des chiffres "
                "(ni espace, ni apostrophe, ni tiret)."
            ),
            code="login_characters",
        )
    return login
