"""Celery application. The beat schedule of every timed job is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")

app = Celery("guichet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    timezone="Europe/Paris",
    enable_utc=True,
    # A hard limit for every task; a task sets its own (and a soft limit below it) where it needs less.
    task_time_limit=300,
    worker_prefetch_multiplier=1,
    task_reject_on_worker_lost=True,
    broker_connection_retry_on_startup=True,
    result_expires=3600,
    # No task's result is read: none is stored (and no result backend is needed).
    task_ignore_result=True,
    # Publishing is tried twice within a fraction of a second, never for long: a request enqueuing on
    # commit must not hang on a broker that is down; the outbox row stays for the sweep.
    task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
)

# Every timed job of SPEC section 7. Each task is idempotent and can also be run by hand
# with the management command of the same name.
BEAT_SCHEDULE = {
    "expire-temporary-passwords": {
        "task": "accounts.tasks.expire_temporary_passwords",
        "schedule": crontab(minute="*/15"),
    },
    "purge-security-log": {
        "task": "accounts.tasks.purge_security_log",
        "schedule": crontab(hour=3, minute=40),
    },
    "deliver-pending-messages": {
        "task": "core.tasks.deliver_pending_messages",
        "schedule": crontab(minute="*/5"),
    },
    "purge-unapproved-benefit-requests": {
        "task": "benefits.tasks.purge_unapproved_benefit_requests",
        "schedule": crontab(minute=30),
    },
    "remind-unapproved-benefit-requests": {
        "task": "benefits.tasks.remind_unapproved_benefit_requests",
        "schedule": crontab(minute=20),
    },
    "delete-pending-files": {
        "task": "core.tasks.delete_pending_files",
        "schedule": crontab(minute="*/10"),
    },
    "purge-old-records": {
        "task": "core.tasks.purge_old_records",
        "schedule": crontab(hour=3, minute=40),
    },
    "accept-pending-access-requests": {
        "task": "habilitations.tasks.accept_pending_access_requests",
        "schedule": crontab(minute=10),
    },
    "expire-unsigned-contracts": {
        "task": "interim.tasks.expire_unsigned_contracts",
        "schedule": crontab(minute="*/15"),
    },
    "heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": 60.0,
    },
    "anonymise-evaluations": {
        "task": "partners.evaluations.tasks.anonymise_evaluations",
        "schedule": crontab(hour=4, minute=10),
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
