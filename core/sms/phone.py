"""Phone numbers for SMS: E.164 normalisation with phonenumbers (French numbers by default)."""

import phonenumbers


class InvalidPhoneNumber(ValueError):
    """The number cannot receive an SMS: a permanent error, never worth a retry."""


def normalize_phone(value, region="FR"):
    """'06 12 34 56 78' -> '+33612345678'. Raises InvalidPhoneNumber (a ValueError) when invalid."""
    try:
        number = phonenumbers.parse(str(value or ""), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"numéro de téléphone invalide : {value!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"numéro de téléphone invalide : {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
