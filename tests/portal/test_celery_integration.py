"""A real Celery worker on Redis executes a message delivery enqueued on commit (REDIS_URL required)."""

import os
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from core.models import OutboundMessage
from core.notifications import send_email
from portal.celery import app as celery_app

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"),
]


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(autouse=True)
def _email_template(settings, tmp_path):
    folder = tmp_path / "templates" / "integration"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Bonjour")
    (folder / "hello_body.txt").write_text("Un message livré par le worker.")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]},
    ]


@pytest.fixture
def redis_worker():
    """A worker thread consuming a queue of its own on the Redis broker, tasks no longer eager."""
    assert celery_app.conf.broker_url.startswith("redis://")
    queue = f"guichet-test-{uuid.uuid4().hex[:12]}"  # no other worker on this Redis takes our tasks
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=10,
        ) as worker:
            yield worker
    finally:
        celery_app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_message_enqueued_on_commit_is_delivered_by_the_worker(redis_worker):
    with transaction.atomic():
        message = send_email(
            to="destinataire@exemple.fr",
            template="integration/hello",
            context={},
        )
        # Nothing leaves before the commit: the worker could not even see the row yet.
        time.sleep(0.5)
        assert OutboundMessage.objects.get(pk=message.pk).status == OutboundMessage.Status.PENDING
        assert mail.outbox == []

    assert _wait_for(lambda: OutboundMessage.objects.get(pk=message.pk).status == OutboundMessage.Status.SENT), (
        "the worker did not deliver the message"
    )
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.sent_at is not None
    assert [m.to for m in mail.outbox] == [["destinataire@exemple.fr"]]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(redis_worker):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        send_email(to="personne@exemple.fr", template="integration/hello", context={})
        raise Abort

    time.sleep(1.5)
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_every_scheduled_job_is_sent_as_beat_sends_it_and_runs_on_the_worker(redis_worker):
    from core.models import JobRun
    from portal.celery import BEAT_SCHEDULE

    # Beat calls apply_async: options and time limits are checked there, before anything is queued.
    for entry in BEAT_SCHEDULE.values():
        celery_app.tasks[entry["task"]].apply_async(
            entry.get("args", ()), entry.get("kwargs", {}), **entry.get("options", {})
        )

    assert _wait_for(lambda: JobRun.objects.filter(finished_at__isnull=False).count() >= len(BEAT_SCHEDULE)), (
        f"ran: {list(JobRun.objects.values_list('name', 'summary'))}"
    )
    assert set(JobRun.objects.values_list("ok", flat=True)) == {True}
