"""Field checks of the partners space, with French messages: SIRET (key), phone, postcode, login."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as stdnum_siret

LOGIN_RE = re.compile(r"^[A-Za-z0-9]+$")
PHONE_SEPARATORS = re.compile(r"[\s.\-]")
POSTCODE_RE = re.compile(r"^\d{5}$")


def clean_siret(value):
    """14 digits whose Luhn key is right; spaces allowed when typing. Returns the 14 digits."""
    compact = stdnum_siret.compact(value or "")
    if not compact.isdigit():
        raise ValidationError(_("Le SIRET ne doit contenir que des chiffres."), code="siret_digits")
    try:
        return stdnum_siret.validate(compact)
    except InvalidLength:
        raise ValidationError(
            _("Le SIRET comprend 14 chiffres (vous en avez saisi %(count)d).") % {"count": len(compact)},
            code="siret_length",
        ) from None
    except (InvalidChecksum, InvalidFormat):
        raise ValidationError(
            _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez les chiffres."),
            code="siret_key",
        ) from None


def clean_phone(value):
    """A French number of 10 digits, returned as "nn nn nn nn nn" (14 characters)."""
    raw = (value or "").strip()
    digits = PHONE_SEPARATORS.sub("", raw)
    message = _(
        "Saisissez le numéro de téléphone sous la forme « nn nn nn nn nn » (10 chiffres, par exemple 01 23 45 67 89)."
    )
    if len(raw) > 14 or not digits.isdigit() or len(digits) != 10 or not digits.startswith("0"):
        raise ValidationError(message, code="phone_format")
    try:
        number = phonenumbers.parse(digits, "FR")
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="phone_format") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Ce numéro de téléphone n'existe pas en France. Vérifiez-le."), code="phone_invalid")
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def clean_postcode(value):
    """Five digits of an existing French département (01-95, Corsica 20, overseas 971-976, 98)."""
    code = (value or "").replace(" ", "")
    if not POSTCODE_RE.match(code):
        raise ValidationError(_("Le code postal comprend 5 chiffres, par exemple 62000."), code="postcode_format")
    department = int(code[:2])
    if department == 0 or department == 96 or (department == 97 and code[2] not in "123456") or department == 99:
        raise ValidationError(_("Ce code postal ne correspond à aucun département."), code="postcode_department")
    return code


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
