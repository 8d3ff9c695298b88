"""Celery tasks of the partners space (found by Celery's autodiscovery): the exchanges' timed jobs."""

from .evaluations.tasks import anonymise_evaluations  # noqa: F401
