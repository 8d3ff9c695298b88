"""Timed jobs record each run (JobRun) and log what they did; they can also be run by hand.

    @shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
    @timed_job("purge_erased_accounts")
    def purge_erased_accounts():
        done = 0
        while batch := next_batch():
            ...                                   # one transaction per batch
            done += len(batch)
            report(f"{done} compte(s) effacé(s)")  # what has committed, kept even if the run dies
            if out_of_time():                     # stop before the time limit: the next run continues
                break
        return f"{done} compte(s) effacé(s)"      # the summary shown to admins

Schedule it in portal/celery.py (BEAT_SCHEDULE); run it by hand with `manage.py run_job <name>`.
A job must be idempotent: running it twice, or on two workers, does the work once.

One execution at a time: each run holds a PostgreSQL advisory lock named after the job, so that a
second beat, or a manual run during the scheduled one, does nothing (and records nothing). On SQLite
(the embedded default: one worker) the lock is a no-op. A run that holds the lock finds the earlier
runs of its job still "running" and marks them interrupted (killed, or their database lost); runs past
their deadline (start + hard time limit) are shown as interrupted meanwhile, and marked so by the
housekeeping job.
"""

import contextlib
import contextvars
import functools
import logging
import time
import zlib
from datetime import timedelta

from django.db import connection
from django.utils import timezone

logger = logging.getLogger("core.jobs")

LOCK_NAMESPACE = 0x4755  # "GU": the first half of every advisory lock key taken by timed jobs
BUDGET_SHARE = 0.8  # a run stops taking new work after 80 % of its (soft) time limit
SKIPPED = "déjà en cours ailleurs : rien fait"


class _Run:
    def __init__(self, record, stop_at):
        self.record = record
        self.stop_at = stop_at  # time.monotonic() after which the job should stop, or None
        self.progress = ""


_current: contextvars.ContextVar["_Run | None"] = contextvars.ContextVar("core_jobs_current_run", default=None)


def out_of_time():
    """True when the current run has used its time budget: finish the batch in hand, then stop."""
    run = _current.get()
    return bool(run and run.stop_at is not None and time.monotonic() >= run.stop_at)


def report(progress):
    """Records what the current run has committed so far (shown, and kept if the run fails or dies)."""
    run = _current.get()
    if run is None:
        return
    run.progress = str(progress)[:255]
    from .models import JobRun

    JobRun.objects.filter(pk=run.record.pk).update(summary=run.progress)


def _lock_key(name):
    return LOCK_NAMESPACE, zlib.crc32(name.encode()) - 2**31  # two signed int4


@contextlib.contextmanager
def job_lock(name):
    """Yields True when this process holds the job's lock (PostgreSQL advisory lock), False when another
    run holds it. No-op (always True) on other databases."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            # The lock belongs to the session: a run whose connection was lost has lost it already.
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _limits(time_limit, soft_time_limit):
    """(hard, soft) limits in seconds: the decorator's, else the running Celery task's, else none."""
    if time_limit is None:
        from celery import current_task

        task = current_task if current_task and getattr(current_task, "name", None) else None
        if task is not None:
            time_limit = task.request.timelimit[0] if task.request.timelimit else None
            time_limit = time_limit or task.time_limit or task.app.conf.task_time_limit
            soft_time_limit = soft_time_limit or task.soft_time_limit or task.app.conf.task_soft_time_limit
    return time_limit, soft_time_limit


def mark_interrupted(queryset, *, reason):
    """Marks the given runs (still "running") as interrupted, keeping what they had reported."""
    from .models import JobRun

    count = 0
    for run in queryset.filter(status=JobRun.Status.RUNNING):
        run.status = JobRun.Status.INTERRUPTED
        done = f" ; fait avant l’arrêt : {run.summary}" if run.summary else ""
        run.summary = f"interrompue ({reason}){done}"[:255]
        run.save(update_fields=["status", "summary"])
        logger.warning("job %s (run %s, started %s) was interrupted: %s", run.name, run.pk, run.started_at, reason)
        count += 1
    return count


def timed_job(name, *, time_limit=None, soft_time_limit=None):
    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            from .models import JobRun

            with job_lock(name) as acquired:
                if not acquired:
                    logger.info("job %s: another run holds the lock, nothing done", name)
                    return SKIPPED
                hard, soft = _limits(time_limit, soft_time_limit)
                started = timezone.now()
                earlier = JobRun.objects.filter(name=name, status=JobRun.Status.RUNNING)
                if connection.vendor == "postgresql":
                    mark_interrupted(earlier, reason="arrêtée sans fin enregistrée")
                else:
                    mark_interrupted(earlier.filter(deadline__lt=started), reason="limite de temps dépassée")
                budget = min(filter(None, (hard, soft)), default=None)
                record = JobRun.objects.create(
                    name=name, started_at=started, deadline=started + timedelta(seconds=hard) if hard else None
                )
                state = _Run(record, time.monotonic() + budget * BUDGET_SHARE if budget else None)
                token = _current.set(state)
                try:
                    summary = func(*args, **kwargs)
                except BaseException as exc:
                    done = f" ; fait : {state.progress}" if state.progress else ""
                    record.finished_at = timezone.now()
                    record.status = JobRun.Status.FAILED
                    record.summary = f"erreur : {exc.__class__.__name__}{done}"[:255]
                    with contextlib.suppress(Exception):  # the database itself may be what failed
                        record.save(update_fields=["finished_at", "status", "summary"])
                    logger.exception("job %s failed%s", name, done)
                    raise
                finally:
                    _current.reset(token)
                record.finished_at = timezone.now()
                record.ok = True
                record.status = JobRun.Status.OK
                record.summary = str(summary or "")[:255]
                record.save(update_fields=["finished_at", "ok", "status", "summary"])
                logger.info("job %s: %s", name, record.summary)
                return summary

        run.job_name = name  # type: ignore[attr-defined]
        return run

    return decorate
