"""Thin Celery tasks of the Espace intérimaire: they take ids and call one service (idempotent)."""

import time

from celery import shared_task

from core.jobs import timed_job

BUDGET_SECONDS = 240  # stop taking new batches this long after the start, below the soft limit


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def analyse_document_batch(batch_id):
    from .batches import batch_analyse

    batch = batch_analyse(batch_id)
    return batch.state if batch is not None else None


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def publish_document_batch(batch_id):
    from .batches import batch_publish

    batch = batch_publish(batch_id)
    return batch.state if batch is not None else None


@shared_task(acks_late=True, time_limit=300, soft_time_limit=280)
@timed_job("expire_unsigned_contracts")
def expire_unsigned_contracts():
    """Contracts not signed by their deadline turn "Délai de signature dépassé" (the step "expire")."""
    from . import services

    started = time.monotonic()
    done = services.contracts_expire_run(should_stop=lambda: time.monotonic() - started > BUDGET_SECONDS)
    return f"{done} contrat(s) expiré(s)"
