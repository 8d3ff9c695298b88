"""Timed jobs: each run recorded (JobRun), runnable by hand, idempotent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
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


# --- Honest runs: time budget, progress, interruption, one execution at a time -------------------


@pytest.mark.django_db
def test_a_run_stops_before_its_limit_and_records_what_committed(monkeypatch):
    from core import jobs

    clock = [1000.0]
    monkeypatch.setattr(jobs.time, "monotonic", lambda: clock[0])
    done = []

    @timed_job("tests_batches", time_limit=100)
    def batches():
        for batch in range(10):
            done.append(batch)
            jobs.report(f"{len(done)} lot(s)")
            clock[0] += 30  # each batch takes 30 s: the budget (80 s) is used after three
            if jobs.out_of_time():
                return f"{len(done)} lot(s), la suite au prochain passage"
        return "fini"

    assert batches() == "3 lot(s), la suite au prochain passage"
    run = JobRun.objects.get(name="tests_batches")
    assert run.status == JobRun.Status.OK and run.deadline is not None


@pytest.mark.django_db
def test_a_failed_run_keeps_what_it_had_committed():
    from core import jobs

    @timed_job("tests_fails_late")
    def fails_late():
        jobs.report("200 demande(s) supprimée(s)")
        raise RuntimeError("database lost")

    with pytest.raises(RuntimeError):
        fails_late()
    run = JobRun.objects.get(name="tests_fails_late")
    assert run.status == JobRun.Status.FAILED and not run.ok
    assert run.summary == "erreur : RuntimeError ; fait : 200 demande(s) supprimée(s)"


@pytest.mark.django_db
def test_a_run_past_its_deadline_is_shown_and_then_marked_interrupted():
    from core.tasks import purge_old_records

    killed = JobRun.objects.create(
        name="purge_x", started_at=timezone.now() - timedelta(hours=2), deadline=timezone.now() - timedelta(hours=1)
    )
    JobRun.objects.filter(pk=killed.pk).update(summary="300 demande(s) supprimée(s)")
    killed.refresh_from_db()
    alive = JobRun.objects.create(name="purge_y", deadline=timezone.now() + timedelta(minutes=5))
    assert killed.shown_status == JobRun.Status.INTERRUPTED  # shown so before any job marks it
    assert alive.shown_status == JobRun.Status.RUNNING
    purge_old_records()
    killed.refresh_from_db()
    alive.refresh_from_db()
    assert killed.status == JobRun.Status.INTERRUPTED
    assert killed.summary.startswith("interrompue") and "300 demande(s) supprimée(s)" in killed.summary
    assert alive.status == JobRun.Status.RUNNING


@pytest.mark.django_db
def test_the_next_run_marks_a_dead_earlier_run_interrupted():
    JobRun.objects.create(
        name="heartbeat",
        started_at=timezone.now() - timedelta(minutes=5),
        deadline=timezone.now() - timedelta(minutes=4),
    )
    heartbeat()
    statuses = sorted(JobRun.objects.filter(name="heartbeat").values_list("status", flat=True))
    assert statuses == [JobRun.Status.INTERRUPTED, JobRun.Status.OK]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_second_run_during_the_first_does_nothing():
    """Two beats (or a manual run during the scheduled one): one execution, one JobRun."""
    import threading

    from django.db import connection as conn

    started, release, results = threading.Event(), threading.Event(), {}

    @timed_job("tests_exclusive")
    def exclusive(label):
        started.set()
        release.wait(5)
        return label

    def first():
        try:
            results["first"] = exclusive("premier")
        finally:
            conn.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(5)
    results["second"] = exclusive("second")  # while the first holds the lock
    release.set()
    thread.join(10)
    assert results == {"first": "premier", "second": "déjà en cours ailleurs : rien fait"}
    assert list(JobRun.objects.filter(name="tests_exclusive").values_list("summary", flat=True)) == ["premier"]
    assert exclusive("troisième") == "troisième"  # the lock was released


# --- Retention ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_retention_deletes_old_messages_runs_and_orphan_history(settings):
    from django.contrib.contenttypes.models import ContentType

    from core.models import Transition
    from core.tasks import purge_old_records

    long_ago = timezone.now() - timedelta(days=400)
    old_sent = lost_message()
    old_pending = lost_message()
    recent_sent = lost_message()
    OutboundMessage.objects.filter(pk=old_sent.pk).update(status=OutboundMessage.Status.SENT, created_at=long_ago)
    OutboundMessage.objects.filter(pk=old_pending.pk).update(created_at=long_ago)
    OutboundMessage.objects.filter(pk=recent_sent.pk).update(status=OutboundMessage.Status.SENT)
    old_beat = JobRun.objects.create(name="heartbeat", ok=True, started_at=timezone.now() - timedelta(days=3))
    old_purge = JobRun.objects.create(name="purge", ok=True, started_at=long_ago)
    recent_purge = JobRun.objects.create(name="purge", ok=True, started_at=timezone.now() - timedelta(days=3))
    message_type = ContentType.objects.get_for_model(OutboundMessage)
    kept = Transition.objects.create(content_type=message_type, object_id=str(recent_sent.pk), to_state="sent")
    orphan = Transition.objects.create(content_type=message_type, object_id="999999", to_state="sent", reason="x")

    summary = purge_old_records()
    assert "messages : 1" in summary and "historique d’objets supprimés : 1" in summary
    assert set(OutboundMessage.objects.values_list("pk", flat=True)) == {old_pending.pk, recent_sent.pk}
    remaining = set(JobRun.objects.values_list("pk", flat=True))
    assert old_beat.pk not in remaining and old_purge.pk not in remaining and recent_purge.pk in remaining
    assert set(Transition.objects.values_list("pk", flat=True)) == {kept.pk}
    assert orphan.pk not in remaining


# --- The sweep drains a backlog at full speed, once ---------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_enqueues_a_whole_backlog_once(monkeypatch):
    from unittest import mock

    from core import tasks

    monkeypatch.setattr(tasks, "SWEEP_CHUNK", 7)
    backlog = [lost_message() for _ in range(30)]
    with mock.patch.object(tasks.deliver_messages, "delay") as delay:
        assert run_command("run_job", "deliver_pending_messages").strip().endswith("30 message(s) relancé(s)")
        # Not 500 per five minutes: everything, at once, one delivery task per chunk of 7.
        assert sorted(pk for call in delay.call_args_list for pk in call.args[0]) == sorted(m.pk for m in backlog)
        assert delay.call_count == 5
        # Not yet delivered (the worker is busy): the next sweep does not enqueue them a second time.
        assert "0 message(s) relancé(s)" in run_command("run_job", "deliver_pending_messages")
    assert delay.call_count == 5
    assert all(m.queued_at for m in OutboundMessage.objects.filter(pk__in=[m.pk for m in backlog]))


@pytest.mark.django_db
def test_the_dashboard_keeps_failures_apart_from_the_heartbeat():
    from portal.views import jobs_overview

    failed = JobRun.objects.create(name="purge_unapproved_benefit_requests", status=JobRun.Status.FAILED)
    killed = JobRun.objects.create(name="deliver_pending_messages", deadline=timezone.now() - timedelta(minutes=1))
    for _ in range(50):
        JobRun.objects.create(name="heartbeat", ok=True)
    overview = jobs_overview()
    assert {run.pk for run in overview["problem_jobs"]} == {failed.pk, killed.pk}
    assert all(run.name != "heartbeat" for run in overview["recent_jobs"])
    assert overview["last_heartbeat"].name == "heartbeat"


@pytest.mark.django_db
def test_a_timed_step_that_fails_half_way_records_what_committed(monkeypatch):
    """A purge on the workflow layer losing its database after two batches: the run says how many were done."""
    from core.workflows import Step, Workflow
    from partners.enums import ContactState
    from partners.models import ContactMessage
    from tests.partners.factories import ContactMessageFactory

    # A private declaration (register=False) with one timed step; tests import no other test module.
    PRIVATE = Workflow(
        ContactMessage,
        register=False,
        steps=[Step("close_late", [ContactState.OPEN], ContactState.CLOSED, timed=True)],
    )

    ContactMessageFactory.create_batch(5, state=ContactState.OPEN)
    batches = []

    def should_stop():
        batches.append(1)
        if len(batches) > 2:
            raise RuntimeError("database lost")
        return False

    @timed_job("tests_close_late")
    def close_late():
        return PRIVATE.run_due("close_late", ContactMessage.objects.all(), batch_size=2, should_stop=should_stop)

    with pytest.raises(RuntimeError):
        close_late()
    run = JobRun.objects.get(name="tests_close_late")
    assert run.status == JobRun.Status.FAILED
    assert run.summary == "erreur : RuntimeError ; fait : close_late : 4 traité(s)"
