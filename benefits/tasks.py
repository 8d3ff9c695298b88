"""Thin Celery tasks of the Prestations space (scheduled in portal/celery.py BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from core.jobs import out_of_time, timed_job

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@timed_job("purge_unapproved_benefit_requests")
def purge_unapproved_benefit_requests():
    """Requests entered by cooperators without their cooperative's approval for 14 days are deleted and
    each cooperator is told by e-mail. Idempotent (a second run finds nothing), batched, and safe
    under two workers (rows are taken with SELECT ... FOR UPDATE SKIP LOCKED)."""
    deleted = services.unapproved_requests_purge(should_stop=out_of_time)  # stops before the time limit
    logger.info("purge_unapproved_benefit_requests: %s request(s) deleted", deleted)
    return f"{deleted} demande(s) non validée(s) supprimée(s)"


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@timed_job("remind_unapproved_benefit_requests")
def remind_unapproved_benefit_requests():
    """Three days before the purge, the cooperative's HR managers and the cooperator are reminded (once)
    of each request still waiting for approval: one e-mail per person listing their requests.
    Idempotent (purge_reminded_at), batched, SKIP LOCKED."""
    reminded = services.unapproved_requests_remind(should_stop=out_of_time)  # stops before the time limit
    logger.info("remind_unapproved_benefit_requests: %s request(s) reminded", reminded)
    return f"{reminded} demande(s) sans accord rappelée(s) avant suppression"
