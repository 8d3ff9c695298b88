"""Runs the timed job by hand: `manage.py expire_temporary_passwords`."""

from django.core.management.base import BaseCommand

from accounts.tasks import expire_temporary_passwords


class Command(BaseCommand):
    help = "Révoque les mots de passe temporaires expirés et non utilisés."

    def handle(self, *args, **options):
        summary = expire_temporary_passwords()
        self.stdout.write(summary)
