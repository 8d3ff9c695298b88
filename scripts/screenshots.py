"""Screenshots of each space for the README, taken on the demo data of a running portal.

    python3 dev.py run &                          # the portal on http://127.0.0.1:8000 with demo data
    .venv/bin/python scripts/screenshots.py        # writes docs/screenshots/*.png

Signs in as the demo accounts through the real login form. For accounts whose role requires a
second factor, it gives the demo account a TOTP device in the development database and types the
current code, as a person with an authenticator app would.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from accounts.models import ConsentAcceptance, ConsentText, User  # noqa: E402
from accounts.services.otp import otp_required_for  # noqa: E402
from portal.management.commands.seed_demo import ACCOUNTS  # noqa: E402

# (file name, demo identifier or None for an anonymous visit, path)
SHOTS = [
    ("home", None, "/"),
    ("benefits-hr-requests", "rh@ateliers-canal.demo", "/prestations/demandes/"),
    ("benefits-hr-cooperators", "rh@ateliers-canal.demo", "/prestations/cooperateurs/"),
    ("benefits-officer-queue", "gestion@union.demo", "/prestations/instruction/"),
    ("benefits-statistics", "gestion@union.demo", "/prestations/statistiques/"),
    ("partners-public-home", None, "/partenaires/"),
    ("partners-registration", None, "/partenaires/inscription/"),
    ("partners-admin-users", "aidadom01", "/partenaires/administration/utilisateurs/"),
    ("partners-fund-queue", "caisse@carsat.demo", "/partenaires/caisse/"),
    ("partners-eval-fund-list", "caisse@carsat.demo", "/partenaires/caisse/evaluations/"),
    ("partners-eval-orders", "aidadom01", "/partenaires/evaluations/commandes/"),
    ("partners-eval-history", "aidadom01", "/partenaires/historique/"),
    ("interim-dashboard", "interimaire@exemple.demo", "/tableau-de-bord/"),
    ("interim-offers", "interimaire@exemple.demo", "/interimaires/offres/"),
    ("interim-contracts", "interimaire@exemple.demo", "/interimaires/contrats/"),
    ("interim-planning", "interimaire@exemple.demo", "/interimaires/plannings/"),
    ("interim-client-hours", "client@menuiseries.demo", "/interimaires/heures/"),
    ("interim-agency-timesheets", "agence@coop-emploi.demo", "/interimaires/feuilles-heures/"),
    ("interim-agency-contracts", "agence@coop-emploi.demo", "/interimaires/agence/contrats/"),
    ("interim-agency-missions", "agence@coop-emploi.demo", "/interimaires/agence/missions/"),
    ("interim-agency-new-mission", "agence@coop-emploi.demo", "/interimaires/agence/missions/nouvelle/"),
    ("interim-agency-bulk-documents", "agence@coop-emploi.demo", "/interimaires/agence/documents/"),
    ("interim-agency-workers", "agence@coop-emploi.demo", "/interimaires/agence/interimaires/"),
    ("interim-agency-validations", "agence@coop-emploi.demo", "/interimaires/agence/a-valider/"),
    ("interim-agency-advances", "agence@coop-emploi.demo", "/interimaires/agence/acomptes/"),
    ("interim-agency-content", "agence@coop-emploi.demo", "/interimaires/agence/bureau-virtuel/"),
    ("habilitations-dashboard", "agent@cpam.demo", "/tableau-de-bord/"),
    ("habilitations-login", None, "/organismes/connexion/"),
    ("habilitations-account-request", None, "/organismes/demande-de-compte/"),
    ("habilitations-caregiver", None, "/organismes/aide-aux-aidants/"),
    ("habilitations-catalogue", "agent@cpam.demo", "/organismes/applications/"),
    ("habilitations-my-rights", "agent@cpam.demo", "/organismes/mes-informations/habilitations/"),
    ("habilitations-subscriptions", "agent@cpam.demo", "/organismes/mes-informations/abonnements/"),
    ("habilitations-queue", "correspondant@cpam.demo", "/organismes/a-valider/"),
    ("habilitations-rights", "correspondant@cpam.demo", "/organismes/habilitations/"),
    ("habilitations-collaborators", "correspondant@cpam.demo", "/organismes/collaborateurs/"),
    ("habilitations-account-requests", "admin@ucanss.demo", "/organismes/demandes-de-compte/"),
    ("habilitations-admin-applications", "admin@ucanss.demo", "/organismes/administration/applications/"),
    ("account-profile", "F004217MD", "/compte/profil/"),
    ("account-second-factor", "F004217MD", "/compte/double-authentification/"),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",
]


def prepare(identifier):
    """Consent accepted and, where the role requires it, a TOTP device: the shots are of the spaces, not the gates."""
    user = User.objects.get(identifier__iexact=identifier)
    for text in ConsentText.objects.all():
        ConsentAcceptance.objects.get_or_create(user=user, text=text)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and otp_required_for(user):
        device = TOTPDevice.objects.create(user=user, name="Démo", confirmed=True)
    return device


def sign_in(page, base, identifier):
    password = next(spec.password for spec in ACCOUNTS if spec.identifier == identifier)
    device = prepare(identifier)
    page.goto(f"{base}/compte/connexion/")
    page.fill("#id_username", identifier)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "verification" in page.url:
        page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        identifiers = list(dict.fromkeys(identifier for _, identifier, _ in SHOTS))
        for identifier in identifiers:  # one sign-in per account: a TOTP code is accepted once
            context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1300})
            page = context.new_page()
            if identifier:
                sign_in(page, args.base, identifier)
            for name, _, path in (shot for shot in SHOTS if shot[1] == identifier):
                page.goto(f"{args.base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}.png"), full_page=False)
                print(f"{name}: {page.url}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
