"""Timed jobs: each run recorded (JobRun), runnable by hand, idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from core.jobs import timed_job
from core.models import JobRun, OutboundMessage
from core.tasks import heartbeat
from portal.celery import BEAT_SCHEDULE


def run_command(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def lost_message(minutes=10):
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL, recipient="a@example.test", subject="Objet", body="Texte"
    )
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return message


@pytest.mark.django_db
def test_a_run_is_recorded():
    before = timezone.now()
    assert heartbeat() == "ok"
    run = JobRun.objects.get(name="heartbeat")
    assert run.ok
    assert run.summary == "ok"
    assert before <= run.started_at <= run.finished_at <= timezone.now()


@pytest.mark.django_db
def test_a_failed_run_is_recorded_and_the_error_raised():
    @timed_job("tests_failing")
    def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing()
    run = JobRun.objects.get(name="tests_failing")
    assert not run.ok
    assert run.summary == "erreur : ValueError"
    assert run.finished_at is not None


@pytest.mark.django_db
def test_summary_is_cut_to_the_column():
    @timed_job("tests_long")
    def long_summary():
        return "x" * 400

    long_summary()
    assert len(JobRun.objects.get(name="tests_long").summary) == 255


@pytest.mark.parametrize("key", sorted(BEAT_SCHEDULE))
def test_every_scheduled_task_exists_and_is_a_recorded_job(key):
    task_path = BEAT_SCHEDULE[key]["task"]
    task = import_string(task_path)
    assert task.name == task_path  # the name the beat sends is the name the worker knows
    assert getattr(task.run, "job_name", None), f"{task_path} should be decorated with @timed_job"
    assert task.acks_late
    assert task.time_limit


@pytest.mark.django_db
def test_run_job_lists_the_schedule():
    out = run_command("run_job")
    for key, entry in BEAT_SCHEDULE.items():
        assert key in out
        assert entry["task"] in out
    assert run_command("run_job", "--list") == out


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["heartbeat", "core.tasks.heartbeat"])
def test_run_job_runs_a_job_by_name(name):
    out = run_command("run_job", name)
    assert "core.tasks.heartbeat : ok" in out
    assert JobRun.objects.filter(name="heartbeat", ok=True).count() == 1


@pytest.mark.django_db
def test_run_job_by_schedule_key_and_by_function_name():
    lost_message()
    assert "1 message(s) relancé(s)" in run_command("run_job", "deliver-pending-messages")
    assert "0 message(s) relancé(s)" in run_command("run_job", "deliver_pending_messages")
    assert JobRun.objects.filter(name="deliver_pending_messages", ok=True).count() == 2


@pytest.mark.django_db
def test_run_job_runs_every_scheduled_job():
    for key in BEAT_SCHEDULE:
        run_command("run_job", key)
    assert JobRun.objects.filter(ok=True).count() == len(BEAT_SCHEDULE)


@pytest.mark.django_db
def test_run_job_unknown_name():
    with pytest.raises(CommandError, match="Tâche inconnue"):
        run_command("run_job", "nope")


@pytest.mark.django_db
def test_heartbeat_command():
    assert "heartbeat : ok" in run_command("heartbeat")
    assert "heartbeat : ok" in run_command("heartbeat")
    assert JobRun.objects.filter(name="heartbeat", ok=True).count() == 2


@pytest.mark.django_db
def test_deliver_pending_messages_command_is_idempotent():
    message = lost_message()
    assert "1 message(s) relancé(s)" in run_command("deliver_pending_messages")
    assert "0 message(s) relancé(s)" in run_command("deliver_pending_messages")
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT


@pytest.mark.django_db
def test_deliver_pending_messages_now_sends_every_pending_message_here():
    recent = lost_message(minutes=0)
    old = lost_message(minutes=30)
    out = run_command("deliver_pending_messages", "--now")
    assert "sent : 2" in out
    assert len(mail.outbox) == 2
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {OutboundMessage.Status.SENT}
    assert {recent.pk, old.pk} == set(OutboundMessage.objects.values_list("pk", flat=True))
    assert "aucun message" in run_command("deliver_pending_messages", "--now")
