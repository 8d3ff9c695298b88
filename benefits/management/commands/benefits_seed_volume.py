"""Volume data for the bench (SPEC 8: 300 cooperatives, 20,000 cooperators, 100,000 requests).

    manage.py seed_demo && manage.py benefits_seed_volume [--cooperatives 300 --cooperators 20000 --requests 100000]

Development only (refused without DEBUG). Written with bulk_create in batches; the demo Scop gets its
share of cooperators and requests so that its HR manager's pages show realistic volumes. Requests are
written directly in their state (no scans, no history rows). Running it again adds nothing once the
volume cooperatives exist.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import Organisation
from benefits import services
from benefits.enums import LegalForm, Package, RequestState
from benefits.models import BenefitRequest, Cooperative, Cooperator, sort_key

BATCH = 5000
STATES = [
    (RequestState.ENTERED, 10),
    ("awaiting", 5),
    (RequestState.PROCESSING, 10),
    (RequestState.PAID, 60),
    (RequestState.REFUSED, 10),
    (RequestState.WITHDRAWN, 5),
]
LAST_NAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent"]
FIRST_NAMES = ["Camille", "Léa", "Louis", "Hugo", "Chloé", "Nathan", "Emma", "Jules", "Inès", "Lucas"]


class Command(BaseCommand):
    help = "Crée le volume de la spécification pour le banc d'essai (développement seulement)."

    def add_arguments(self, parser):
        parser.add_argument("--cooperatives", type=int, default=300)
        parser.add_argument("--cooperators", type=int, default=20000)
        parser.add_argument("--requests", type=int, default=100000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, cooperatives, cooperators, requests, seed, **options):
        if not settings.DEBUG:
            raise CommandError("benefits_seed_volume est réservé au développement : DEBUG est désactivé.")
        union = Organisation.objects.filter(kind=OrganisationKind.UNION).order_by("pk").first()
        if union is None:
            raise CommandError("Lancez d'abord seed_demo (il faut l'Union de démonstration).")
        if Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE, code__startswith="VOL-").exists():
            self.stdout.write("Le volume existe déjà : rien à faire.")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            counts = self._seed(rng, union, cooperatives, cooperators, requests)
        if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would compute them later
            with connection.cursor() as cursor:
                for table in ("accounts_organisation", "benefits_cooperative", "benefits_cooperator"):
                    cursor.execute(f"ANALYZE {table}")
                cursor.execute("ANALYZE benefits_benefitrequest")
        coops, people, requests_count = counts
        self.stdout.write(
            self.style.SUCCESS(f"Volume créé : {coops} coopératives, {people} coopérateurs, {requests_count} demandes.")
        )

    def _seed(self, rng, union, n_coops, n_cooperators, n_requests):
        today = timezone.localdate()
        types = list(services.benefit_types_ensure(with_tariffs_for=[today.year - 1, today.year]).values())
        online = [t for t in types if not t.by_post_only]
        Organisation.objects.bulk_create(
            [
                Organisation(kind=OrganisationKind.COOPERATIVE, name=f"Coopérative volume {i:03d}", code=f"VOL-{i:03d}")
                for i in range(1, n_coops)  # the demo Scop is the last one
            ],
            batch_size=BATCH,
        )
        orgs = list(Organisation.objects.filter(code__startswith="VOL-").order_by("pk"))
        forms, packages = list(LegalForm.values), list(Package.values)
        Cooperative.objects.bulk_create(
            [
                Cooperative(
                    organisation=org,
                    union=union,
                    legal_form=forms[i % 3],
                    package=packages[i % 3],
                    address="1 rue du Volume",
                    postcode="75001",
                    city="Paris",
                )
                for i, org in enumerate(orgs)
            ],
            batch_size=BATCH,
        )
        coops = list(Cooperative.objects.filter(organisation__code__startswith="VOL-"))
        demo_scop = Cooperative.objects.filter(organisation__code="SCOP-0412").first()
        if demo_scop is not None:
            coops.append(demo_scop)
        first_number = 100000
        names = [(rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)) for _ in range(n_cooperators)]
        Cooperator.objects.bulk_create(
            [
                Cooperator(
                    cooperative=coops[i % len(coops)],
                    family_number=f"F{first_number + i:06d}",
                    first_name=names[i][1],
                    last_name=names[i][0],
                    sort_name=sort_key(*names[i]),  # bulk_create does not call save()
                    email=f"volume{i}@exemple.test",
                    entry_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(5000)),
                    exit_date=today - datetime.timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.08 else None,
                    weekly_hours=Decimal(rng.choice(["35", "28", "24", "17.5"])),
                    address="2 rue du Volume",
                    postcode="75002",
                    city="Paris",
                )
                for i in range(n_cooperators)
            ],
            batch_size=BATCH,
        )
        people = list(
            Cooperator.objects.filter(family_number__gte=f"F{first_number:06d}").values_list("pk", "cooperative_id")
        )
        states = [state for state, weight in STATES for _ in range(weight)]
        now = timezone.now()
        rows = []
        for _ in range(n_requests):
            cooperator_id, cooperative_id = rng.choice(people)
            state = rng.choice(states)
            awaiting = state == RequestState.AWAITING
            created = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            paid = state == RequestState.PAID
            benefit_type = rng.choice(online)
            rows.append(
                BenefitRequest(
                    cooperative_id=cooperative_id,
                    cooperator_id=cooperator_id,
                    benefit_type=benefit_type,
                    year=created.year,
                    state=state,
                    created_at=now - datetime.timedelta(days=rng.randrange(13)) if awaiting else created,
                    amount=Decimal(rng.choice(["60.00", "90.00", "100.00", "120.00"]))
                    if paid or state == RequestState.PROCESSING
                    else None,
                    payment_date=(created + datetime.timedelta(days=20)).date() if paid else None,
                    decision_reason="Pièce manquante" if state == RequestState.REFUSED else "",
                )
            )
            if len(rows) == BATCH:
                BenefitRequest.objects.bulk_create(rows)
                rows = []
        BenefitRequest.objects.bulk_create(rows)
        return len(coops), len(people), n_requests
