from django.core.management.base import BaseCommand

from core.tasks import heartbeat


class Command(BaseCommand):
    help = "Exécute la tâche heartbeat à la main (enregistre une exécution visible par les administrateurs)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"heartbeat : {heartbeat()}"))
