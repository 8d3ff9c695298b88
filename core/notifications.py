"""Notifications: e-mails and SMS written in the caller's transaction, delivered by Celery after commit.

    send_email(to=..., template="accounts/emails/temporary_password", context={...}, user=user, event="...")
    send_sms_message(to=..., body=..., user=user, event="...")
    notify(user, "interim.advance_paid", template=..., context=...)   # honours the user's preferences

An OutboundMessage row is written with the rendered content; `transaction.on_commit` enqueues
`core.tasks.deliver_message(message_id)`, which is idempotent and retried on failure.
Templates: `<template>_subject.txt`, `<template>_body.txt`, `<template>_body.html` (optional).
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from .models import NotificationPreference, OutboundMessage


@dataclass(frozen=True)
class EventType:
    """One event, declared once: its switch in the preferences, its templates, who is told.

    `recipients(obj)` returns users (told by e-mail, and by SMS when `sms` is given and they have a
    phone) or plain e-mail addresses (someone without an account: an applicant). `context(obj)`
    adds to the templates' context, which always has `object`, `actor` and `reason`.
    """

    key: str
    label: Any
    space: str | None = None
    default: bool = True
    optional: bool = True  # False: always sent (security, legal), not shown as a switch
    template: str | None = None  # "<app>/emails/<name>": _subject.txt, _body.txt, _body.html
    recipients: Callable[[Any], Iterable[Any]] | None = None
    context: Callable[[Any], dict] | None = None
    sms: Callable[[Any], str] | None = None  # the SMS text, for events also sent by SMS
    audience: tuple[str, ...] = ()  # the roles offered this switch in their preferences (empty: all)


_EVENTS: dict[str, EventType] = {}
SUBJECT_MAX_LENGTH = OutboundMessage._meta.get_field("subject").max_length


def register_event(
    key,
    label,
    *,
    space=None,
    default=True,
    optional=True,
    template=None,
    recipients=None,
    context=None,
    sms=None,
    audience=(),
):
    event = EventType(
        key=key,
        label=label,
        space=space,
        default=default,
        optional=optional,
        template=template,
        recipients=recipients,
        context=context,
        sms=sms,
        audience=tuple(audience),
    )
    _EVENTS[key] = event
    return event


def events():
    """Every declared event (the contract test checks each has templates and recipients)."""
    return list(_EVENTS.values())


def get_event(key):
    return _EVENTS[key]


def events_for(spaces):
    """The optional event types of the given spaces (and those of no space), in registration order."""
    return [e for e in _EVENTS.values() if e.optional and (e.space is None or e.space in spaces)]


def is_enabled(user, key):
    event = _EVENTS.get(key)
    if event is None or not event.optional:
        return True
    row = NotificationPreference.objects.filter(user=user, event=key).values_list("enabled", flat=True).first()
    return event.default if row is None else row


def preferences_for(user, spaces):
    """[(event, enabled)] for the user's spaces, in one query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "enabled"))
    return [(event, chosen.get(event.key, event.default)) for event in events_for(spaces)]


@transaction.atomic
def set_preferences(*, user, enabled_keys, spaces):
    for event in events_for(spaces):
        NotificationPreference.objects.update_or_create(
            user=user, event=event.key, defaults={"enabled": event.key in enabled_keys}
        )


# Inside batched(): templates looked up once for the batch (None: the template does not exist).
_TEMPLATES: ContextVar[dict | None] = ContextVar("notifications_templates", default=None)


def _template(name):
    cache = _TEMPLATES.get()
    if cache is None:
        return get_template(name)
    if name not in cache:
        try:
            cache[name] = get_template(name)
        except TemplateDoesNotExist:
            cache[name] = None
    if cache[name] is None:
        raise TemplateDoesNotExist(name)
    return cache[name]


def _render_text(name, context):
    """Plain text (subject, text body): no HTML escaping, "L'Union & co" stays as typed."""
    template = _template(name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # not the Django template engine: best effort
        return template.render(context)
    return engine_template.render(Context(context, autoescape=False))


def _render(template, context, language):
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        body = _render_text(f"{template}_body.txt", context)
        html: str
        try:
            html = _template(f"{template}_body.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    return subject, body, html


# Inside batched(): the messages written are collected here, inserted together at the end.
_BATCH: ContextVar[list | None] = ContextVar("notifications_batch", default=None)


@contextmanager
def batched():
    """Messages written inside are inserted with one bulk insert at the end of the block, and delivered by
    one task for the whole batch once the transaction commits (a timed job telling 100,000 people).

        with transaction.atomic(), notifications.batched():
            for obj in batch:
                emit(EVENT, obj)

    The messages returned inside the block have no primary key until the block ends. Nested blocks
    join the outer one.
    """
    if _BATCH.get() is not None:
        yield
        return
    collected: list = []
    token = _BATCH.set(collected)
    templates_token = _TEMPLATES.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)
        _TEMPLATES.reset(templates_token)
    if collected:
        _flush(collected)


def _flush(messages):
    from .tasks import deliver_messages, enqueue

    OutboundMessage.objects.bulk_create(messages, batch_size=1000)
    ids = [m.pk for m in messages if m.pk is not None]
    if len(ids) != len(messages):  # a database that returns no ids on bulk insert: the sweep delivers them
        return
    transaction.on_commit(lambda: enqueue(deliver_messages, ids), robust=True)


def _write(message):
    """Inserts the message and enqueues its delivery after commit, or collects it inside batched()."""
    collected = _BATCH.get()
    if collected is not None:
        collected.append(message)
        return message
    message.save()
    return _enqueue(message)


def _enqueue(message):
    from .tasks import deliver_message, enqueue

    # A broker that is down must not turn the caller's committed request into an error nor keep it
    # waiting: enqueue() gives up within about a second; the message stays pending and
    # deliver_pending_messages enqueues it again.
    transaction.on_commit(lambda: enqueue(deliver_message, message.pk), robust=True)
    return message


def send_email(*, to, template, context, user=None, event="", language=None):
    language = language or getattr(user, "language", None) or translation.get_language() or "fr"
    subject, body, html = _render(template, {**context, "user": user}, language)
    message = OutboundMessage(
        channel=OutboundMessage.Channel.EMAIL,
        event=event,
        user=user,
        recipient=to,
        subject=subject[:SUBJECT_MAX_LENGTH],
        body=body,
        html_body=html,
    )
    return _write(message)


def send_sms_message(*, to, body, user=None, event=""):
    message = OutboundMessage(channel=OutboundMessage.Channel.SMS, event=event, user=user, recipient=to, body=body)
    return _write(message)


def notify(user, event, *, template, context, sms_body=None):
    """Sends an optional event to a user by e-mail (and SMS if given), unless they switched it off."""
    if not is_enabled(user, event):
        return []
    sent = []
    if user.email:
        sent.append(send_email(to=user.email, template=template, context=context, user=user, event=event))
    if sms_body and user.phone:
        sent.append(send_sms_message(to=user.phone, body=sms_body, user=user, event=event))
    return sent


def emit(key, obj, *, actor=None, reason="", context=None):
    """Tells the event's recipients about `obj`, as the event was declared (its switch honoured).

    Written in the caller's transaction (outbox rows), delivered after commit. Returns the messages.
    """
    event = _EVENTS[key]
    if event.template is None or event.recipients is None:
        raise ValueError(f"event {key} has no template or recipients: declare them with register_event")
    extra = event.context(obj) if event.context is not None else {}
    base = {"object": obj, "actor": actor, "reason": reason, **extra, **(context or {})}
    recipients = list(event.recipients(obj) or ())
    users = [r for r in recipients if not isinstance(r, str) and r is not None]
    switched_off = set()
    if event.optional and users:
        switched_off = set(
            NotificationPreference.objects.filter(user__in=users, event=key, enabled=False).values_list(
                "user_id", flat=True
            )
        )
        if not event.default:
            chosen = set(
                NotificationPreference.objects.filter(user__in=users, event=key, enabled=True).values_list(
                    "user_id", flat=True
                )
            )
            switched_off = {u.pk for u in users} - chosen
    sent = []
    seen = set()
    for recipient in recipients:
        if recipient is None:
            continue
        if isinstance(recipient, str):
            if recipient.lower() not in seen:
                seen.add(recipient.lower())
                sent.append(send_email(to=recipient, template=event.template, context=base, event=key))
            continue
        if recipient.pk in switched_off or not recipient.is_active:
            continue
        if recipient.email and recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            sent.append(
                send_email(to=recipient.email, template=event.template, context=base, user=recipient, event=key)
            )
        if event.sms is not None and getattr(recipient, "phone", None):
            sent.append(send_sms_message(to=recipient.phone, body=event.sms(obj), user=recipient, event=key))
    return sent
