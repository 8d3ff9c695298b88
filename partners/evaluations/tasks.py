"""Timed jobs of the exchanges (scheduled in portal/celery.py)."""

from celery import shared_task

from core.jobs import out_of_time, timed_job

from . import retention


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@timed_job("anonymise_evaluations")
def anonymise_evaluations():
    """Anonymises the evaluations past their retention (a dry run unless PARTNERS_EVALUATION_ANONYMISE)."""
    count, dry_run = retention.evaluations_anonymise(should_stop=out_of_time)
    if dry_run:
        return f"simulation : {count} évaluation(s) seraient anonymisée(s)"
    return f"{count} évaluation(s) anonymisée(s)"
