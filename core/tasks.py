"""Thin Celery tasks of the platform: message delivery and the heartbeat."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .jobs import timed_job
from .models import OutboundMessage
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


def deliver(message_id, *, max_attempts=MAX_RETRIES + 1, final=False):
    """One delivery attempt: returns ("sent" | "skipped" | "failed" | "retry", error or None)."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboundMessage.Status.PENDING:
            return "skipped", None
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded, then retried or final
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
            final = final or message.attempts >= max_attempts or isinstance(exc, PERMANENT_ERRORS)
            message.last_error = error
            message.status = OutboundMessage.Status.FAILED if final else OutboundMessage.Status.PENDING
            message.save(update_fields=["attempts", "last_error", "status"])
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
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
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


@shared_task(acks_late=True, time_limit=300)
@timed_job("deliver_pending_messages")
def deliver_pending_messages():
    """Safety net: enqueues again the messages whose delivery was lost.

    Never tried 5 minutes after they were written (the broker was down at commit), or still pending
    long after every retry should have run (the retry chain was lost). Messages waiting for a
    scheduled retry are left to it. Idempotent: deliveries are locked and bounded per message.
    """
    now = timezone.now()
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING)
        .filter(Q(attempts=0, created_at__lt=now - PENDING_GRACE) | Q(created_at__lt=now - RETRY_CHAIN_LOST))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        deliver_message.delay(pk)
    return f"{len(ids)} message(s) relancé(s)"


@shared_task(acks_late=True, time_limit=30)
@timed_job("heartbeat")
def heartbeat():
    """Proves the scheduler and the worker run: each run is visible on the superuser's dashboard."""
    return "ok"
