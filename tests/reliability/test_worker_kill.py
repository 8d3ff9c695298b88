"""A real Celery worker (prefork, Redis) killed with SIGKILL in the middle of a batch of e-mails, sent to an
SMTP sink: after a new worker and one sweep, every e-mail has arrived, duplicates at most the messages in
flight, none lost."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from core.models import OutboundMessage
from core.tasks import deliver_message, deliver_pending_messages
from portal.celery import app as celery_app

from .conftest import needs_postgres_and_redis
from .faults import SmtpSink

pytestmark = [pytest.mark.faults, needs_postgres_and_redis()]

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 200
CONCURRENCY = 2


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(queue, sink, var_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.development",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "GUICHET_VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-c", str(CONCURRENCY)]
    command += ["--pool", "prefork", "-l", "WARNING", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # its own group, killed whole


def _kill(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@pytest.fixture
def queue():
    name = f"guichet-faults-{uuid.uuid4().hex[:10]}"
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=name)
    yield name
    celery_app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_no_e_mail(queue, tmp_path):
    sink = SmtpSink(delay=0.02).start()
    OutboundMessage.objects.bulk_create(
        OutboundMessage(channel="email", recipient=f"r{i}@exemple.fr", subject=f"Message {i}", body="Bonjour")
        for i in range(MESSAGES)
    )
    started = time.monotonic()
    worker = _start_worker(queue, sink, tmp_path)
    try:
        for pk in OutboundMessage.objects.values_list("pk", flat=True):
            deliver_message.apply_async((pk,), queue=queue)
        assert _wait_for(lambda: len(sink.messages) >= MESSAGES // 4, 60), "the first worker delivered nothing"
        _kill(worker)  # SIGKILL to the whole group, in the middle of the batch
        received_before = len(sink.messages)
        assert received_before < MESSAGES, "the batch ended before the kill: nothing was tested"

        worker = _start_worker(queue, sink, tmp_path)
        pending = OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING)
        # What was queued is delivered by the new worker; what the killed worker held (in flight, unacked) is
        # left to the sweep: make it old enough for the sweep, as five minutes later.
        _wait_for(lambda: pending.count() <= CONCURRENCY * 2, 60)
        pending.update(created_at=timezone.now() - timedelta(minutes=10))
        deliver_pending_messages()
        assert _wait_for(lambda: not pending.exists(), 60), list(pending.values_list("pk", "attempts"))
    finally:
        _kill(worker)
        sink.stop()
    took = time.monotonic() - started
    received = sink.recipients()
    expected = {f"r{i}@exemple.fr" for i in range(MESSAGES)}
    duplicates = len(received) - len(set(received))
    print(
        f"[faults] {MESSAGES} e-mails through a killed worker: {received_before} before the kill, "
        f"{len(received)} received, {duplicates} duplicate(s), {took:.1f}s"
    )
    assert set(received) == expected  # none lost
    assert duplicates <= CONCURRENCY  # at most the messages in flight at the kill
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {OutboundMessage.Status.SENT}
