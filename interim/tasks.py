"""Thin Celery tasks of the Espace intérimaire (scheduled in portal/celery.py BEAT_SCHEDULE)."""

import time

from celery import shared_task

from core.jobs import timed_job

from . import services

BUDGET_SECONDS = 240  # stop taking new batches this long after the start, below the soft limit


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
@timed_job("expire_unsigned_contracts")
def expire_unsigned_contracts():
    """Contracts not signed by their deadline turn "Délai de signature dépassé" (the step "expire")."""
    started = time.monotonic()
    done = services.contracts_expire_run(should_stop=lambda: time.monotonic() - started > BUDGET_SECONDS)
    return f"{done} contrat(s) expiré(s)"
