"""Notifications: written in the caller's transaction, delivered by a task after commit, with retries."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core import notifications, sms
from core.models import JobRun, NotificationPreference, OutboundMessage
from core.notifications import (
    is_enabled,
    notify,
    preferences_for,
    register_event,
    send_email,
    send_sms_message,
    set_preferences,
)
from core.sms.phone import InvalidPhoneNumber
from core.tasks import MAX_RETRIES, deliver_message, deliver_messages, deliver_pending_messages, retry_countdown
from tests.accounts.factories import UserFactory

TEMPLATES_DIR = Path(__file__).parent / "templates"
SAMPLE = "tests_core/emails/sample"
Status = OutboundMessage.Status


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]


@pytest.fixture
def events():
    """Event types of a test space ("tests"), removed afterwards so that no real space sees them."""
    keys = {
        "optional": register_event("tests.optional", "Un événement facultatif", space="tests"),
        "off_by_default": register_event("tests.off", "Désactivé par défaut", space="tests", default=False),
        "security": register_event("tests.security", "Sécurité", space="tests", optional=False),
    }
    yield keys
    for event in keys.values():
        notifications._EVENTS.pop(event.key, None)


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager tasks run their retries inline (no countdown) instead of raising Retry to the caller."""
    monkeypatch.setitem(deliver_message.app.conf, "task_eager_propagates", False)


def sample_email(user=None, **context):
    return send_email(
        to="jeanne@example.test",
        template=SAMPLE,
        context={"name": "Jeanne", "company": "L'Union & Fils", **context},
        user=user,
        event="tests.sample",
    )


# --- On commit --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = sample_email()
        send_sms_message(to="0612345678", body="Code : 123456")
    assert len(callbacks) == 2
    assert mail.outbox == []
    assert sms.outbox == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)

    for callback in callbacks:  # the commit
        callback()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(mail.outbox) == 1
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_a_batch_is_inserted_at_once_and_delivered_by_one_task(django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as q:
        with notifications.batched():
            written = [sample_email(name=f"N{i}") for i in range(5)]
            written.append(send_sms_message(to="0612345678", body="Code : 123456"))
            assert all(m.pk is None for m in written)  # not inserted yet
            assert OutboundMessage.objects.count() == 0
        inserts = [x for x in q.captured_queries if x["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and all(m.pk for m in written)
    assert len(callbacks) == 1  # one delivery task for the whole batch
    callbacks[0]()
    assert len(mail.outbox) == 5 and len(sms.outbox) == 1
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(m.subject for m in mail.outbox)[0] == "Bonjour N0 — L'Union & Fils"


@pytest.mark.django_db
def test_a_batch_delivery_retries_a_failed_message_on_its_own(django_capture_on_commit_callbacks, monkeypatch):
    from core import tasks

    retried = []
    monkeypatch.setattr(tasks.deliver_message, "apply_async", lambda args, countdown: retried.append(args[0]))
    with notifications.batched():
        good, bad = sample_email(), sample_email()
    real_send = tasks._send

    def flaky(message):
        if message.pk == bad.pk:
            raise OSError("SMTP indisponible")
        return real_send(message)

    monkeypatch.setattr(tasks, "_send", flaky)
    assert tasks.deliver_messages.apply(args=[[good.pk, bad.pk]]).get() == 1
    bad.refresh_from_db()
    assert (bad.status, bad.attempts, retried) == (Status.PENDING, 1, [bad.pk])


@pytest.mark.django_db
def test_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = sample_email()
    (email,) = mail.outbox
    assert email.to == ["jeanne@example.test"]
    assert email.subject == "Bonjour Jeanne — L'Union & Fils"
    assert "Votre dossier chez L'Union & Fils a avancé." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<h1>Bonjour Jeanne</h1>" in html
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert message.sent_at is not None


@pytest.mark.django_db
def test_sms_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms_message(to="0612345678", body="Votre code : 123456", event="tests.sms")
    (sent,) = sms.outbox
    assert (sent.to, sent.body) == ("0612345678", "Votre code : 123456")
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.channel == OutboundMessage.Channel.SMS


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sample_email()
        raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_a_broker_down_at_commit_does_not_break_the_caller(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(deliver_message, "delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = sample_email()  # no exception reaches the caller
    message.refresh_from_db()
    assert message.status == Status.PENDING  # deliver_pending_messages will enqueue it again


# --- Templates --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_templates_render_subject_text_and_html():
    message = sample_email()
    assert message.subject == "Bonjour Jeanne — L'Union & Fils"  # whitespace collapsed, not escaped
    assert "Votre dossier chez L'Union & Fils a avancé." in message.body  # plain text: not escaped
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    assert "Merci de ne pas y répondre" in message.body  # base_body.txt footer
    assert "L&#x27;Union &amp; Fils" in message.html_body  # HTML: escaped
    assert '<html lang="fr">' in message.html_body
    assert "<main>" in message.html_body and "<title>Votre dossier</title>" in message.html_body
    assert 'style="' not in message.html_body
    assert "INVALID" not in message.body + message.html_body + message.subject


@pytest.mark.django_db
def test_html_part_is_optional(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_email(
            to="a@example.test", template="tests_core/emails/textonly", context={"subject": "Objet", "text": "Texte"}
        )
    assert message.html_body == ""
    assert mail.outbox[0].alternatives == []
    assert mail.outbox[0].body.strip() == "Texte"


@pytest.mark.django_db
def test_long_subject_is_truncated_to_the_column():
    message = send_email(
        to="a@example.test", template="tests_core/emails/textonly", context={"subject": "x" * 400, "text": "t"}
    )
    message.refresh_from_db()
    assert len(message.subject) == 255


@pytest.mark.django_db
def test_user_is_in_the_template_context_and_linked():
    user = UserFactory(first_name="Paul")
    message = send_email(
        to=user.email,
        template="tests_core/emails/textonly",
        context={"subject": "Objet", "text": "t"},
        user=user,
        event="tests.x",
    )
    assert (message.user, message.event, message.recipient) == (user, "tests.x", user.email)


# --- Preferences and the event registry -------------------------------------------------------


@pytest.mark.django_db
def test_preferences_switch_an_optional_event_off_and_on(events, django_capture_on_commit_callbacks):
    user = UserFactory(phone="0612345678")
    context = {"name": "Jeanne", "company": "Coop"}
    assert is_enabled(user, "tests.optional")

    set_preferences(user=user, enabled_keys=set(), spaces=["tests"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(user, "tests.optional", template=SAMPLE, context=context, sms_body="x") == []
    assert mail.outbox == [] and sms.outbox == []

    set_preferences(user=user, enabled_keys={"tests.optional"}, spaces=["tests"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(user, "tests.optional", template=SAMPLE, context=context, sms_body="Votre dossier a avancé.")
    assert [m.channel for m in sent] == ["email", "sms"]
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


@pytest.mark.django_db
def test_event_off_by_default_is_sent_only_when_chosen(events, django_capture_on_commit_callbacks):
    user = UserFactory()
    context = {"name": "Jeanne", "company": "Coop"}
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(user, "tests.off", template=SAMPLE, context=context) == []
    set_preferences(user=user, enabled_keys={"tests.off"}, spaces=["tests"])
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify(user, "tests.off", template=SAMPLE, context=context)) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_non_optional_event_is_always_sent(events, django_capture_on_commit_callbacks):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, event="tests.security", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify(user, "tests.security", template=SAMPLE, context={"name": "J", "company": "C"})
    assert len(sent) == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_preferences_list_only_optional_events_of_the_spaces(events, django_assert_num_queries):
    user = UserFactory()
    NotificationPreference.objects.create(user=user, event="tests.optional", enabled=False)
    with django_assert_num_queries(1):
        preferences = preferences_for(user, ["tests"])
    assert [(event.key, enabled) for event, enabled in preferences] == [("tests.optional", False), ("tests.off", False)]
    assert all(event.space != "tests" for event, _enabled in preferences_for(user, ["interim"]))


@pytest.mark.django_db
def test_set_preferences_ignores_events_outside_the_spaces(events):
    user = UserFactory()
    set_preferences(user=user, enabled_keys={"tests.optional", "tests.security"}, spaces=["tests"])
    assert dict(NotificationPreference.objects.filter(user=user).values_list("event", "enabled")) == {
        "tests.optional": True,
        "tests.off": False,
    }


# --- Delivery: idempotent, retried, bounded ---------------------------------------------------


@pytest.mark.django_db
def test_delivery_is_idempotent():
    message = sample_email()
    assert deliver_message.apply(args=[message.pk]).get() == "sent"
    assert deliver_message.apply(args=[message.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.django_db
def test_delivery_of_an_unknown_message_is_skipped():
    assert deliver_message.apply(args=[123456]).get() == "skipped"


@pytest.mark.django_db
def test_transient_failure_is_retried_then_sent(eager_retries):
    message = sample_email()
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", flaky):
        assert deliver_message.apply(args=[message.pk]).get() == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_transport_failure_is_retried_then_failed_after_max_retries(eager_retries):
    message = sample_email()
    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("SMTP down")):
        result = deliver_message.apply(args=[message.pk])
    assert result.get() == "failed"
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == MAX_RETRIES + 1
    assert message.last_error == "ConnectionRefusedError: SMTP down"
    assert mail.outbox == []
    # A failed message is final: delivering it again does nothing.
    assert deliver_message.apply(args=[message.pk]).get() == "skipped"


@pytest.mark.django_db
def test_failure_is_recorded_on_the_row_before_the_retry():
    message = sample_email()
    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("SMTP down")),
        mock.patch.object(deliver_message, "retry", side_effect=RuntimeError("retry scheduled")) as retry,
        pytest.raises(RuntimeError, match="retry scheduled"),
    ):
        deliver_message.run(message.pk)
    assert retry.call_count == 1
    assert 24 <= retry.call_args.kwargs["countdown"] <= 36
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "SMTP down" in message.last_error


@pytest.mark.django_db
def test_attempts_are_bounded_per_message_however_often_it_is_enqueued():
    message = sample_email()
    OutboundMessage.objects.filter(pk=message.pk).update(attempts=MAX_RETRIES)
    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("down")):
        assert deliver_message.apply(args=[message.pk]).get() == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, MAX_RETRIES + 1)


@pytest.mark.django_db
def test_invalid_number_fails_at_once_without_retries():
    message = send_sms_message(to="12", body="x")
    with mock.patch("core.sms.send_sms", side_effect=InvalidPhoneNumber("numéro de téléphone invalide : '12'")):
        assert deliver_message.apply(args=[message.pk]).get() == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)


def test_retry_backoff_grows_and_is_capped():
    assert 24 <= retry_countdown(0) <= 36
    assert 48 <= retry_countdown(1) <= 72
    assert retry_countdown(20) <= 3600 * 1.2


# --- Safety net -------------------------------------------------------------------------------


def pending_message(*, age, attempts=0, status=Status.PENDING):
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL,
        recipient="a@example.test",
        subject=f"{age} {attempts} {status}",
        body="b",
        attempts=attempts,
        status=status,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


@pytest.mark.django_db
def test_deliver_pending_messages_enqueues_the_lost_ones_only():
    lost = pending_message(age=timedelta(minutes=10))
    lost_retry_chain = pending_message(age=timedelta(hours=4), attempts=3)
    recent = pending_message(age=timedelta(minutes=1))
    waiting_for_retry = pending_message(age=timedelta(minutes=30), attempts=2)
    sent = pending_message(age=timedelta(hours=1), status=Status.SENT)
    failed = pending_message(age=timedelta(hours=5), attempts=9, status=Status.FAILED)

    with mock.patch.object(deliver_messages, "delay") as delay:
        summary = deliver_pending_messages()
    [call] = delay.call_args_list  # one delivery task for the lost ones
    assert sorted(call.args[0]) == sorted([lost.pk, lost_retry_chain.pk])
    assert summary == "2 message(s) relancé(s)"
    assert {recent.pk, waiting_for_retry.pk, sent.pk, failed.pk}.isdisjoint(call.args[0])


@pytest.mark.django_db
def test_the_sweep_enqueues_one_task_per_chunk_in_constant_queries(monkeypatch):
    from core import tasks
    from tests.utils.queries import constant_queries

    monkeypatch.setattr(tasks, "SWEEP_TASK_SIZE", 4)
    published = []
    publish = mock.patch.object(deliver_messages, "delay", side_effect=lambda ids: published.append(list(ids)))
    with publish, constant_queries() as measure:
        for count in (3, 30):
            lost = [pending_message(age=timedelta(minutes=10)).pk for _ in range(count)]
            published.clear()
            with measure():
                assert deliver_pending_messages() == f"{count} message(s) relancé(s)"
            assert sorted(pk for ids in published for pk in ids) == sorted(lost)
            assert [len(ids) for ids in published] == [4] * (count // 4) + ([count % 4] if count % 4 else [])


@pytest.mark.django_db
def test_the_sweep_leaves_what_it_could_not_hand_over_for_the_next_one(monkeypatch):
    from core import tasks

    monkeypatch.setattr(tasks, "SWEEP_TASK_SIZE", 2)
    lost = [pending_message(age=timedelta(minutes=10)) for _ in range(5)]
    answers = iter([True, False])
    monkeypatch.setattr(tasks, "enqueue", lambda task, ids: next(answers))
    assert deliver_pending_messages() == "2 message(s) relancé(s), file de tâches indisponible"
    queued = OutboundMessage.objects.filter(pk__in=[m.pk for m in lost], queued_at__isnull=False)
    assert sorted(queued.values_list("pk", flat=True)) == [lost[0].pk, lost[1].pk]  # handed over: stamped


@pytest.mark.django_db
def test_deliver_pending_messages_sends_them_and_records_the_run():
    lost = pending_message(age=timedelta(minutes=10))
    deliver_pending_messages()
    lost.refresh_from_db()
    assert lost.status == Status.SENT
    assert len(mail.outbox) == 1
    run = JobRun.objects.get(name="deliver_pending_messages")
    assert run.ok and run.summary == "1 message(s) relancé(s)" and run.finished_at is not None

    deliver_pending_messages()  # idempotent: nothing left to do
    assert len(mail.outbox) == 1
    assert JobRun.objects.filter(name="deliver_pending_messages").first().summary == "0 message(s) relancé(s)"


# --- Rendered at delivery, grouped per recipient (timed jobs) ------------------------------------


@pytest.fixture
def digest_events():
    from django.utils.translation import gettext_lazy

    def context(obj):
        return {"name": obj["name"], "when": obj["when"], "amount": obj["amount"], "label": gettext_lazy("Montant")}

    keys = [
        register_event(
            "tests.digest",
            "Résumé",
            space="tests",
            optional=False,
            template="tests_core/emails/digest",
            recipients=lambda obj: [obj["to"]],
            context=context,
            render_at_delivery=True,
            group=True,
        ),
        register_event(
            "tests.broken",
            "Cassé",
            space="tests",
            optional=False,
            template="tests_core/emails/broken",
            recipients=lambda obj: [obj["to"]],
            context=lambda obj: {},
            render_at_delivery=True,
        ),
    ]
    yield keys
    for event in keys:
        notifications._EVENTS.pop(event.key, None)


def thing(name, to="ana@example.test"):
    import datetime
    from decimal import Decimal

    when = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    return {"name": name, "to": to, "when": when, "amount": Decimal("12.50")}


@pytest.mark.django_db
def test_an_event_rendered_at_delivery_keeps_its_typed_context_and_renders_as_the_job_would(
    digest_events, django_capture_on_commit_callbacks
):
    from django.utils import translation

    capture = django_capture_on_commit_callbacks(execute=False)
    with capture as callbacks, translation.override("en"), notifications.batched():
        [message] = notifications.emit_many("tests.digest", [thing("A1")], reason="délai")
    message.refresh_from_db()
    assert (message.template, message.subject, message.body) == ("tests_core/emails/digest", "", "")
    assert message.context["values"]["when"] == {"__datetime__": "2026-03-01T23:30:00+00:00"}
    assert message.context["language"] == "en" and message.context["values"]["label"] == "Amount"
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.subject == "Dossier A1"
    assert message.body.strip() == "A1 le 02/03/2026 00:30 : 12.50 € (Amount, délai)"  # Europe/Paris, English
    assert mail.outbox[0].body == message.body


@pytest.mark.django_db
def test_a_grouped_event_sends_one_message_per_recipient_and_batch(digest_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), notifications.batched():
        notifications.emit_many("tests.digest", [thing("A1"), thing("B1", to="bob@example.test"), thing("A2")])
    ana, bob = OutboundMessage.objects.order_by("recipient")
    assert (ana.subject, bob.subject) == ("2 dossiers", "Dossier B1")
    assert ana.body.strip().splitlines() == [
        "A1 le 02/03/2026 00:30 : 12,50 € (Montant, )",
        "A2 le 02/03/2026 00:30 : 12,50 € (Montant, )",
    ]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_grouped_event_joins_each_object_to_the_recipients_message_as_it_is_emitted(digest_events):
    """A batch of 100,000 objects for 20,000 people makes 20,000 messages, not 100,000 merged later; each
    object's context is captured in its recipient's language, whatever language is active."""
    from django.utils import translation

    bob = UserFactory(email="bob@example.test", language="en")
    with translation.override("fr"), notifications.batched():
        sent = notifications.emit_many(
            "tests.digest", [thing("A1"), thing("B1", to=bob), thing("A2"), thing("B2", to=bob), thing("A3")]
        )
        assert sent[0] is sent[2] is sent[4] and sent[1] is sent[3] and sent[0] is not sent[1]
    ana, bob_message = OutboundMessage.objects.order_by("recipient")
    assert [item["name"] for item in ana.context["values"]["items"]] == ["A1", "A2", "A3"]
    assert [item["name"] for item in bob_message.context["values"]["items"]] == ["B1", "B2"]
    assert {item["label"] for item in bob_message.context["values"]["items"]} == {"Amount"}
    assert {item["label"] for item in ana.context["values"]["items"]} == {"Montant"}
    assert bob_message.user == bob and bob_message.context["language"] == "en"


@pytest.mark.django_db
def test_a_template_error_at_delivery_fails_that_message_not_the_batch(
    digest_events, django_capture_on_commit_callbacks
):
    from core import tasks

    with notifications.batched():
        [bad] = notifications.emit_many("tests.broken", [thing("X")])
        [good] = notifications.emit_many("tests.digest", [thing("A1")])
    assert tasks.deliver_messages.apply(args=[[bad.pk, good.pk]]).get() == 1
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.FAILED and bad.last_error.startswith("rendu impossible : TemplateSyntaxError")
    assert good.status == Status.SENT and [m.subject for m in mail.outbox] == ["Dossier A1"]


def test_grouping_needs_rendering_at_delivery():
    with pytest.raises(ValueError):
        register_event("tests.bad", "Mauvais", template="x", recipients=list, group=True)


@pytest.fixture
def batch_events():
    """An event whose recipients are found for a whole batch (recipients_many), two per object."""
    calls = []

    def many(objs):
        calls.append(len(objs))
        return [[obj["to"], "copie@example.test"] for obj in objs]

    event = register_event(
        "tests.batch_digest",
        "Résumé",
        space="tests",
        optional=False,
        template="tests_core/emails/digest",
        recipients=lambda obj: [obj["to"], "copie@example.test"],
        recipients_many=many,
        context=lambda obj: {"name": obj["name"], "when": obj["when"], "amount": obj["amount"], "label": "Montant"},
        render_at_delivery=True,
        group=True,
    )
    yield event, calls
    notifications._EVENTS.pop(event.key, None)


@pytest.mark.django_db
def test_recipients_many_finds_a_batch_s_recipients_at_once(batch_events):
    import datetime
    from decimal import Decimal

    event, calls = batch_events
    objs = [
        {"to": to, "name": name, "when": datetime.date(2026, 3, 2), "amount": Decimal("12.50")}
        for to, name in (("a@example.test", "Un"), ("b@example.test", "Deux"), ("a@example.test", "Trois"))
    ]
    with transaction.atomic(), notifications.batched():
        notifications.emit_many(event.key, objs)
    assert calls == [3]  # one look-up for the batch, not one per object
    messages = {m.recipient: m for m in OutboundMessage.objects.filter(event=event.key)}
    names = {to: [item["name"] for item in m.context["values"]["items"]] for to, m in messages.items()}
    # Each recipient's message lists its own objects; an object's context, captured once, is shared
    # by its two recipients' messages without one changing the other.
    assert names == {
        "a@example.test": ["Un", "Trois"],
        "b@example.test": ["Deux"],
        "copie@example.test": ["Un", "Deux", "Trois"],
    }
    assert messages["b@example.test"].context["values"]["name"] == "Deux"
    notifications.emit(event.key, objs[1])
    assert calls == [3, 1]


@pytest.mark.django_db
def test_recipients_many_must_answer_for_each_object(batch_events):
    event, _calls = batch_events
    broken = register_event(
        "tests.batch_broken",
        "Cassé",
        space="tests",
        optional=False,
        template="tests_core/emails/digest",
        recipients=lambda obj: [],
        recipients_many=lambda objs: [[]],
    )
    try:
        with pytest.raises(ValueError, match="1 lists for 2 objects"):
            notifications.emit_many(broken.key, [{}, {}])
    finally:
        notifications._EVENTS.pop(broken.key, None)
