"""Field validators with French messages (python-stdnum for IBAN and SIRET)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)
from stdnum.fr import siret as stdnum_siret


def validate_iban(value):
    if not value:
        return
    try:
        stdnum_iban.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("Cet IBAN n'est pas valide : sa clé de contrôle ne correspond pas."), code="iban_checksum"
        )
    except (InvalidLength, InvalidFormat, InvalidComponent):
        raise ValidationError(
            _("Cet IBAN n'est pas valide : vérifiez le code pays, la longueur et les caractères (ex. FR76 …)."),
            code="iban_format",
        )
    except StdnumError:
        raise ValidationError(_("Cet IBAN n'est pas valide."), code="iban")


def normalise_iban(value):
    return stdnum_iban.compact(value) if value else ""


def format_iban(value):
    return stdnum_iban.format(value) if value else ""


def validate_siret(value):
    if not value:
        return
    try:
        stdnum_siret.validate(value)
    except InvalidChecksum:
        raise ValidationError(_("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."), code="siret")
    except StdnumError:
        raise ValidationError(_("Un SIRET comporte 14 chiffres."), code="siret")


def validate_postcode(value):
    if value and not re.fullmatch(r"\d{5}", value):
        raise ValidationError(_("Un code postal comporte 5 chiffres."), code="postcode")
