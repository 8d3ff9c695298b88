"""Thin Celery tasks of the Espace Organismes (scheduled in portal/celery.py BEAT_SCHEDULE)."""

import time

from celery import shared_task

from core.jobs import timed_job

from . import services

# Stop taking new batches this long after the start, below the task's soft limit.
BUDGET_SECONDS = 240


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
@timed_job("accept_pending_access_requests")
def accept_pending_access_requests():
    """Access requests neither granted nor refused 10 days after they were made are accepted tacitly
    (a system decision, batched with SKIP LOCKED: idempotent, safe with two workers); validators of
    requests pending for 3 and 7 days are reminded once each."""
    started = time.monotonic()

    def should_stop():
        return time.monotonic() - started > BUDGET_SECONDS

    accepted = services.tacit_acceptance_run(should_stop=should_stop)
    reminded = services.reminders_send(should_stop=should_stop)
    return f"{accepted} demande(s) acceptée(s) tacitement, {reminded} relance(s)"
