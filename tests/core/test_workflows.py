"""The workflow engine itself (core.workflows), on the partners' contact messages."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory

from core.history import TransitionNotAllowed, timeline_for
from core.models import OutboundMessage, Transition
from core.notifications import register_event
from core.workflows import DELETE, ReasonRequired, Step, Workflow, workflow_for
from partners import selectors
from partners.enums import ContactState
from partners.models import ContactMessage
from partners.workflows import CONTACT_MESSAGE
from tests.partners.factories import ContactMessageFactory, fund_admin

pytestmark = pytest.mark.django_db

OPEN, CLOSED = ContactState.OPEN, ContactState.CLOSED

register_event(
    "tests.contact_purged",
    "Message supprimé",
    optional=False,
    template="tests_core/emails/sample",
    recipients=lambda obj: [obj.email],
    context=lambda obj: {"name": obj.last_name},
)

PRIVATE = Workflow(
    ContactMessage,
    register=False,
    steps=[
        Step("reopen", [CLOSED], OPEN, reason=True),
        Step("purge", [CLOSED], DELETE, timed=True, event="tests.contact_purged"),
        Step("close_late", [OPEN], CLOSED, timed=True),
    ],
)


@pytest.fixture(autouse=True)
def sample_templates(settings, tmp_path):
    folder = tmp_path / "tests_core" / "emails"
    folder.mkdir(parents=True)
    (folder / "sample_subject.txt").write_text("Objet {{ name }}")
    (folder / "sample_body.txt").write_text("Bonjour {{ name }}")
    # A new TEMPLATES value (not an in-place edit): the setting_changed signal resets the template engines.
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_one_workflow_per_model_and_workflow_for_finds_it():
    assert workflow_for(ContactMessage) is CONTACT_MESSAGE
    assert workflow_for(ContactMessageFactory()) is CONTACT_MESSAGE
    with pytest.raises(ValueError, match="one per model"):
        Workflow(ContactMessage, steps=[])
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(ContactMessage, register=False, steps=[Step("x", ["nope"], OPEN)])


def test_allowed_steps_follow_state_and_permission():
    admin = fund_admin()
    message = ContactMessageFactory(fund=admin.organisation)
    assert [s.name for s in CONTACT_MESSAGE.allowed(message, admin.user)] == ["close"]
    other_fund = fund_admin().user  # another fund's admin: the rule reads the message's fund
    assert not CONTACT_MESSAGE.can(message, other_fund, "close")
    message.state = CLOSED
    assert CONTACT_MESSAGE.allowed(message, admin.user) == []
    assert CONTACT_MESSAGE.badge(message) == ("Clos", "green")


def test_templates_show_the_badge_and_only_working_buttons():
    admin = fund_admin()
    message = ContactMessageFactory(fund=admin.organisation)
    request = RequestFactory().get("/")
    request.user = admin.user
    html = Template(
        "{% load core_workflows %}{% state_badge m %}{% steps_allowed m as steps %}"
        "{% for s in steps %}[{{ s.name }}:{{ s.button_label }}]{% endfor %}"
    ).render(Context({"m": message, "request": request}))
    assert "badge-yellow" in html and "À traiter" in html and "[close:Clore]" in html


def test_a_required_reason_and_a_wrong_state_write_nothing():
    message = ContactMessageFactory(state=CLOSED)
    with pytest.raises(ReasonRequired) as error:
        PRIVATE.run("reopen", message.pk, reason="   ")
    assert "reason" in error.value.message_dict
    with pytest.raises(TransitionNotAllowed) as refused:
        CONTACT_MESSAGE.run("close", message.pk)
    assert "Rechargez la page" in refused.value.messages[0]
    assert not Transition.objects.filter(object_id=str(message.pk)).exists()
    PRIVATE.run("reopen", message.pk, reason="Rouvert")
    entry = timeline_for(message).get()
    assert (entry.from_state, entry.to_state, entry.action, entry.reason) == (CLOSED, OPEN, "reopen", "Rouvert")


def test_a_vanished_object_is_a_clear_refusal_and_still_a_404_for_views():
    admin = fund_admin()
    message = ContactMessageFactory(fund=admin.organisation)
    pk = message.pk
    message.delete()
    with pytest.raises(ContactMessage.DoesNotExist) as gone:
        CONTACT_MESSAGE.run("close", pk, actor=admin.user, scope=selectors.contact_messages_for(admin))
    assert "n’existe plus" in gone.value.messages[0]


def test_a_delete_step_takes_the_history_with_it_and_tells_before():
    message = ContactMessageFactory(state=OPEN, email="someone@example.test")
    CONTACT_MESSAGE.run("close", message.pk, check_perm=False)
    assert Transition.objects.filter(object_id=str(message.pk)).count() == 1
    assert PRIVATE.run_due("purge", ContactMessage.objects.all(), dry_run=True) == 1
    assert ContactMessage.objects.filter(pk=message.pk).exists()
    assert PRIVATE.run_due("purge", ContactMessage.objects.all()) == 1
    assert not ContactMessage.objects.filter(pk=message.pk).exists()
    assert not Transition.objects.filter(object_id=str(message.pk), action__in=["close", "purge"]).exists()
    sent = OutboundMessage.objects.get(event="tests.contact_purged")
    assert sent.recipient == "someone@example.test" and sent.subject == "Objet Martin"


def test_run_due_works_in_batches_and_stops_when_asked():
    ContactMessageFactory.create_batch(5, state=OPEN)
    calls = []

    def stop_after_two_batches():
        calls.append(1)
        return len(calls) > 2

    done = PRIVATE.run_due("close_late", ContactMessage.objects.all(), batch_size=2, should_stop=stop_after_two_batches)
    assert done == 4
    assert ContactMessage.objects.filter(state=OPEN).count() == 1
    assert PRIVATE.run_due("close_late", ContactMessage.objects.all(), batch_size=2) == 1


def test_run_due_writes_a_batch_in_bulk_whatever_its_size(django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    seen = []
    hooked = Workflow(
        ContactMessage,
        register=False,
        steps=[Step("close_late", [OPEN], CLOSED, timed=True, event="tests.contact_purged")],
        after_batch={"close_late": lambda objs, now: seen.append(len(objs))},
    )
    counts = []
    # The content type the history rows name is cached once per process (a test run in another order
    # may have cleared it): read it first, so both sizes are measured alike.
    ContentType.objects.get_for_model(ContactMessage)
    for size in (2, 9):
        ContactMessageFactory.create_batch(size, state=OPEN)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
            assert hooked.run_due("close_late", ContactMessage.objects.filter(state=OPEN), batch_size=50) == size
        counts.append(len(queries.captured_queries))
        assert len(callbacks) == 1  # one delivery task for the batch's messages
    assert counts[0] == counts[1], counts
    assert seen == [2, 9]
    assert Transition.objects.filter(action="close_late", actor=None, to_state=CLOSED).count() == 11
    assert OutboundMessage.objects.filter(event="tests.contact_purged").count() == 11


def test_after_runs_in_the_step_and_per_object_for_a_batch_without_after_batch():
    seen = []
    hooked = Workflow(
        ContactMessage,
        register=False,
        steps=[Step("reopen", [CLOSED], OPEN), Step("close_late", [OPEN], CLOSED, timed=True)],
        after={
            "reopen": lambda obj, actor, now: seen.append(("reopen", obj.state)),
            "close_late": lambda obj, actor, now: seen.append(("close_late", obj.state)),
        },
    )
    message = ContactMessageFactory(state=CLOSED)
    hooked.run("reopen", message.pk)
    assert hooked.run_due("close_late", ContactMessage.objects.all()) == 1
    assert seen == [("reopen", OPEN), ("close_late", CLOSED)]
    with pytest.raises(ValueError, match="unknown steps"):
        Workflow(ContactMessage, register=False, steps=[], after={"nope": print})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_timed_step_without_doing_a_row_twice():
    ContactMessageFactory.create_batch(40, state=OPEN)
    results = []

    def worker():
        try:
            results.append(PRIVATE.run_due("close_late", ContactMessage.objects.all(), batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(results) == 40
    assert Transition.objects.filter(action="close_late").count() == 40
    with transaction.atomic():
        assert ContactMessage.objects.filter(state=OPEN).count() == 0


def test_run_due_by_group_gives_each_batch_whole_groups():
    """group_by: the batches are planned from the groups' sizes; a group is never split, a group bigger
    than a batch makes a batch alone, small groups share one."""
    for email, count in (("a@example.test", 3), ("b@example.test", 1), ("c@example.test", 1), ("d@example.test", 4)):
        ContactMessageFactory.create_batch(count, state=OPEN, email=email)
    batches = []
    hooked = Workflow(
        ContactMessage,
        register=False,
        steps=[Step("close_late", [OPEN], CLOSED, timed=True)],
        after_batch={"close_late": lambda objs, now: batches.append([obj.email for obj in objs])},
    )
    assert hooked.run_due("close_late", ContactMessage.objects.all(), batch_size=2, group_by="email") == 9
    assert [sorted(set(batch)) for batch in batches] == [
        ["a@example.test"],
        ["b@example.test", "c@example.test"],
        ["d@example.test"],
    ]
    assert [len(batch) for batch in batches] == [3, 2, 4]
    assert not ContactMessage.objects.filter(state=OPEN).exists()


def test_a_batch_s_history_is_written_from_each_row_s_own_state():
    hooked = Workflow(
        ContactMessage,
        register=False,
        steps=[Step("archive", [OPEN, CLOSED], CLOSED, timed=True)],
    )
    was_open, was_closed = ContactMessageFactory(state=OPEN), ContactMessageFactory(state=CLOSED)
    assert hooked.run_due("archive", ContactMessage.objects.all()) == 2
    assert timeline_for(was_open).get().from_state == OPEN
    entry = timeline_for(was_closed).get()
    assert (entry.from_state, entry.to_state, entry.action, entry.actor_id) == (CLOSED, CLOSED, "archive", None)
    assert entry.object_id == str(was_closed.pk)
