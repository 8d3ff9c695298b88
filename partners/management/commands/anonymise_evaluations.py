"""`manage.py anonymise_evaluations [--apply]`: the retention job by hand (a dry run without --apply)."""

from django.core.management.base import BaseCommand

from partners.evaluations import retention


class Command(BaseCommand):
    help = "Anonymise les évaluations dont la durée de conservation est écoulée (simulation sans --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Anonymise vraiment (sinon : simulation).")

    def handle(self, *args, apply=False, **options):
        count, dry_run = retention.evaluations_anonymise(dry_run=not apply)
        if dry_run:
            self.stdout.write(self.style.WARNING(f"{count} évaluation(s) seraient anonymisée(s) (simulation)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{count} évaluation(s) anonymisée(s)."))
