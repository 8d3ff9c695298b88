"""Timed jobs record each run (JobRun) and log what they did; they can also be run by hand.

    @shared_task(acks_late=True, time_limit=300)
    @timed_job("purge_erased_accounts")
    def purge_erased_accounts():
        ...
        return "3 compte(s) effacé(s)"   # the summary shown to admins

Schedule it in portal/celery.py (BEAT_SCHEDULE); run it by hand with `manage.py run_job <name>`.
A job must be idempotent: running it twice, or on two workers, does the work once.
"""

import functools
import logging

from django.utils import timezone

logger = logging.getLogger("core.jobs")


def timed_job(name):
    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            from .models import JobRun

            record = JobRun.objects.create(name=name)
            try:
                summary = func(*args, **kwargs)
            except Exception as exc:
                record.finished_at = timezone.now()
                record.summary = f"erreur : {exc.__class__.__name__}"[:255]
                record.save(update_fields=["finished_at", "summary"])
                logger.exception("job %s failed", name)
                raise
            record.finished_at = timezone.now()
            record.ok = True
            record.summary = str(summary or "")[:255]
            record.save(update_fields=["finished_at", "ok", "summary"])
            logger.info("job %s: %s", name, record.summary)
            return summary

        run.job_name = name  # type: ignore[attr-defined]
        return run

    return decorate
