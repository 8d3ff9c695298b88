"""Thin Celery tasks of the platform: message delivery and the heartbeat."""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .jobs import timed_job
from .models import OutboundMessage

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    pass


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DeliveryError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    time_limit=60,
    soft_time_limit=50,
)
def deliver_message(self, message_id):
    """Sends one OutboundMessage. Idempotent: a message already sent is left alone."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboundMessage.Status.SENT:
            return "skipped"
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:
            message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            final = self.request.retries >= self.max_retries
            message.status = OutboundMessage.Status.FAILED if final else OutboundMessage.Status.PENDING
            message.save(update_fields=["attempts", "last_error", "status"])
            logger.warning("message %s not delivered (attempt %s): %s", message.pk, message.attempts, exc)
            if final:
                return "failed"
            raise DeliveryError(str(exc)) from exc
        message.status = OutboundMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


def _send(message):
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMultiAlternatives(subject=message.subject, body=message.body, to=[message.recipient])
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        email.send()
    else:
        from portal.sms import send_sms

        send_sms(message.recipient, message.body)


@shared_task(acks_late=True, time_limit=300)
@timed_job("deliver_pending_messages")
def deliver_pending_messages():
    """Safety net: re-enqueues messages still pending 5 minutes after they were written."""
    cutoff = timezone.now() - timezone.timedelta(minutes=5)
    ids = list(
        OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in ids:
        deliver_message.delay(pk)
    return f"{len(ids)} message(s) relancé(s)"


@shared_task(acks_late=True, time_limit=30)
@timed_job("heartbeat")
def heartbeat():
    """Proves the scheduler and the worker run: each run is visible on the superuser's dashboard."""
    return "ok"
