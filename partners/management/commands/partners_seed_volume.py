"""Volume data of the partners space for the bench.

    manage.py seed_demo && manage.py partners_seed_volume [--partners 2000 --preregistrations 20000
        --conventions 20000 --pending 300 --users 200]

Development only (refused without DEBUG). Adds `--partners` partners (each with its administrator
account) spread over every fund, `--conventions` conventions (about one in six with the demo fund,
mostly validated, a few awaiting), `--preregistrations` pre-registrations (decided ones over every
fund, plus `--pending` still pending with the demo fund: its administrator's queue) and `--users`
users in the demo partner (its administrator's users tab). Written with bulk_create in batches,
directly in their state (no e-mails, no history rows). Running it again adds nothing once the volume
partners exist.
"""

import datetime
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from partners.enums import ConventionState, PreRegistrationState
from partners.models import Convention, ConventionType, Partner, PartnerType, PreRegistration
from partners.reference import load_reference_data

BATCH = 5000
PREFIX = "PVOL-"
DEMO_FUND = "CARSAT-CE"
DEMO_PARTNER = "P-0001"
FOCUS_SHARE = 6  # one convention / decided pre-registration in six is with the demo fund
SIRETS = ["73282932000074", "35600000000048", "44306184100047", "55208131766522"]
TOWNS = [("62000", "Arras"), ("69003", "Lyon"), ("21000", "Dijon"), ("59000", "Lille"), ("13001", "Marseille")]
LAST_NAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent"]
FIRST_NAMES = ["Camille", "Léa", "Louis", "Hugo", "Chloé", "Nathan", "Emma", "Jules", "Inès", "Lucas"]
KINDS = ["Association", "Centre social", "SSIAD", "Aide à domicile", "EHPAD", "CCAS"]


class Command(BaseCommand):
    help = "Crée le volume de l'espace partenaires pour le banc d'essai (développement seulement)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=2000)
        parser.add_argument("--conventions", type=int, default=20000)
        parser.add_argument("--preregistrations", type=int, default=20000)
        parser.add_argument("--pending", type=int, default=300, help="préinscriptions en attente de la caisse de démo")
        parser.add_argument("--users", type=int, default=200, help="utilisateurs du partenaire de démo")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, partners, conventions, preregistrations, pending, users, seed, **options):
        if not settings.DEBUG:
            raise CommandError("partners_seed_volume est réservé au développement : DEBUG est désactivé.")
        focus_fund = Organisation.objects.filter(kind=OrganisationKind.FUND, code=DEMO_FUND).first()
        demo_partner = Partner.objects.filter(organisation__code=DEMO_PARTNER).select_related("organisation").first()
        if focus_fund is None or demo_partner is None:
            raise CommandError("Lancez d'abord seed_demo (il faut la caisse et le partenaire de démonstration).")
        if Organisation.objects.filter(kind=OrganisationKind.PARTNER, code__startswith=PREFIX).exists():
            self.stdout.write("Le volume existe déjà : rien à faire.")
            return
        load_reference_data()
        rng = random.Random(seed)
        with transaction.atomic():
            counts = self._seed(rng, focus_fund, demo_partner, partners, conventions, preregistrations, pending, users)
        if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would compute them later
            with connection.cursor() as cursor:
                for table in (
                    "accounts_organisation",
                    "accounts_user",
                    "accounts_membership",
                    "partners_partner",
                    "partners_convention",
                    "partners_preregistration",
                ):
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(
            self.style.SUCCESS(
                "Volume créé : {} partenaires, {} conventions, {} préinscriptions ({} en attente pour {}), "
                "{} utilisateurs pour {}.".format(*counts[:4], focus_fund, counts[4], demo_partner)
            )
        )

    def _seed(self, rng, focus_fund, demo_partner, n_partners, n_conventions, n_preregistrations, n_pending, n_users):
        now = timezone.now()
        funds = list(Organisation.objects.filter(kind=OrganisationKind.FUND, is_active=True).select_related("parent"))
        other_funds = [f for f in funds if f.pk != focus_fund.pk] or [focus_fund]
        partner_types = list(PartnerType.objects.active())
        convention_types = list(ConventionType.objects.active())
        unusable = make_password(None)

        def when():
            return now - datetime.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))

        def fund_for(i):
            return focus_fund if i % FOCUS_SHARE == 0 else rng.choice(other_funds)

        # Partners, each with its administrator account.
        Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=OrganisationKind.PARTNER,
                    name=f"{rng.choice(KINDS)} volume {i:05d}",
                    code=f"{PREFIX}{i:05d}",
                )
                for i in range(1, n_partners + 1)
            ],
            batch_size=BATCH,
        )
        orgs = list(Organisation.objects.filter(kind=OrganisationKind.PARTNER, code__startswith=PREFIX).order_by("pk"))
        partner_rows = []
        for i, org in enumerate(orgs):
            postcode, town = rng.choice(TOWNS)
            partner_rows.append(
                Partner(
                    organisation=org,
                    partner_type=rng.choice(partner_types),
                    siret=SIRETS[i % len(SIRETS)],
                    email=f"partenaire{i}@volume.test",
                    phone="03 02 01 05 09",
                    street_number=str(rng.randrange(1, 200)),
                    street_type="rue",
                    street_name="du Volume",
                    postcode=postcode,
                    town=town,
                    created_at=when(),
                )
            )
        Partner.objects.bulk_create(partner_rows, batch_size=BATCH)
        volume_partners = list(
            Partner.objects.filter(organisation__in=orgs).order_by("pk").values_list("pk", flat=True)
        )
        admins = self._users(rng, [f"pvol{i:05d}" for i in range(1, len(orgs) + 1)], unusable, now)
        Membership.objects.bulk_create(
            [
                Membership(user_id=user_id, organisation=org, role=Role.PARTNER_USER, is_admin=True)
                for user_id, org in zip(admins, orgs, strict=True)
            ],
            batch_size=BATCH,
        )

        # Conventions: mostly validated, a few awaiting the fund, some invalidated.
        states = [ConventionState.VALIDATED] * 85 + [ConventionState.AWAITING] * 3 + [ConventionState.INVALIDATED] * 12
        partner_pool = volume_partners or [demo_partner.pk]
        rows = []
        for i in range(n_conventions):
            state = rng.choice(states)
            created = when()
            rows.append(
                Convention(
                    partner_id=partner_pool[i % len(partner_pool)],
                    fund=fund_for(i),
                    convention_type=rng.choice(convention_types),
                    code=f"VOL-C{i:06d}",
                    state=state,
                    created_at=created,
                    decided_at=None if state == ConventionState.AWAITING else created + datetime.timedelta(days=3),
                    decision_reason="Code inconnu de la caisse" if state == ConventionState.INVALIDATED else "",
                )
            )
        Convention.objects.bulk_create(rows, batch_size=BATCH)

        # Pre-registrations: decided ones over every fund, then the demo fund's pending queue.
        decided = [PreRegistrationState.VALIDATED] * 4 + [PreRegistrationState.INVALIDATED]
        rows = []
        for i in range(n_preregistrations):
            pending = i < n_pending
            fund = focus_fund if pending else fund_for(i)
            created = now - datetime.timedelta(minutes=rng.randrange(60 * 24 * 60)) if pending else when()
            state = PreRegistrationState.PENDING if pending else rng.choice(decided)
            postcode, town = rng.choice(TOWNS)
            rows.append(
                PreRegistration(
                    state=state,
                    regime_id=fund.parent_id,
                    fund=fund,
                    convention_code=f"VOL-P{i:06d}",
                    partner_type=rng.choice(partner_types),
                    partner_name=f"{rng.choice(KINDS)} inscrit {i:05d}",
                    siret=SIRETS[i % len(SIRETS)],
                    phone="03 02 01 05 09",
                    postcode=postcode,
                    town=town,
                    admin_last_name=rng.choice(LAST_NAMES),
                    admin_first_name=rng.choice(FIRST_NAMES),
                    admin_login=f"pvolreg{i:06d}",
                    admin_email=f"inscription{i}@volume.test",
                    admin_phone="06 12 34 56 78",
                    created_at=created,
                    decided_at=None if pending else created + datetime.timedelta(days=5),
                    decision_reason="SIRET erroné" if state == PreRegistrationState.INVALIDATED else "",
                )
            )
            if len(rows) == BATCH:
                PreRegistration.objects.bulk_create(rows)
                rows = []
        PreRegistration.objects.bulk_create(rows)

        # The demo partner's users tab.
        members = self._users(rng, [f"pvolu{i:04d}" for i in range(1, n_users + 1)], unusable, now)
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=user_id,
                    organisation=demo_partner.organisation,
                    role=Role.PARTNER_USER,
                    is_admin=i % 20 == 0,
                )
                for i, user_id in enumerate(members)
            ],
            batch_size=BATCH,
        )
        return len(orgs), n_conventions, n_preregistrations, min(n_pending, n_preregistrations), len(members)

    def _users(self, rng, identifiers, password, now):
        User.objects.bulk_create(
            [
                User(
                    identifier=identifier,
                    email=f"{identifier}@volume.test",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    phone="06 12 34 56 78",
                    password=password,
                    password_changed_at=now,
                )
                for identifier in identifiers
            ],
            batch_size=BATCH,
        )
        by_identifier = dict(User.objects.filter(identifier__in=identifiers).values_list("identifier", "pk"))
        return [by_identifier[identifier] for identifier in identifiers]
