"""Runs a timed job of the beat schedule by hand, in this process: `manage.py run_job heartbeat`.

Without a name (or with --list), lists the jobs of portal.celery.BEAT_SCHEDULE.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from portal.celery import BEAT_SCHEDULE


def _short(task_path):
    return task_path.rsplit(".", 1)[-1]


def find_job(name):
    """(schedule key, task path) for a schedule key ("deliver-pending-messages"), a task name
    ("deliver_pending_messages") or a task path ("core.tasks.deliver_pending_messages")."""
    wanted = name.strip()
    for key, entry in BEAT_SCHEDULE.items():
        task = entry["task"]
        if wanted in (key, task, _short(task), key.replace("-", "_")):
            return key, task
    return None


def run_job(name):
    """Runs the job in this process and returns its result (the JobRun summary for timed jobs)."""
    found = find_job(name)
    if found is None:
        raise CommandError(f"Tâche inconnue : {name!r}. Tâches planifiées : {', '.join(sorted(BEAT_SCHEDULE))}.")
    _key, task_path = found
    try:
        task = import_string(task_path)
    except ImportError as exc:
        raise CommandError(f"La tâche {task_path} est introuvable : {exc}") from exc
    return task()


class Command(BaseCommand):
    help = "Exécute à la main une tâche planifiée (portal.celery.BEAT_SCHEDULE), ou les liste."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Nom de la tâche (clé du planning ou nom de la fonction).")
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="Liste les tâches planifiées.")

    def handle(self, *args, name=None, list_jobs=False, **options):
        if list_jobs or not name:
            for key, entry in BEAT_SCHEDULE.items():
                self.stdout.write(f"{key:32} {entry['task']:56} {entry['schedule']}")
            return
        result = run_job(name)
        self.stdout.write(self.style.SUCCESS(f"{find_job(name)[1]} : {result}"))
