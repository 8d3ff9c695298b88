"""Thin Celery tasks of the Espace intérimaire: they take ids and call one service (idempotent)."""

from celery import shared_task


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
