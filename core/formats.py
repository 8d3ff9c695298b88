"""Human formats shared by templates, forms and messages.

file_size(10 * 1024 * 1024)  -> "10 Mo"    (not Django's filesizeformat "10,0 Mio")
file_size(1536)              -> "1,5 Ko"
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

UNITS = (
    (1024**3, lambda: _("Go")),
    (1024**2, lambda: _("Mo")),
    (1024, lambda: _("Ko")),
)


def file_size(size):
    """A byte count as people write it: "10 Mo", "1,5 Ko", "512 octets" (one decimal at most, none if round)."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        size = 0
    for factor, unit in UNITS:
        if size >= factor:
            value = round(size / factor, 1)
            decimals = 0 if value == int(value) else 1
            return f"{number_format(value, decimals)}\u00a0{unit()}"
    return ngettext("%(count)s octet", "%(count)s octets", size) % {"count": size}
