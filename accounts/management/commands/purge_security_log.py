"""Runs the timed job by hand: `manage.py purge_security_log`."""

from django.core.management.base import BaseCommand

from accounts.tasks import purge_security_log


class Command(BaseCommand):
    help = "Supprime les événements du journal de sécurité de plus d'un an."

    def handle(self, *args, **options):
        self.stdout.write(purge_security_log())
