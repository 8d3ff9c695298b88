"""Demo data: organisations of every kind and one account per role (development only).

Idempotent: running it again changes nothing. Refused when DEBUG is off.
"""

import importlib
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.enums import OrganisationKind, Role, Space
from accounts.models import ConsentText, Membership, Organisation, User
from accounts.services.consent import consent_text_publish

# Demo passwords, printed on start and listed in the README. Partners' rule is 8-12 letters and digits.
DEMO_PASSWORD = "Guichet-demo-2026"  # noqa: S105 - demo only, refused without DEBUG
DEMO_PARTNER_PASSWORD = "Demo2026pas"  # noqa: S105


@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: str
    name: str
    code: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    identifier: str
    first_name: str
    last_name: str
    memberships: tuple  # (org key, role, is_admin)
    email: str = ""
    password: str = DEMO_PASSWORD
    superuser: bool = False


ORGANISATIONS = [
    DemoOrg("union", OrganisationKind.UNION, "Union sociale des coopératives (démo)"),
    DemoOrg("scop", OrganisationKind.COOPERATIVE, "Scop Les Ateliers du Canal (démo)", code="SCOP-0412"),
    DemoOrg("scic", OrganisationKind.COOPERATIVE, "Scic Énergies Partagées (démo)", code="SCIC-0977"),
    DemoOrg("agency", OrganisationKind.AGENCY, "Coop Emploi Lyon (démo)", code="AG-LYON"),
    DemoOrg("agency2", OrganisationKind.AGENCY, "Coop Emploi Grenoble (démo)", code="AG-GRE"),
    DemoOrg("client", OrganisationKind.CLIENT_COMPANY, "Menuiseries Rhône (démo)", code="CL-0001"),
    DemoOrg("national", OrganisationKind.NATIONAL_ADMIN, "Administration nationale des partenaires (démo)"),
    DemoOrg("regime", OrganisationKind.REGIME, "CNAV", code="CNAV"),
    DemoOrg("fund", OrganisationKind.FUND, "Carsat Centre-Est (démo)", code="CARSAT-CE", parent="regime"),
    DemoOrg("partner", OrganisationKind.PARTNER, "Aide à Domicile du Val (démo)", code="P-0001"),
    DemoOrg("ucanss", OrganisationKind.UCANSS, "Ucanss (démo)", code="UCANSS"),
    DemoOrg("organisme", OrganisationKind.ORGANISME, "CPAM de Villeneuve (démo)", code="751000"),
    DemoOrg("organisme2", OrganisationKind.ORGANISME, "CAF de Villeneuve (démo)", code="752000"),
    # No local correspondent: its account requests go to the Ucanss admins.
    DemoOrg("organisme3", OrganisationKind.ORGANISME, "Urssaf de Villeneuve (démo)", code="753000"),
]

ACCOUNTS = [
    DemoAccount("admin", "Admin", "Technique", (), email="admin@guichet.demo", superuser=True),
    DemoAccount(
        "gestion@union.demo", "Gaëlle", "Officier", (("union", Role.UNION_OFFICER, True),), "gestion@union.demo"
    ),
    DemoAccount(
        "rh@ateliers-canal.demo", "Rémi", "Hervé", (("scop", Role.COOP_MANAGER, True),), "rh@ateliers-canal.demo"
    ),
    DemoAccount(
        "F004217MD", "Denise", "Martin", (("scop", Role.COOPERATOR, False),), "denise.martin@ateliers-canal.demo"
    ),
    DemoAccount(
        "agence@coop-emploi.demo", "Alain", "Gence", (("agency", Role.AGENCY_STAFF, True),), "agence@coop-emploi.demo"
    ),
    DemoAccount(
        "interimaire@exemple.demo",
        "Inès",
        "Terim",
        (("agency", Role.TEMP_WORKER, False), ("agency2", Role.TEMP_WORKER, False)),
        "interimaire@exemple.demo",
    ),
    DemoAccount(
        "client@menuiseries.demo", "Claire", "Lient", (("client", Role.CLIENT_USER, False),), "client@menuiseries.demo"
    ),
    DemoAccount(
        "national@partenaires.demo",
        "Nadia",
        "Tional",
        (("national", Role.NATIONAL_ADMIN, True),),
        "national@partenaires.demo",
        password=DEMO_PARTNER_PASSWORD,
    ),
    DemoAccount(
        "caisse@carsat.demo",
        "Camille",
        "Caisse",
        (("fund", Role.FUND_ADMIN, True),),
        "caisse@carsat.demo",
        password=DEMO_PARTNER_PASSWORD,
    ),
    DemoAccount(
        "aidadom01",
        "Paul",
        "Artenaire",
        (("partner", Role.PARTNER_USER, True),),
        "contact@aidadom.demo",
        password=DEMO_PARTNER_PASSWORD,
    ),
    DemoAccount(
        "aidadom02",
        "Pia",
        "Artenaire",
        (("partner", Role.PARTNER_USER, False),),
        "pia@aidadom.demo",
        password=DEMO_PARTNER_PASSWORD,
    ),
    DemoAccount("admin@ucanss.demo", "Ulysse", "Canss", (("ucanss", Role.UCANSS_ADMIN, True),), "admin@ucanss.demo"),
    DemoAccount("applis@ucanss.demo", "Agathe", "Pli", (("ucanss", Role.APP_MANAGER, False),), "applis@ucanss.demo"),
    DemoAccount(
        "correspondant@cpam.demo",
        "Corinne",
        "Respond",
        (("organisme", Role.CORRESPONDENT, True),),
        "correspondant@cpam.demo",
    ),
    DemoAccount(
        "agent@cpam.demo",
        "Olivier",
        "Ganisme",
        (("organisme", Role.ORGANISME_USER, False), ("organisme2", Role.ORGANISME_USER, False)),
        "agent@cpam.demo",
    ),
    DemoAccount("751000RH", "CPAM", "Villeneuve", (("organisme", Role.ORGANISME_USER, False),), "rh@cpam.demo"),
    DemoAccount(
        "correspondant@caf.demo",
        "Carole",
        "Afcorres",
        (("organisme2", Role.CORRESPONDENT, True),),
        "correspondant@caf.demo",
    ),
    DemoAccount(
        "collegue@cpam.demo", "Colette", "Lègue", (("organisme", Role.ORGANISME_USER, False),), "collegue@cpam.demo"
    ),
    DemoAccount(
        "agent@urssaf.demo", "Ugo", "Rssaf", (("organisme3", Role.ORGANISME_USER, False),), "agent@urssaf.demo"
    ),
]

CONSENT_TEXTS = {
    Space.BENEFITS: "Protection des données : vos prestations",
    Space.INTERIM: "Protection des données : votre dossier d'intérimaire",
    Space.PARTNERS: "Protection des données : votre espace partenaire",
    Space.HABILITATIONS: "Protection des données : votre espace organisme",
}

CONSENT_BODY = (
    "Guichet traite vos données personnelles pour gérer votre compte et les services de cet espace. "
    "Elles ne sont communiquées qu'aux organismes qui en ont besoin pour traiter vos demandes, sont "
    "conservées le temps nécessaire à ce traitement, puis archivées ou effacées. Vous pouvez les "
    "télécharger et demander leur effacement depuis « Mes données »."
)


# Each space seeds its own demo records in `<app>/demo.py`: `seed(*, orgs, users)`, idempotent,
# with the organisations (by key above) and users (by identifier) created here.
SPACE_APPS = ("benefits", "interim", "partners", "habilitations")


def _space_seeder(app):
    try:
        module = importlib.import_module(f"{app}.demo")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.demo":
            raise
        return None
    return module.seed


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration (organisations de chaque type, un compte par rôle). Développement seulement."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo est réservé au développement : DEBUG est désactivé.")
        created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes ({created} compte(s) créé(s))."))
        self.print_accounts()

    @transaction.atomic
    def seed(self):
        orgs = {}
        for spec in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(
                kind=spec.kind,
                name=spec.name,
                defaults={"code": spec.code, "parent": orgs.get(spec.parent)},
            )
            orgs[spec.key] = org
        for space, title in CONSENT_TEXTS.items():
            if not ConsentText.objects.filter(space=space).exists():
                consent_text_publish(space=space, title=title, body=CONSENT_BODY)
        created = 0
        users = {}
        for spec in ACCOUNTS:
            user = User.objects.filter(identifier__iexact=spec.identifier).first()
            if user is None:
                user = User(
                    identifier=spec.identifier,
                    email=spec.email,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    is_staff=spec.superuser,
                    is_superuser=spec.superuser,
                )
                user.set_password(spec.password)
                user.save()
                created += 1
            users[spec.identifier] = user
            for org_key, role, is_admin in spec.memberships:
                Membership.objects.get_or_create(
                    user=user, organisation=orgs[org_key], defaults={"role": role, "is_admin": is_admin}
                )
        for space_app in SPACE_APPS:
            seed_space = _space_seeder(space_app)
            if seed_space is not None:
                seed_space(orgs=orgs, users=users)
        return created

    def print_accounts(self):
        self.stdout.write("Comptes de démonstration (identifiant / mot de passe / rôle) :")
        for spec in ACCOUNTS:
            roles = ", ".join(str(Role(role).label) for _, role, _ in spec.memberships) or "superutilisateur"
            self.stdout.write(f"  {spec.identifier:<32} {spec.password:<20} {roles}")
