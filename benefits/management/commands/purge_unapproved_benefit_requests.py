"""Runs the 14-day purge by hand: `manage.py purge_unapproved_benefit_requests [--dry-run]`."""

from django.core.management.base import BaseCommand

from benefits import selectors, services
from benefits.tasks import purge_unapproved_benefit_requests


class Command(BaseCommand):
    help = (
        "Supprime les demandes saisies par des coopérateurs sans accord de leur coopérative depuis 14 jours "
        "et prévient chaque coopérateur par e-mail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Affiche ce qui serait supprimé, sans rien supprimer."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            candidates = selectors.purge_candidates().select_related("cooperator", "benefit_type")
            for request_obj in candidates.iterator():
                self.stdout.write(
                    f"{request_obj.reference} {request_obj.cooperator.family_number} "
                    f"{request_obj.benefit_type.name} saisie le {request_obj.created_at:%d/%m/%Y}"
                )
            count = services.unapproved_requests_purge(dry_run=True)
            self.stdout.write(self.style.WARNING(f"{count} demande(s) seraient supprimée(s) (simulation)."))
            return
        summary = purge_unapproved_benefit_requests()
        self.stdout.write(self.style.SUCCESS(summary))
