"""Measures the 10-day tacit acceptance on a volume of pending requests (development only):

    DATABASE_URL=postgres://... manage.py habilitations_bench_tacit --count 100000

Creates `count` pending access requests made 11 days ago (bulk, in a bench organisme with 1,000 users
and 12 applications), then times the dry run and the real run of the job's service (batches of 500 with
SKIP LOCKED), and a second run (idempotence: nothing left). Message delivery (Celery, after commit) is
not part of the measure: the outbox rows are written, and the delivery tasks (one per batch) are
counted instead of published.
"""

import os
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import OrganisationKind, Role
from accounts.models import Membership, Organisation, User
from core import tasks
from habilitations import services
from habilitations.models import AccessRequest, Application, Right


def _backend_cpu_seconds():
    """CPU time used so far by this connection's PostgreSQL backend (same machine), 0 elsewhere."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = "Mesure l'acceptation tacite sur un volume de demandes en attente (développement seulement)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--batch-size", type=int, default=services.TACIT_BATCH_SIZE)

    def handle(self, *args, count, batch_size, **options):
        if not settings.DEBUG:
            raise CommandError("Réservé au développement : DEBUG est désactivé.")
        started = time.monotonic()
        self._seed(count)
        self.stdout.write(f"{count} demandes créées en {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:  # the statistics of a table in use, not of an empty one
            cursor.execute("ANALYZE habilitations_accessrequest")
        published = []
        tasks.enqueue = lambda task, *args: published.append(task.name) or True  # delivery is not measured
        started = time.monotonic()
        due = services.tacit_acceptance_run(dry_run=True)
        self.stdout.write(f"simulation : {due} demandes dues, {time.monotonic() - started:.2f} s")
        started, cpu = time.monotonic(), time.process_time()
        database_cpu = _backend_cpu_seconds()
        done = services.tacit_acceptance_run(batch_size=batch_size)
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        database_cpu = _backend_cpu_seconds() - database_cpu
        self.stdout.write(
            f"acceptation tacite : {done} demandes en {elapsed:.1f} s ({done / elapsed:.0f}/s), "
            f"{len(published)} tâche(s) d’envoi publiée(s) ; temps processeur : Python {cpu:.1f} s, "
            f"PostgreSQL {database_cpu:.1f} s (la somme est la durée sur une machine libre)"
        )
        started = time.monotonic()
        again = services.tacit_acceptance_run(batch_size=batch_size)
        self.stdout.write(f"second passage : {again} demande, {time.monotonic() - started:.2f} s")

    @transaction.atomic
    def _seed(self, count):
        organisation, _created = Organisation.objects.get_or_create(
            kind=OrganisationKind.ORGANISME, code="999999", defaults={"name": "Organisme de mesure"}
        )
        users = list(User.objects.filter(identifier__startswith="bench-tacit-"))
        if not users:
            users = User.objects.bulk_create(
                [
                    User(identifier=f"bench-tacit-{i}@bench.test", email=f"bench-tacit-{i}@bench.test")
                    for i in range(1000)
                ]
            )
            Membership.objects.bulk_create(
                [Membership(user=u, organisation=organisation, role=Role.ORGANISME_USER) for u in users]
            )
        # A second run starts afresh: the requests and rights of the bench users of a previous run go.
        Right.objects.filter(user__in=users).delete()
        AccessRequest.objects.filter(user__in=users).delete()
        applications = [
            Application.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Application de mesure {i}"})[0]
            for i in range(12)
        ]
        made = timezone.now() - timedelta(days=11)
        rows = []
        for index in range(count):
            user = users[index % len(users)]
            application = applications[(index // len(users)) % len(applications)]
            rows.append(
                AccessRequest(
                    user=user,
                    application=application,
                    organisme=organisation,
                    created_at=made,
                    justification=f"mesure {index}",
                )
            )
        # One pending request per (user, application, organisme): the partial unique index allows
        # 12,000 pending at once with 1,000 users; beyond, each batch is made of other organismes.
        per_org = len(users) * len(applications)
        for start in range(0, count, per_org):
            org = organisation
            if start:
                org, _created = Organisation.objects.get_or_create(
                    kind=OrganisationKind.ORGANISME,
                    code=f"{900000 + start // per_org:06d}",
                    defaults={"name": f"Organisme de mesure {start // per_org}"},
                )
            for row in rows[start : start + per_org]:
                row.organisme = org
        AccessRequest.objects.bulk_create(rows, batch_size=5000)
