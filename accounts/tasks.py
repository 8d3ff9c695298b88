"""Thin Celery tasks of the accounts app (scheduled in portal/celery.py BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from core.jobs import timed_job

from .services import credentials

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
@timed_job("expire_temporary_passwords")
def expire_temporary_passwords():
    """Unused temporary passwords past their lifetime stop working; sent e-mails that carried a secret
    are wiped. Idempotent (a second run finds nothing) and safe under two workers (plain UPDATEs)."""
    expired = credentials.temporary_passwords_expire()
    redacted = credentials.messages_with_secrets_redact()
    logger.info("expire_temporary_passwords: %s expired, %s e-mails wiped", expired, redacted)
    return f"{expired} mot(s) de passe temporaire(s) expiré(s), {redacted} e-mail(s) effacé(s)"
