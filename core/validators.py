"""The checks every space uses, once, with French messages (python-stdnum, phonenumbers).

Two shapes for each: `clean_x(value)` returns the normalised value or raises ValidationError (for
forms), `validate_x(value)` only raises (for model fields' `validators=`, empty values allowed).

    clean_phone("0692 12 34 56") -> "06 92 12 34 56"       phone_e164("0692123456") -> "+262692123456"
    clean_siret("732 829 320 00074") -> "73282932000074"
    clean_nir("1 84 12 76 451 089 46") -> "184127645108946"
    clean_iban("fr76 3000 6000 0112 3456 7890 189") -> "FR7630006000011234567890189"
    clean_postcode("97400") -> "97400"
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

# --- phone ----------------------------------------------------------------------------------------

PHONE_SEPARATORS = re.compile(r"[\s.\-]")

# The French numbering plan's overseas prefixes (ARCEP): the region whose metadata knows them.
OVERSEAS_PREFIXES = {
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0594": "GF",
    "0694": "GF",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
    "0508": "PM",
}


def _parse_french(digits):
    region = OVERSEAS_PREFIXES.get(digits[:4], "FR")
    for candidate in dict.fromkeys((region, "FR")):
        try:
            number = phonenumbers.parse(digits, candidate)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def clean_phone(value):
    """A French number of 10 digits, overseas departments included, returned as "nn nn nn nn nn"."""
    raw = (value or "").strip()
    digits = PHONE_SEPARATORS.sub("", raw)
    if len(raw) > 14 or not digits.isdigit() or len(digits) != 10 or not digits.startswith("0"):
        raise ValidationError(
            _(
                "Saisissez le numéro de téléphone sous la forme « nn nn nn nn nn » "
                "(10 chiffres, par exemple 01 23 45 67 89)."
            ),
            code="phone_format",
        )
    if _parse_french(digits) is None:
        raise ValidationError(_("Ce numéro de téléphone n’existe pas en France. Vérifiez-le."), code="phone_invalid")
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def validate_phone(value):
    if value:
        clean_phone(value)


def phone_e164(value):
    """'06 92 12 34 56' -> '+262692123456' (for an SMS gateway); None when not a valid number."""
    digits = PHONE_SEPARATORS.sub("", str(value or ""))
    number: phonenumbers.PhoneNumber | None
    if digits.startswith("+"):
        try:
            number = phonenumbers.parse(digits, None)
        except phonenumbers.NumberParseException:
            return None
        valid = phonenumbers.is_valid_number(number)
    else:
        number = _parse_french(digits) if digits.isdigit() else None
        valid = number is not None
    if not valid or number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- SIRET, NIR, IBAN -----------------------------------------------------------------------------


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
            _("Ce SIRET n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez les chiffres."),
            code="siret_key",
        ) from None


def validate_siret(value):
    if value:
        clean_siret(value)


def clean_nir(value):
    """A French social security number (15 characters with its 2-digit key; Corsica 2A/2B)."""
    compact = stdnum_nir.compact(value or "").upper()
    if len(compact) != 15:
        raise ValidationError(
            _("Le numéro de sécurité sociale comprend 15 caractères, clé comprise (vous en avez saisi %(count)d).")
            % {"count": len(compact)},
            code="nir_length",
        )
    try:
        return stdnum_nir.validate(compact)
    except InvalidChecksum:
        raise ValidationError(
            _("Ce numéro de sécurité sociale n’est pas valide : sa clé ne correspond pas. Vérifiez les chiffres."),
            code="nir_key",
        ) from None
    except StdnumError:
        raise ValidationError(
            _("Ce numéro de sécurité sociale n’est pas valide : vérifiez le sexe, l’année, le mois et le département."),
            code="nir_format",
        ) from None


def validate_nir(value):
    if value:
        clean_nir(value)


def format_nir(value):
    return stdnum_nir.format(value) if value else ""


def clean_iban(value):
    """An IBAN whose key is right; returned compact and upper-case (format_iban to show it)."""
    compact = stdnum_iban.compact(value or "")
    if len(compact) < 15:
        raise ValidationError(
            _("Cet IBAN est trop court : un IBAN français compte 27 caractères (FR76 …)."), code="iban_length"
        )
    try:
        return stdnum_iban.validate(compact)
    except InvalidChecksum:
        raise ValidationError(
            _("Cet IBAN n’est pas valide : sa clé de contrôle ne correspond pas."), code="iban_checksum"
        ) from None
    except InvalidLength:
        raise ValidationError(
            _("Cet IBAN n’a pas la longueur prévue pour son pays : vérifiez qu’il est complet."), code="iban_length"
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(
            _("Cet IBAN n’est pas valide : vérifiez le code pays, la longueur et les caractères (ex. FR76 …)."),
            code="iban_format",
        ) from None
    except StdnumError:
        raise ValidationError(_("Cet IBAN n’est pas valide."), code="iban") from None


def validate_iban(value):
    if value:
        clean_iban(value)


def normalise_iban(value):
    return stdnum_iban.compact(value) if value else ""


def format_iban(value):
    return stdnum_iban.format(value) if value else ""


# --- postcode -------------------------------------------------------------------------------------

POSTCODE_RE = re.compile(r"^\d{5}$")


def clean_postcode(value):
    """Five digits of an existing French département (01-95, Corsica 20, overseas 971-976, 98)."""
    code = (value or "").replace(" ", "")
    if not POSTCODE_RE.match(code):
        raise ValidationError(_("Le code postal comprend 5 chiffres, par exemple 62000."), code="postcode_format")
    department = int(code[:2])
    if department in (0, 96, 99) or (department == 97 and code[2] not in "123456"):
        raise ValidationError(_("Ce code postal ne correspond à aucun département."), code="postcode_department")
    return code


def validate_postcode(value):
    if value:
        clean_postcode(value)


# --- names, dates, amounts ------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def validate_name(value):
    """A person's or organisation's name: no leading formula character (spreadsheet exports)."""
    if value and (value.startswith(("\t", "\r")) or value.lstrip().startswith(FORMULA_STARTS)):
        char = value.lstrip()[:1] if not value.startswith(("\t", "\r")) else _("une tabulation")
        raise ValidationError(
            _("Un nom ne peut pas commencer par « %(char)s ».") % {"char": char},
            code="name_formula",
        )


def validate_not_future(value):
    """A date that cannot be after today (a birth date, a date obtained)."""
    if value and value > timezone.localdate():
        raise ValidationError(_("Cette date est dans le futur."), code="date_future")


def validate_date_between(value, *, earliest=None, latest=None):
    """A date within [earliest, latest], with a message that names the bound."""
    if value is None:
        return
    if earliest is not None and value < earliest:
        raise ValidationError(
            _("La date ne peut pas être antérieure au %(date)s.") % {"date": date_format(earliest, "d/m/Y")},
            code="date_too_early",
        )
    if latest is not None and value > latest:
        raise ValidationError(
            _("La date ne peut pas être postérieure au %(date)s.") % {"date": date_format(latest, "d/m/Y")},
            code="date_too_late",
        )


def validate_period(start, end, *, field="end"):
    """An end that is not before its start: the error goes on `field`."""
    if start and end and end < start:
        raise ValidationError({field: _("La date de fin ne peut pas précéder la date de début.")}, code="period")


def within_days(days, *, today=None) -> date:
    return (today or timezone.localdate()) + timedelta(days=days)


def clean_amount(value, *, minimum=Decimal("0.01"), maximum=None):
    """A positive amount in euros with at most two decimals ("12,50" accepted)."""
    if value in (None, ""):
        raise ValidationError(_("Indiquez un montant."), code="amount_required")
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        raise ValidationError(_("Saisissez un montant en euros, par exemple 120,50."), code="amount_format") from None
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):  # "NaN", "Infinity"
        raise ValidationError(_("Saisissez un montant en euros, par exemple 120,50."), code="amount_format")
    if exponent < -2:
        raise ValidationError(_("Un montant a au plus deux décimales."), code="amount_decimals")
    if minimum is not None and amount < minimum:
        if amount <= 0:
            raise ValidationError(_("Le montant doit être supérieur à zéro."), code="amount_positive")
        raise ValidationError(
            _("Le montant doit être d’au moins %(min)s €.") % {"min": minimum}, code="amount_too_small"
        )
    if maximum is not None and amount > maximum:
        raise ValidationError(
            _("Le montant ne peut pas dépasser %(max)s €.") % {"max": maximum}, code="amount_too_large"
        )
    return amount
