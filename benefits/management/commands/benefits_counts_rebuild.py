"""Recomputes the counts the database keeps (benefits.counts) from the rows: after a restore, a
manual repair, or to check them (--check: says whether they differ, changes nothing)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benefits import counts


class Command(BaseCommand):
    help = "Recomputes the kept counts of requests, paid amounts and cooperators from the rows."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only say whether the kept counts are exact.")

    def handle(self, *args, check=False, **options):
        if check:
            with transaction.atomic():
                before = counts.snapshot()
                counts.rebuild()
                exact = counts.snapshot() == before
                transaction.set_rollback(True)
            if not exact:
                raise CommandError("The kept counts differ from the rows: run benefits_counts_rebuild.")
            self.stdout.write("The kept counts are exact.")
            return
        counts.rebuild()
        if options["verbosity"]:
            self.stdout.write("Counts rebuilt.")
