"""Thin Celery tasks of the accounts app (scheduled in portal/celery.py BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from core.jobs import timed_job

from .services import credentials, security_log

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50)
def serve_forgotten_password(*, space, login="", email="", origin=None):
    """A forgotten-password request, served out of the web request so that the page answers in the
    same time whether or not an account matched (`origin`: the client's address, browser and site)."""
    credentials.forgot_password_request(
        space=space, request=credentials.RequestOrigin.rebuild(origin), login=login, email=email
    )


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
@timed_job("expire_temporary_passwords")
def expire_temporary_passwords():
    """Unused temporary passwords past their lifetime stop working; sent e-mails that carried a secret
    are wiped. Idempotent (a second run finds nothing) and safe under two workers (plain UPDATEs)."""
    expired = credentials.temporary_passwords_expire()
    redacted = credentials.messages_with_secrets_redact()
    logger.info("expire_temporary_passwords: %s expired, %s e-mails wiped", expired, redacted)
    return f"{expired} mot(s) de passe temporaire(s) expiré(s), {redacted} e-mail(s) effacé(s)"


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@timed_job("purge_security_log")
def purge_security_log():
    """The security log is kept one year (privacy page): older events are deleted. Idempotent."""
    deleted = security_log.security_log_purge()
    logger.info("purge_security_log: %s events deleted", deleted)
    return f"{deleted} événement(s) de sécurité de plus d'un an supprimé(s)"
