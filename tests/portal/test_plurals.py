"""French plurals: 0 and 1 take the singular ("0 demande payée"), through the French plural catalogue."""

import gettext
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

from portal.management.commands.french_plurals import _po_entries, french_plural_catalogue

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_zero_and_one_take_the_singular_in_french():
    with translation.override("fr"):
        for count, expected in [(0, "0 demande payée."), (1, "1 demande payée."), (2, "2 demandes payées.")]:
            text = ngettext("%(count)s demande payée.", "%(count)s demandes payées.", count) % {"count": count}
            assert text == expected
        template = Template(
            "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} résultat{% plural %}"
            "{{ counter }} résultats{% endblocktranslate %}"
        )
        assert template.render(Context({"n": 0})) == "0 résultat"
        assert template.render(Context({"n": 3})) == "3 résultats"


def test_every_counted_message_has_its_french_plural_forms():
    """A counted message known to the English catalogue must be in the French one (manage.py french_plurals)."""
    french = {(ctx, msgid) for ctx, msgid, plural, _flags in _po_entries(_read("fr")) if plural}
    english = {(ctx, msgid) for ctx, msgid, plural, _flags in _po_entries(_read("en")) if plural}
    missing = sorted(msgid for _ctx, msgid in english - french)
    assert not missing, "Run `python manage.py french_plurals`; missing:\n" + "\n".join(missing)
    # The compiled catalogue (what Django reads) holds the same entries.
    with open(LOCALE / "fr" / "LC_MESSAGES" / "django.mo", "rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    for ctx, msgid in french:
        if ctx is None:
            assert compiled.ngettext(msgid, msgid + "_plural", 0) == msgid, msgid


def test_catalogue_keeps_plural_entries_only_with_both_forms():
    source = (
        'msgid ""\nmsgstr ""\n\n'
        '#, python-format\nmsgid "%(n)s fichier"\nmsgid_plural "%(n)s fichiers"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgid "Seul"\nmsgstr ""\n'
    )
    text = french_plural_catalogue(source)
    assert "plural=(n > 1)" in text
    assert 'msgstr[0] "%(n)s fichier"' in text and 'msgstr[1] "%(n)s fichiers"' in text
    assert not re.search(r'msgid "Seul"', text)


def _read(language):
    return (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
