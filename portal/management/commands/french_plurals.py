"""Writes locale/fr/LC_MESSAGES/django.po: the French plural forms of every counted message.

French is the source language, so there is no French translation, and without one gettext's
fallback rule for ngettext / {% blocktranslate count %} is English's (n != 1): "0 demandes payées".
French says "0 demande payée" (plural when n > 1). This command collects the project's messages with
makemessages, keeps the plural ones, fills their two forms with the source texts and compiles the
catalogue, whose header carries French's rule. Run it after adding or changing a counted message:

    python manage.py french_plurals
"""

import ast
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: Guichet\\n"\n'
    '"Last-Translator: Guichet <ne-pas-repondre@guichet.localhost>\\n"\n'
    '"Language-Team: French\\n"\n'
    '"Language: fr\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
)


def _po_entries(text):
    """(msgctxt, msgid, msgid_plural, flags) of each entry of a .po file (obsolete ones left out)."""
    for block in text.split("\n\n"):
        fields, current, flags = {}, None, []
        for line in block.splitlines():
            if line.startswith("#~"):
                fields = {}
                break
            if line.startswith("#,"):
                flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
            else:
                keyword, _space, rest = line.partition(" ")
                current = keyword
                fields[current] = ast.literal_eval(rest) if rest else ""
        if fields.get("msgid"):
            yield fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), flags


def _quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def french_plural_catalogue(source_text):
    """The .po text of the plural entries of `source_text`, both forms filled with the French source texts."""
    parts = [HEADER]
    for msgctxt, msgid, msgid_plural, flags in _po_entries(source_text):
        if not msgid_plural:
            continue
        lines = []
        if flags:
            lines.append("#, " + ", ".join(flags))
        if msgctxt is not None:
            lines.append(f"msgctxt {_quote(msgctxt)}")
        lines += [
            f"msgid {_quote(msgid)}",
            f"msgid_plural {_quote(msgid_plural)}",
            f"msgstr[0] {_quote(msgid)}",
            f"msgstr[1] {_quote(msgid_plural)}",
        ]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


class Command(BaseCommand):
    help = "Writes the French plural forms catalogue (locale/fr) so that 0 and 1 take the singular."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        target = base / "locale" / "fr" / "LC_MESSAGES"
        with tempfile.TemporaryDirectory() as scratch:
            # makemessages writes into the project's locale folders: let it write a throwaway language.
            call_command("makemessages", locale=["xx"], no_location=True, no_obsolete=True, verbosity=0)
            generated = base / "locale" / "xx"
            try:
                source = Path(scratch) / "django.po"
                shutil.copy(generated / "LC_MESSAGES" / "django.po", source)
            finally:
                shutil.rmtree(generated, ignore_errors=True)
            catalogue = french_plural_catalogue(source.read_text(encoding="utf-8"))
        target.mkdir(parents=True, exist_ok=True)
        (target / "django.po").write_text(catalogue, encoding="utf-8")
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            raise CommandError("msgfmt not found: apt-get install gettext")
        mo, po = str(target / "django.mo"), str(target / "django.po")
        subprocess.run([msgfmt, "--check", "-o", mo, po], check=True)  # noqa: S603 - our own paths
        count = catalogue.count("\nmsgid_plural ")
        self.stdout.write(f"{count} plural messages written to {target / 'django.po'}")
