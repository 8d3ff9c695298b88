"""Runs the 10-day tacit acceptance by hand: `manage.py accept_pending_access_requests [--dry-run]`."""

from django.core.management.base import BaseCommand

from habilitations import selectors, services
from habilitations.tasks import accept_pending_access_requests


class Command(BaseCommand):
    help = (
        "Accepte tacitement les demandes d’habilitation ni accordées ni refusées 10 jours après avoir été faites, "
        "et relance les valideurs (3e et 7e jours)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait fait, sans rien changer.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = selectors.due_for_tacit_acceptance().select_related("user", "application", "organisme")
            for access_request in due.order_by("pk")[:50]:
                self.stdout.write(
                    f"{access_request.pk} {access_request.user.identifier} {access_request.application.slug} "
                    f"{access_request.organisme.code} demandée le {access_request.created_at:%d/%m/%Y}"
                )
            accepted = services.tacit_acceptance_run(dry_run=True)
            reminded = services.reminders_send(dry_run=True)
            self.stdout.write(
                self.style.WARNING(
                    f"{accepted} demande(s) seraient acceptée(s) tacitement, {reminded} relance(s) (simulation)."
                )
            )
            return
        self.stdout.write(self.style.SUCCESS(accept_pending_access_requests()))
