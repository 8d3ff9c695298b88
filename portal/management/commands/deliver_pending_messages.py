from django.core.management.base import BaseCommand

from core.models import OutboundMessage
from core.tasks import deliver, deliver_pending_messages


class Command(BaseCommand):
    help = (
        "Relance les messages (e-mails, SMS) dont l’envoi a été perdu. Avec --now, envoie ici même tous "
        "les messages en attente, sans passer par le worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Envoie dans ce processus tous les messages en attente.")

    def handle(self, *args, now=False, **options):
        if not now:
            self.stdout.write(self.style.SUCCESS(f"deliver_pending_messages : {deliver_pending_messages()}"))
            return
        counts = {}
        pending = OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING).order_by("created_at")
        for pk in pending.values_list("pk", flat=True):
            outcome, _error = deliver(pk)
            counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{outcome} : {count}" for outcome, count in sorted(counts.items())) or "aucun message"
        self.stdout.write(self.style.SUCCESS(summary))
