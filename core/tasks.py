"""Thin Celery tasks of the platform: message delivery and the heartbeat."""

import logging
import random
import time
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .jobs import out_of_time, report, timed_job
from .models import OutboundMessage
from .notifications import render_pending
from .sms.phone import InvalidPhoneNumber

logger = logging.getLogger(__name__)

MAX_RETRIES = 8  # 9 attempts in all, over about two hours (30 s, 1 min, 2 min ... 1 h)
PERMANENT_ERRORS = (InvalidPhoneNumber,)  # retrying cannot help: failed at once
PENDING_GRACE = timedelta(minutes=5)  # an enqueue lost after commit is redone after this delay
RETRY_CHAIN_LOST = timedelta(hours=3)  # longer than every backoff together: the retries were lost


class DeliveryError(Exception):
    pass


def retry_countdown(retries):
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, ... capped at one hour."""
    base = min(3600, 30 * 2**retries)
    return int(base * random.uniform(0.8, 1.2))


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=60, soft_time_limit=50)
def deliver_message(self, message_id):
    """Sends one OutboundMessage. Idempotent: a message no longer pending (sent, failed) is left alone.

    The row is locked while it is sent, so two deliveries of the same message (a re-enqueue, a
    redelivery after a worker was lost) send it once. The attempt count lives on the row: however
    many times the message was enqueued, it is tried at most MAX_RETRIES + 1 times.
    """
    final = self.request.retries >= self.max_retries
    outcome, error = deliver(message_id, max_attempts=self.max_retries + 1, final=final)
    if outcome == "retry":
        raise self.retry(exc=DeliveryError(error), countdown=retry_countdown(self.request.retries))
    return outcome


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def deliver_messages(message_ids):
    """Sends a batch of OutboundMessages written together (core.notifications.batched): one task per
    batch instead of one per message. A message that fails is retried on its own (deliver_message
    with its backoff); one still pending when the task stops is left to the sweep."""
    sent = 0
    for message_id in message_ids:
        outcome, _error = deliver(message_id)
        sent += outcome == "sent"
        if outcome == "retry":
            try:
                deliver_message.apply_async(args=(message_id,), countdown=retry_countdown(0))
            except Exception:
                logger.exception("message %s: its retry could not be enqueued", message_id)
    return sent


def deliver(message_id, *, max_attempts=MAX_RETRIES + 1, final=False):
    """One delivery attempt: returns ("sent" | "skipped" | "failed" | "retry", error or None)."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboundMessage.Status.PENDING:
            return "skipped", None
        message.attempts += 1
        rendered = []
        try:
            # An event rendered at delivery (core.notifications): its templates, from the captured context.
            rendered = ["subject", "body", "html_body"] if render_pending(message) else []
        except Exception as exc:  # noqa: BLE001 - a template error: this message fails, not the batch
            error = f"rendu impossible : {exc.__class__.__name__}: {exc}"[:2000]
            message.last_error = error
            message.status = OutboundMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            logger.error(
                "message %s (%s, %s) could not be rendered: %s", message.pk, message.event, message.template, error
            )
            return "failed", error
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded, then retried or final
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
            final = final or message.attempts >= max_attempts or isinstance(exc, PERMANENT_ERRORS)
            message.last_error = error
            message.status = OutboundMessage.Status.FAILED if final else OutboundMessage.Status.PENDING
            message.save(update_fields=["attempts", "last_error", "status", *rendered])
            # Never log the body: it may carry a secret (temporary password, code).
            logger.warning(
                "message %s (%s) not delivered, attempt %s%s: %s",
                message.pk,
                message.channel,
                message.attempts,
                " (final)" if final else "",
                error,
            )
            return ("failed" if final else "retry"), error
        message.status = OutboundMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", *rendered])
    return "sent", None


def _send(message):
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMultiAlternatives(subject=message.subject, body=message.body, to=[message.recipient])
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        email.send()
    else:
        from core.sms import send_sms

        send_sms(message.recipient, message.body)


SWEEP_CHUNK = 1000  # messages read and stamped at once
SWEEP_TASK_SIZE = 200  # messages per delivery task: a few workers share a backlog, each task well in its limits


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
@timed_job("deliver_pending_messages")
def deliver_pending_messages():
    """Safety net: enqueues again the messages whose delivery was lost, all of them, at full speed: one
    `deliver_messages` task per SWEEP_TASK_SIZE messages, not one task per message.

    Never tried 5 minutes after they were written or last swept (the broker was down at commit), or
    still pending long after every retry should have run (the retry chain was lost). Messages waiting
    for a scheduled retry are left to it. Each message swept is stamped (queued_at), so that a backlog
    the worker has not drained yet is not enqueued again by the next sweep; the run stops before its
    time limit and the next one continues. Idempotent: deliveries are locked and bounded per message.
    """
    now = timezone.now()
    last_queued = Coalesce("queued_at", "created_at")
    candidates = (
        OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING)
        .annotate(last_queued=last_queued)
        .filter(Q(attempts=0, last_queued__lt=now - PENDING_GRACE) | Q(last_queued__lt=now - RETRY_CHAIN_LOST))
        .order_by("pk")
    )
    swept = 0
    after = 0
    while True:
        ids = list(candidates.filter(pk__gt=after).values_list("pk", flat=True)[:SWEEP_CHUNK])
        if not ids:
            break
        OutboundMessage.objects.filter(pk__in=ids).update(queued_at=now)
        # One delivery task per chunk (a message that fails is retried on its own with its backoff).
        for start in range(0, len(ids), SWEEP_TASK_SIZE):
            chunk = ids[start : start + SWEEP_TASK_SIZE]
            if not enqueue(deliver_messages, chunk):
                # The broker is down: the rows not handed over are pending still; the next sweep tries again.
                OutboundMessage.objects.filter(pk__in=ids[start:], queued_at=now).update(queued_at=None)
                report(f"{swept} message(s) relancé(s), file de tâches indisponible")
                return f"{swept} message(s) relancé(s), file de tâches indisponible"
            swept += len(chunk)
        after = ids[-1]
        report(f"{swept} message(s) relancé(s)")
        if out_of_time():
            return f"{swept} message(s) relancé(s), la suite au prochain passage"
    return f"{swept} message(s) relancé(s)"


@shared_task(acks_late=True, time_limit=30)
@timed_job("heartbeat")
def heartbeat():
    """Proves the scheduler and the worker run: each run is visible on the superuser's dashboard."""
    return "ok"


# --- Enqueueing without blocking -----------------------------------------------------------------

PUBLISH_PAUSE_SECONDS = 10  # after a failed publish, this process does not try the broker again for this long
_broker_down_until = 0.0


def enqueue(task, *args):
    """Publishes a task; never raises a broker error and never blocks for long (short socket timeouts,
    one retry).

    After a failure, publishing is skipped for PUBLISH_PAUSE_SECONDS in this process, so that a request
    writing several messages pays the broker's timeout once. What was not published is swept later
    (the outbox rows, the file deletions stay). Returns True when the task was published. Eager mode
    (tests): the task runs here and its errors propagate as with `delay`.
    """
    global _broker_down_until
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    if time.monotonic() < _broker_down_until:
        return False
    started = time.monotonic()
    try:
        task.apply_async(args=args)
    except Exception as exc:  # noqa: BLE001 - any broker error: the sweep enqueues it later
        _broker_down_until = time.monotonic() + PUBLISH_PAUSE_SECONDS
        logger.error(
            "enqueue %s: broker unavailable after %.2fs (%s: %s); left for the sweep, publishing paused %ss",
            task.name,
            time.monotonic() - started,
            exc.__class__.__name__,
            exc,
            PUBLISH_PAUSE_SECONDS,
        )
        return False
    return True


# --- Files to delete -------------------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, max_retries=5, time_limit=120, soft_time_limit=100)
def delete_files(self, ids):
    """Deletes recorded files (core.deletions) after the commit that recorded them; idempotent, retried."""
    from .deletions import delete_recorded_files

    deleted, failed = delete_recorded_files(ids)
    if failed:
        raise self.retry(countdown=retry_countdown(self.request.retries))
    return deleted


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
@timed_job("delete_pending_files")
def delete_pending_files():
    """Sweep: deletes the recorded files still there (worker killed after commit, storage down)."""
    from .deletions import delete_recorded_files

    deleted = failed = 0
    while True:
        done, errors = delete_recorded_files(limit=500)
        deleted += done
        failed += errors
        report(f"{deleted} fichier(s) supprimé(s), {failed} en échec")
        if not done or out_of_time():  # nothing left, only failures left, or no time left
            break
    return (
        f"{deleted} fichier(s) supprimé(s), {failed} en échec (nouvel essai plus tard)"
        if failed
        else (f"{deleted} fichier(s) supprimé(s)")
    )


# --- Retention ---------------------------------------------------------------------------------------


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@timed_job("purge_old_records")
def purge_old_records():
    """Retention: delivered (or failed) messages, old job runs, history rows of deleted objects; and the
    runs left "running" past their time limit are marked interrupted."""
    from .retention import purge_old_records as purge

    return purge()
