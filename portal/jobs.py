"""Timed jobs record each run (JobRun) and log what they did; they can also be run by hand."""

import functools
import logging

from django.utils import timezone

logger = logging.getLogger("portal.jobs")


def timed_job(name):
    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            from .models import JobRun

            record = JobRun.objects.create(name=name)
            try:
                summary = func(*args, **kwargs)
            except Exception:
                record.finished_at = timezone.now()
                record.summary = "erreur"
                record.save(update_fields=["finished_at", "summary"])
                logger.exception("job %s failed", name)
                raise
            record.finished_at = timezone.now()
            record.ok = True
            record.summary = str(summary or "")[:255]
            record.save(update_fields=["finished_at", "ok", "summary"])
            logger.info("job %s: %s", name, record.summary)
            return summary

        return run

    return decorate
