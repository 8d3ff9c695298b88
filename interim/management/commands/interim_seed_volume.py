"""Volume data of the Espace intérimaire for the bench: one agency at the issue's scale.

    manage.py seed_demo && manage.py interim_seed_volume [--workers 5000 --contracts 200000
        --clients 30 --changes 300 --diplomas 200 --requests 100 --advances 400]

Development only (refused without DEBUG). Adds to the demo agency (AG-LYON, agence@coop-emploi.demo)
`--workers` workers (numbers 20001…, each with an account signing in by e-mail, a sector, a validated
diploma and one or two qualifications), `--clients` client companies, one mission per ten contracts and
`--contracts` contracts spread over three years and every state (most signed, a few hundred to sign),
a month of validated hours for one worker in five (the advance limit), and the agency's queues:
`--changes` profile changes (one in five bank details), `--diplomas` diplomas and `--requests`
document requests waiting, `--advances` advances for the coming Wednesday (one in four accepted).
The first volume client company gets a user (client@volume.test, the bench's client) and the
timesheets of its signed contracts of the last `--timesheet-weeks` weeks (one a contract and week,
hours on the weekdays: the older weeks validated, the last two submitted, this week's a draft).
Every contract points at one shared PDF (stored once). Written with bulk_create in batches, directly
in their state (no e-mails, no history rows, no planning slots for the validated hours). Running it
again adds nothing once the volume exists, except the client's part on a volume made before it.
"""

import datetime
import hashlib
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from interim import pdf
from interim.enums import (
    AdvanceState,
    AvailabilityKind,
    ChangeGroup,
    ContractState,
    DiplomaState,
    DocumentKind,
    FamilySituation,
    SlotState,
    TimesheetState,
    WorkPeriod,
)
from interim.models import (
    Advance,
    Agency,
    Availability,
    ClientCompany,
    Contract,
    Diploma,
    DocumentRequest,
    Mission,
    PlanningSlot,
    ProfileChange,
    Timesheet,
    TimesheetEntry,
    Worker,
    WorkerQualification,
)
from interim.payroll import payment_date_for

BATCH = 5000
DEMO_AGENCY = "AG-LYON"
CLIENT_PREFIX = "CVOL-"
FIRST_NUMBER = 20001
CONTRACTS_PER_MISSION = 10
CLIENT_USER = "client@volume.test"
LAST_NAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent"]
FIRST_NAMES = ["Camille", "Léa", "Louis", "Hugo", "Chloé", "Nathan", "Emma", "Jules", "Inès", "Lucas"]
TOWNS = [("69003", "Lyon"), ("69100", "Villeurbanne"), ("38000", "Grenoble"), ("01000", "Bourg-en-Bresse")]
PLACES = ["RESIDENCE JEAN XXIII", "EHPAD LES TILLEULS", "ENTREPOT NORD", "ATELIER CENTRAL", "CLINIQUE DU PARC"]
# Old contracts are signed or cancelled; the recent ones are in every state.
OLD_STATES = [ContractState.SIGNED] * 9 + [ContractState.CANCELLED]
RECENT_STATES = [ContractState.SIGNED] * 5 + [ContractState.TO_SIGN] * 3 + [ContractState.AWAITING] * 2


def volume_number(i):
    return str(FIRST_NUMBER + i)


class Command(BaseCommand):
    help = "Crée le volume de l'espace intérimaire pour le banc d'essai (développement seulement)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=5000)
        parser.add_argument("--contracts", type=int, default=200000)
        parser.add_argument("--clients", type=int, default=30)
        parser.add_argument("--changes", type=int, default=300, help="modifications de fiche en attente")
        parser.add_argument("--diplomas", type=int, default=200, help="diplômes en attente")
        parser.add_argument("--requests", type=int, default=100, help="demandes de documents en attente")
        parser.add_argument("--advances", type=int, default=400, help="acomptes du prochain mercredi")
        parser.add_argument("--timesheet-weeks", type=int, default=26, help="semaines de feuilles d'heures du client")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("interim_seed_volume est réservé au développement : DEBUG est désactivé.")
        agency = Agency.objects.filter(organisation__code=DEMO_AGENCY).select_related("organisation").first()
        if agency is None or not agency.qualifications.exists():
            raise CommandError("Lancez d'abord seed_demo (il faut l'agence de démonstration et ses qualifications).")
        if options["workers"] < 1:
            raise CommandError("Il faut au moins un intérimaire.")
        if Worker.objects.filter(agency=agency, number=volume_number(0)).exists():
            if User.objects.filter(identifier=CLIENT_USER).exists():
                self.stdout.write("Le volume existe déjà : rien à faire.")
                return
            with transaction.atomic():  # a volume made before the client's part: only that is added
                sheets = self._seed_client(options["timesheet_weeks"])
            self._analyze((Timesheet, TimesheetEntry))
            self.stdout.write(self.style.SUCCESS(f"Client {CLIENT_USER} ajouté : {sheets} feuilles d'heures."))
            return
        rng = random.Random(options["seed"])
        started = timezone.now()
        with transaction.atomic():
            counts = self._seed(rng, agency, options)
            sheets = self._seed_client(options["timesheet_weeks"])
        self._analyze(
            (
                User,
                Membership,
                Worker,
                Mission,
                Contract,
                PlanningSlot,
                Advance,
                ProfileChange,
                Timesheet,
                TimesheetEntry,
            )
        )
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                "Volume créé pour {agency} : {} intérimaires, {} contrats, {} missions, {} entreprises clientes, "
                "{} modifications, {} diplômes, {} demandes de documents, {} acomptes en attente "
                "({seconds:.0f} s).".format(*counts, agency=agency, seconds=seconds)
            )
        )
        self.stdout.write(f"Client {CLIENT_USER} : {sheets} feuilles d'heures.")

    def _analyze(self, models):
        if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would compute them later
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")

    def _seed_client(self, weeks):
        """The bench's client: a user of the first volume client company, and the timesheets of its signed
        contracts of the last `weeks` weeks (one a contract and week, 7 hours a weekday of the mission)."""
        client = (
            ClientCompany.objects.filter(organisation__code__startswith=CLIENT_PREFIX).order_by("organisation__code")
        ).first()
        if client is None:
            return 0
        now = timezone.now()
        user = User.objects.create(
            identifier=CLIENT_USER,
            email=CLIENT_USER,
            first_name="Claire",
            last_name="Volume",
            phone="+33612345657",
            password=make_password(None),
            password_changed_at=now,
        )
        Membership.objects.create(user=user, organisation_id=client.pk, role=Role.CLIENT_USER)
        today = timezone.localdate()
        this_monday = today - datetime.timedelta(days=today.weekday())
        since = this_monday - datetime.timedelta(weeks=weeks)
        contracts = Contract.objects.filter(
            mission__client=client,
            state=ContractState.SIGNED,
            mission__end_date__gte=since,
            mission__start_date__lte=today,
        ).values_list("pk", "mission__start_date", "mission__end_date")
        sheets, days = [], []
        for contract_id, start, end in contracts.order_by("pk"):
            monday = max(start - datetime.timedelta(days=start.weekday()), since)
            while monday <= min(end, today):
                submitted = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(18)))
                submitted += datetime.timedelta(days=4)
                if monday == this_monday:
                    state, submitted = TimesheetState.DRAFT, None
                elif monday >= this_monday - datetime.timedelta(weeks=2):
                    state = TimesheetState.SUBMITTED
                else:
                    state = TimesheetState.VALIDATED
                sheets.append(
                    Timesheet(
                        contract_id=contract_id,
                        week_start=monday,
                        state=state,
                        created_by=user,
                        submitted_at=submitted,
                        decided_at=submitted + datetime.timedelta(days=1)
                        if state == TimesheetState.VALIDATED
                        else None,
                    )
                )
                days.append(
                    [
                        monday + datetime.timedelta(days=offset)
                        for offset in range(5)
                        if start <= monday + datetime.timedelta(days=offset) <= min(end, today)
                    ]
                )
                monday += datetime.timedelta(weeks=1)
        created = Timesheet.objects.bulk_create(sheets, batch_size=BATCH)
        TimesheetEntry.objects.bulk_create(
            [
                TimesheetEntry(timesheet_id=sheet.pk, date=date, start=datetime.time(8), minutes=420)
                for sheet, dates in zip(created, days, strict=True)
                for date in dates
            ],
            batch_size=BATCH,
        )
        return len(created)

    def _seed(self, rng, agency, options):
        now = timezone.now()
        today = timezone.localdate()
        n_workers = options["workers"]
        qualifications = list(agency.qualifications.all())
        sectors = list(agency.sectors.all())

        # Client companies.
        Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=OrganisationKind.CLIENT_COMPANY, name=f"Client volume {i:03d}", code=f"{CLIENT_PREFIX}{i:03d}"
                )
                for i in range(1, options["clients"] + 1)
            ]
        )
        client_orgs = list(Organisation.objects.filter(code__startswith=CLIENT_PREFIX).order_by("pk"))
        ClientCompany.objects.bulk_create(
            [ClientCompany(organisation=org, phone="04 72 00 00 00") for org in client_orgs], ignore_conflicts=True
        )
        clients = list(ClientCompany.objects.filter(organisation__code__startswith=CLIENT_PREFIX)) or list(
            ClientCompany.objects.all()[:1]
        )
        if not clients:
            raise CommandError("Aucune entreprise cliente : lancez seed_demo ou indiquez --clients.")

        # Accounts (interim workers sign in by e-mail), memberships, worker files.
        unusable = make_password(None)
        identifiers = [f"ivol{volume_number(i)}@volume.test" for i in range(n_workers)]
        names = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(n_workers)]
        User.objects.bulk_create(
            [
                User(
                    identifier=identifier,
                    email=identifier,
                    first_name=first,
                    last_name=last,
                    phone="+33612345656",
                    password=unusable,
                    password_changed_at=now,
                )
                for identifier, (first, last) in zip(identifiers, names, strict=True)
            ],
            batch_size=BATCH,
        )
        user_ids = dict(User.objects.filter(identifier__in=identifiers).values_list("identifier", "pk"))
        Membership.objects.bulk_create(
            [
                Membership(user_id=user_ids[identifier], organisation_id=agency.pk, role=Role.TEMP_WORKER)
                for identifier in identifiers
            ],
            batch_size=BATCH,
        )
        membership_ids = dict(
            Membership.objects.filter(
                organisation_id=agency.pk, role=Role.TEMP_WORKER, user__identifier__in=identifiers
            ).values_list("user_id", "pk")
        )
        workers = []
        for i, identifier in enumerate(identifiers):
            user_id = user_ids[identifier]
            postcode, town = rng.choice(TOWNS)
            workers.append(
                Worker(
                    membership_id=membership_ids[user_id],
                    agency=agency,
                    user_id=user_id,
                    number=volume_number(i),
                    sector=sectors[i % len(sectors)] if sectors else None,
                    nir=f"{rng.choice('12')}{rng.randrange(60, 99)}{rng.randrange(1, 13):02d}69{i:08d}",
                    mobility_km=rng.choice([10, 20, 30, 50, None]),
                    work_period=rng.choice(WorkPeriod.values),
                    street=f"{rng.randrange(1, 150)} rue du Volume",
                    postcode=postcode,
                    town=town,
                    iban="FR7630006000011234567890189",
                    bank_holder=" ".join(names[i]),
                    family_situation=rng.choice(FamilySituation.values),
                    created_at=now - datetime.timedelta(days=rng.randrange(3 * 365)),
                )
            )
        Worker.objects.bulk_create(workers, batch_size=BATCH)
        worker_ids = list(
            Worker.objects.filter(agency=agency, number__in=[volume_number(i) for i in range(n_workers)])
            .order_by("number")
            .values_list("pk", flat=True)
        )

        # One shared PDF for every diploma, one for every contract.
        diploma_name = Diploma._meta.get_field("file").storage.save(
            "interim/diplomas/volume-diplome.pdf", ContentFile(pdf._page("Diplôme (volume)", ["CAP"]))
        )
        contract_bytes = pdf._page("Contrat de mission (volume)", ["Données de volume"])
        contract_name = Contract._meta.get_field("document").storage.save(
            "interim/contracts/volume-contrat.pdf", ContentFile(contract_bytes)
        )
        contract_sha = hashlib.sha256(contract_bytes).hexdigest()

        # A validated diploma and one or two qualifications per worker; pending diplomas for the queue.
        Diploma.objects.bulk_create(
            [
                Diploma(
                    worker_id=worker_id,
                    name="CAP Agent de propreté et d'hygiène",
                    obtained_on=datetime.date(2010 + i % 15, 6, 30),
                    file=diploma_name,
                    state=DiplomaState.VALIDATED,
                    decided_at=now - datetime.timedelta(days=400),
                    created_at=now - datetime.timedelta(days=410),
                )
                for i, worker_id in enumerate(worker_ids)
            ],
            batch_size=BATCH,
        )
        validated = dict(
            Diploma.objects.filter(worker_id__in=worker_ids, state=DiplomaState.VALIDATED).values_list(
                "worker_id", "pk"
            )
        )
        grants = []
        for i, worker_id in enumerate(worker_ids):
            for qualification in {qualifications[i % len(qualifications)], rng.choice(qualifications)}:
                grants.append(
                    WorkerQualification(
                        worker_id=worker_id, qualification=qualification, diploma_id=validated[worker_id]
                    )
                )
        WorkerQualification.objects.bulk_create(grants, batch_size=BATCH)
        n_diplomas = min(options["diplomas"], n_workers)
        Diploma.objects.bulk_create(
            [
                Diploma(
                    worker_id=worker_ids[i],
                    name="Diplôme d'État d'aide-soignant",
                    obtained_on=datetime.date(2024, 7, 1),
                    file=diploma_name,
                    created_at=now - datetime.timedelta(hours=i),
                )
                for i in range(n_diplomas)
            ],
            batch_size=BATCH,
        )

        # Missions (one per ten contracts) and contracts over three years, the newest in every state.
        n_contracts = options["contracts"]
        n_missions = max(1, -(-n_contracts // CONTRACTS_PER_MISSION))
        missions = []
        for m in range(n_missions):
            start = today - datetime.timedelta(days=int(3 * 365 * (1 - m / n_missions)))
            missions.append(
                Mission(
                    agency=agency,
                    client=clients[m % len(clients)],
                    qualification=qualifications[m % len(qualifications)],
                    place_name=rng.choice(PLACES),
                    street=f"{rng.randrange(1, 200)} avenue des Missions",
                    town="Lyon",
                    postcode="69007",
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randrange(1, 30)),
                    hourly_rate=Decimal("12.50"),
                )
            )
        Mission.objects.bulk_create(missions, batch_size=BATCH)
        mission_ids = list(
            Mission.objects.filter(agency=agency, street__endswith="avenue des Missions")
            .order_by("pk")
            .values_list("pk", "start_date")
        )
        recent = today - datetime.timedelta(days=30)
        rows = []
        for c in range(n_contracts):
            mission_id, start = mission_ids[c // CONTRACTS_PER_MISSION]
            state = rng.choice(RECENT_STATES if start >= recent else OLD_STATES)
            created = timezone.make_aware(
                datetime.datetime.combine(start - datetime.timedelta(days=2), datetime.time(9))
            ) + datetime.timedelta(minutes=c % 600)
            rows.append(
                Contract(
                    agency=agency,
                    worker_id=worker_ids[(c * 7919) % n_workers],
                    mission_id=mission_id,
                    reference=f"V{c + 1:07d}",
                    state=state,
                    document=contract_name,
                    document_sha256=contract_sha,
                    sign_before=created + datetime.timedelta(days=3) if state == ContractState.TO_SIGN else None,
                    signed_at=created + datetime.timedelta(hours=5) if state == ContractState.SIGNED else None,
                    decided_at=created + datetime.timedelta(days=1) if state == ContractState.CANCELLED else None,
                    decision_reason="Mission annulée par le client" if state == ContractState.CANCELLED else "",
                    created_at=created,
                )
            )
            if len(rows) == BATCH:
                Contract.objects.bulk_create(rows)
                rows = []
        Contract.objects.bulk_create(rows)

        # A month of validated hours for one worker in five (what the advance limit is computed from).
        first = today.replace(day=1)
        hour_workers = worker_ids[::5]
        contract_of = dict(
            Contract.objects.filter(worker_id__in=hour_workers, state=ContractState.SIGNED)
            .order_by("worker_id", "created_at")
            .values_list("worker_id", "pk")
        )
        slots = []
        for worker_id in hour_workers:
            contract_id = contract_of.get(worker_id)
            if contract_id is None:
                continue
            for day in range(0, 15):
                date = first + datetime.timedelta(days=day)
                if date.weekday() < 5:
                    slots.append(
                        PlanningSlot(
                            worker_id=worker_id,
                            contract_id=contract_id,
                            date=date,
                            start=datetime.time(8),
                            minutes=420,
                            state=SlotState.VALIDATED,
                        )
                    )
        PlanningSlot.objects.bulk_create(slots, batch_size=BATCH)
        Availability.objects.bulk_create(
            [
                Availability(
                    worker_id=worker_id,
                    kind=AvailabilityKind.UNAVAILABLE,
                    start_date=today + datetime.timedelta(days=i % 20),
                    end_date=today + datetime.timedelta(days=i % 20 + 2),
                )
                for i, worker_id in enumerate(worker_ids[::3])
            ],
            batch_size=BATCH,
        )

        # The agency's queues.
        groups = [ChangeGroup.ADDRESS] * 4 + [ChangeGroup.BANK]
        n_changes = min(options["changes"], n_workers)
        changes = []
        for i in range(n_changes):
            group = groups[i % len(groups)]
            proposed = (
                {"iban": "FR7610107001011234567890129", "bank_holder": " ".join(names[n_workers - 1 - i])}
                if group == ChangeGroup.BANK
                else {"street": f"{i + 1} place Bellecour", "postcode": "69002", "town": "Lyon"}
            )
            changes.append(
                ProfileChange(
                    worker_id=worker_ids[-1 - i],
                    group=group,
                    proposed=proposed,
                    created_at=now - datetime.timedelta(minutes=7 * i),
                )
            )
        ProfileChange.objects.bulk_create(changes, batch_size=BATCH)
        n_requests = min(options["requests"], n_workers)
        DocumentRequest.objects.bulk_create(
            [
                DocumentRequest(
                    worker_id=worker_ids[(i * 37) % n_workers],
                    kind=DocumentKind.ATTESTATION if i % 2 else DocumentKind.CERTIFICATE,
                    message="Pour Pôle emploi" if i % 3 == 0 else "",
                    created_at=now - datetime.timedelta(hours=3 * i),
                )
                for i in range(n_requests)
            ],
            batch_size=BATCH,
        )
        wednesday = payment_date_for(now).date
        n_advances = min(options["advances"], len(hour_workers))
        Advance.objects.bulk_create(
            [
                Advance(
                    worker_id=hour_workers[i],
                    amount=Decimal(50 + 10 * (i % 20)),
                    state=AdvanceState.ACCEPTED if i % 4 == 3 else AdvanceState.PENDING,
                    payment_date=wednesday,
                    created_at=now - datetime.timedelta(minutes=11 * i),
                    decided_at=now if i % 4 == 3 else None,
                )
                for i in range(n_advances)
            ],
            batch_size=BATCH,
        )
        return (
            n_workers,
            n_contracts,
            n_missions,
            len(clients),
            n_changes,
            n_diplomas,
            n_requests,
            n_advances,
        )
