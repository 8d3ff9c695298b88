"""Notifications: e-mails and SMS written in the caller's transaction, delivered by Celery after commit.

    send_email(to=..., template="accounts/emails/temporary_password", context={...}, user=user, event="...")
    send_sms_message(to=..., body=..., user=user, event="...")
    notify(user, "interim.advance_paid", template=..., context=...)   # honours the user's preferences

An OutboundMessage row is written with the rendered content; `transaction.on_commit` enqueues
`core.tasks.deliver_message(message_id)`, which is idempotent and retried on failure.
Templates: `<template>_subject.txt`, `<template>_body.txt`, `<template>_body.html` (optional).

Timed jobs telling thousands of people (`emit_many` inside `batched()`, as core.workflows' run_due does):
- an event declared `render_at_delivery=True` is not rendered by the job: the row keeps its template's
  name and the context captured at emit time (JSON: dates, datetimes and decimals keep their type,
  lazy texts are translated in the recipient's language), and the delivery task renders it before
  sending it (a template error fails that message, with its error, never the batch). Its templates
  read only what `context(obj)` returns (and `reason`), not `object` nor `actor`;
- an event declared `group=True` (and rendered at delivery) sends one message per recipient for the
  whole batch: its context is the first object's, plus `items`, every object's context in order (a
  single object: `items` holds its own, and the message reads as it always did);
- the recipients' switches are read with one query per batch;
- an event whose recipients take a query to find (the HR managers of a cooperative, the validators of an
  organisme) declares `recipients_many(objs)` too: the recipients of a whole batch looked up at once
  (one query per batch, not per object); emit_many uses it, emit() as well (a batch of one).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.functional import Promise

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
    # The recipients of each of a batch's objects, in order, found with a constant number of queries.
    recipients_many: Callable[[Sequence[Any]], Iterable[Iterable[Any]]] | None = None
    context: Callable[[Any], dict] | None = None
    sms: Callable[[Any], str] | None = None  # the SMS text, for events also sent by SMS
    audience: tuple[str, ...] = ()  # the roles offered this switch in their preferences (empty: all)
    render_at_delivery: bool = False  # the context is captured now, the templates rendered by delivery
    group: bool = False  # inside batched(): one message per recipient for the batch (needs the above)


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
    render_at_delivery=False,
    group=False,
    recipients_many=None,
):
    if group and not render_at_delivery:
        raise ValueError(f"event {key}: group=True needs render_at_delivery=True")
    event = EventType(
        key=key,
        label=label,
        space=space,
        default=default,
        optional=optional,
        template=template,
        recipients=recipients,
        recipients_many=recipients_many,
        context=context,
        sms=sms,
        audience=tuple(audience),
        render_at_delivery=render_at_delivery,
        group=group,
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


def _capture(value):
    """A context value as JSON: dates, datetimes and decimals tagged (restored by _restore), lazy texts
    translated now (in the language active: the recipient's)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, Mapping):
        return {str(key): _capture(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_capture(item) for item in value]
    raise TypeError(f"{type(value).__name__} cannot be kept for a message rendered at delivery")


def _restore(value):
    if isinstance(value, list):
        return [_restore(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, text), *_ = value.items()
            if tag == "__datetime__":
                return datetime.datetime.fromisoformat(text)
            if tag == "__date__":
                return datetime.date.fromisoformat(text)
            if tag == "__decimal__":
                return Decimal(text)
        return {key: _restore(item) for key, item in value.items()}
    return value


def render_pending(message):
    """Renders a message written with render_at_delivery (subject and bodies still empty) from its
    template and captured context. Raises what the templates raise (the delivery fails the message)."""
    if not message.template or message.body:
        return False
    kept = message.context or {}
    context = _restore(kept.get("values") or {})
    user = message.user if message.user_id else None
    subject, body, html = _render(message.template, {**context, "user": user}, kept.get("language") or "fr")
    message.subject = subject[:SUBJECT_MAX_LENGTH]
    message.body = body
    message.html_body = html
    return True


# Inside batched(): the messages written are collected here, inserted together at the end.
_BATCH: ContextVar[list | None] = ContextVar("notifications_batch", default=None)
# Inside batched(): the message of each (event, channel, recipient, user) of a `group` event, which the
# next objects' contexts join (`items`) instead of making a message each, merged at the end.
_GROUPS: ContextVar[dict | None] = ContextVar("notifications_groups", default=None)


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
    groups_token = _GROUPS.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)
        _TEMPLATES.reset(templates_token)
        _GROUPS.reset(groups_token)
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


def _email_rendered_at_delivery(*, to, event, context, user=None, language=None, active=None, captured=None):
    """The outbox row of an event rendered at delivery: its template's name and the captured context.
    `active`: the language active (emit_many reads it once for its batch); `captured`: the object's
    context already captured, by language (emit_many's, for its several recipients; never changed)."""
    active = active or translation.get_language()
    language = language or getattr(user, "language", None) or active or "fr"
    values = captured.get(language) if captured is not None else None
    if values is None:
        if language == active:  # no switch per object when the recipient's language is the one active
            values = _capture(context)
        else:
            with translation.override(language):
                values = _capture(context)
        if captured is not None:
            captured[language] = values
    groups = _GROUPS.get() if event.group else None
    if groups is not None:  # inside batched(): the recipient's message of this batch lists this object too
        key = (event.key, to.lower(), getattr(user, "pk", None))
        if key in groups:
            groups[key].context["values"]["items"].append(values)
            return groups[key]
    if event.group:
        values = {**values, "items": [values]}
    message = OutboundMessage(
        channel=OutboundMessage.Channel.EMAIL,
        event=event.key,
        user=user,
        recipient=to,
        subject="",
        body="",
        html_body="",
        template=event.template,
        context={"language": language, "values": values},
    )
    if groups is not None:
        groups[key] = message
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
    return emit_many(key, [obj], actor=actor, reason=reason, context=context)


def _switched_off(event, users):
    """The ids of `users` who do not want `event` (one query for them all)."""
    if not event.optional or not users:
        return set()
    preferences = NotificationPreference.objects.filter(user__in={user.pk for user in users}, event=event.key)
    if event.default:
        return set(preferences.filter(enabled=False).values_list("user_id", flat=True))
    return {user.pk for user in users} - set(preferences.filter(enabled=True).values_list("user_id", flat=True))


def emit_many(key, objs, *, actor=None, reason="", context=None):
    """emit() for each of `objs` (a timed job's batch): the recipients' switches read at once."""
    event = _EVENTS[key]
    if event.template is None or event.recipients is None:
        raise ValueError(f"event {key} has no template or recipients: declare them with register_event")
    objs = list(objs)
    if event.recipients_many is not None:  # the batch's recipients looked up at once
        found = list(event.recipients_many(objs))
        if len(found) != len(objs):
            raise ValueError(f"event {key}: recipients_many returned {len(found)} lists for {len(objs)} objects")
        recipients_of = [(obj, list(recipients or ())) for obj, recipients in zip(objs, found, strict=True)]
    else:
        recipients_of = [(obj, list(event.recipients(obj) or ())) for obj in objs]
    users = [r for _obj, recipients in recipients_of for r in recipients if not isinstance(r, str) and r is not None]
    switched_off = _switched_off(event, users)
    active = translation.get_language()
    sent = []
    for obj, recipients in recipients_of:
        extra = event.context(obj) if event.context is not None else {}
        if event.render_at_delivery:
            base = {"reason": reason, **extra, **(context or {})}
        else:
            base = {"object": obj, "actor": actor, "reason": reason, **extra, **(context or {})}
        captured: dict = {}  # the object's context captured once per language, whatever its recipients
        seen = set()
        for recipient in recipients:
            if recipient is None:
                continue
            if isinstance(recipient, str):
                if recipient.lower() not in seen:
                    seen.add(recipient.lower())
                    sent.append(_email(event, to=recipient, context=base, active=active, captured=captured))
                continue
            if recipient.pk in switched_off or not recipient.is_active:
                continue
            if recipient.email and recipient.email.lower() not in seen:
                seen.add(recipient.email.lower())
                sent.append(
                    _email(event, to=recipient.email, context=base, user=recipient, active=active, captured=captured)
                )
            if event.sms is not None and getattr(recipient, "phone", None):
                sent.append(send_sms_message(to=recipient.phone, body=event.sms(obj), user=recipient, event=key))
    return sent


def _email(event, *, to, context, user=None, active=None, captured=None):
    if event.render_at_delivery:
        return _email_rendered_at_delivery(
            to=to, event=event, context=context, user=user, active=active, captured=captured
        )
    return send_email(to=to, template=event.template, context=context, user=user, event=event.key)
