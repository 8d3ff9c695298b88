"""Phone numbers for SMS: E.164 normalisation (French numbers by default, overseas departments included)."""

import phonenumbers

from core.validators import phone_e164


class InvalidPhoneNumber(ValueError):
    """The number cannot receive an SMS: a permanent error, never worth a retry."""


def normalize_phone(value, region="FR"):
    """'06 12 34 56 78' -> '+33612345678', '0692 12 34 56' -> '+262692123456'. Raises InvalidPhoneNumber."""
    if region == "FR":
        e164 = phone_e164(value)
        if e164 is None:
            raise InvalidPhoneNumber(f"numéro de téléphone invalide : {value!r}")
        return e164
    try:
        number = phonenumbers.parse(str(value or ""), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"numéro de téléphone invalide : {value!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"numéro de téléphone invalide : {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
