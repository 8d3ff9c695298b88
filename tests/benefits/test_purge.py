"""The 14-day purge of requests the cooperative did not approve: idempotent, batched, safe with two workers."""

import datetime
import functools
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import Role
from benefits import services
from benefits.enums import RequestState
from benefits.models import BenefitRequest, RequestDocument
from core.models import JobRun, OutboundMessage
from portal.celery import BEAT_SCHEDULE
from tests.accounts.factories import member
from tests.utils.queries import constant_queries

from .factories import (
    BenefitRequestFactory,
    CooperativeFactory,
    CooperatorFactory,
    catalogue,
    checked_scan,
    cooperator_with_account,
    pdf_bytes,
)

EVENT = "benefits.request_purged"
REMINDER = "benefits.request_purge_soon"


def waiting(cooperator, *, days, hours=0, **fields):
    request = BenefitRequestFactory(cooperator=cooperator, awaiting=True, created_by=cooperator.user, **fields)
    BenefitRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days, hours=hours)
    )
    return request


@pytest.fixture
def cooperator(db):
    catalogue()
    return cooperator_with_account(CooperativeFactory())


@pytest.mark.django_db
def test_only_unapproved_requests_older_than_14_days_are_deleted(cooperator, django_capture_on_commit_callbacks):
    old = waiting(cooperator, days=14, hours=1)
    young = waiting(cooperator, days=13, hours=23)
    approved = BenefitRequestFactory(cooperator=cooperator, awaiting=False)
    BenefitRequest.objects.filter(pk=approved.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    refused = waiting(cooperator, days=20, state=RequestState.REFUSED)
    young.refresh_from_db()
    assert young.days_before_purge() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.unapproved_requests_purge() == 1
    assert not BenefitRequest.objects.filter(pk=old.pk).exists()
    assert set(BenefitRequest.objects.values_list("pk", flat=True)) == {young.pk, approved.pk, refused.pk}
    [message] = OutboundMessage.objects.filter(event=EVENT)
    assert message.recipient == cooperator.email
    assert old.reference in message.subject and "saisissez la demande à nouveau" in message.body


@pytest.mark.django_db
def test_purge_is_idempotent_and_batched(cooperator, django_capture_on_commit_callbacks):
    for _ in range(5):
        waiting(cooperator, days=15)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unapproved_requests_purge(batch_size=2) == 5
        assert services.unapproved_requests_purge(batch_size=2) == 0
    assert not BenefitRequest.objects.exists()
    # A batch takes a cooperator's requests together: one e-mail lists the five.
    [message] = OutboundMessage.objects.filter(event=EVENT)
    assert message.subject == "5 demandes supprimées : à saisir à nouveau"


@pytest.mark.django_db
def test_purge_deletes_the_scans(cooperator, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    request = waiting(cooperator, days=15)
    document = RequestDocument(request=request, original_name="facture.pdf")
    document.file.save("facture.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.unapproved_requests_purge()
    assert not storage.exists(name)
    assert not RequestDocument.objects.exists()


@pytest.mark.django_db
def test_dry_run_changes_nothing_and_command_runs_the_job(cooperator):
    request = waiting(cooperator, days=15)
    out = io.StringIO()
    call_command("purge_unapproved_benefit_requests", "--dry-run", stdout=out)
    assert request.reference in out.getvalue() and "1 demande(s) seraient supprimée(s)" in out.getvalue()
    assert BenefitRequest.objects.filter(pk=request.pk).exists()
    call_command("purge_unapproved_benefit_requests", stdout=out)
    assert not BenefitRequest.objects.filter(pk=request.pk).exists()
    run = JobRun.objects.get(name="purge_unapproved_benefit_requests")
    assert run.ok and run.summary == "1 demande(s) non validée(s) supprimée(s)"


def test_the_job_is_scheduled():
    entry = BEAT_SCHEDULE["purge-unapproved-benefit-requests"]
    assert entry["task"] == "benefits.tasks.purge_unapproved_benefit_requests"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks exist on PostgreSQL only; SQLite serialises whole write transactions.",
)
def test_two_workers_share_the_work_without_double_e_mails():
    catalogue()
    cooperator = cooperator_with_account(CooperativeFactory())
    requests = [waiting(cooperator, days=15) for _ in range(6)]
    locked = threading.Event()
    results = {}

    def first_worker():
        """Holds three rows (as a worker in the middle of its batch would), then lets go."""
        try:
            with transaction.atomic():
                list(
                    BenefitRequest.objects.select_for_update()
                    .filter(pk__in=[r.pk for r in requests[:3]])
                    .order_by("pk")
                )
                locked.set()
                time.sleep(0.6)
        finally:
            locked.set()
            connection.close()

    def second_worker():
        try:
            locked.wait(5)
            results["second"] = services.unapproved_requests_purge(batch_size=10)
        except Exception as exc:  # noqa: BLE001
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first_worker), threading.Thread(target=second_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # The second worker skipped the locked rows instead of waiting or failing.
    assert results["second"] == 3
    assert BenefitRequest.objects.count() == 3
    # A later run takes the rest; each request is told once: one e-mail per run listing its requests.
    assert services.unapproved_requests_purge() == 3
    assert OutboundMessage.objects.filter(event=EVENT).count() == 2


@pytest.mark.django_db
def test_purge_deletes_the_history_of_the_deleted_requests(cooperator):
    from core.models import Transition

    old = waiting(cooperator, days=15)
    services.request_documents_add(
        request_id=old.pk, scope=BenefitRequest.objects.all(), actor=cooperator.user, files=[checked_scan()]
    )
    assert Transition.objects.filter(object_id=str(old.pk), content_type__model="benefitrequest").exists()
    services.unapproved_requests_purge()
    assert not Transition.objects.filter(object_id=str(old.pk), content_type__model="benefitrequest").exists()


@pytest.mark.django_db
def test_hr_and_the_cooperator_are_reminded_once_three_days_before(cooperator, django_capture_on_commit_callbacks):
    manager = member(Role.COOP_MANAGER, organisation=cooperator.cooperative.organisation)
    due = waiting(cooperator, days=11, hours=1)
    waiting(cooperator, days=10)  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unapproved_requests_remind() == 1
        assert services.unapproved_requests_remind() == 0  # once
    messages = OutboundMessage.objects.filter(event=REMINDER)
    assert {m.recipient for m in messages} == {manager.email, cooperator.user.email}
    message = delivered(messages[0])
    assert due.reference in message.subject and f"/prestations/demandes/{due.pk}/" in message.body
    due.refresh_from_db()
    assert due.purge_reminded_at is not None and due.state == RequestState.AWAITING


def test_the_reminder_is_scheduled():
    entry = BEAT_SCHEDULE["remind-unapproved-benefit-requests"]
    assert entry["task"] == "benefits.tasks.remind_unapproved_benefit_requests"


@pytest.mark.django_db
def test_the_purge_runs_a_constant_number_of_queries_per_batch(cooperator, django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    def purge(count):
        for _ in range(count):
            request = waiting(cooperator, days=15)
            RequestDocument.objects.create(request=request, file="", original_name="scan.pdf", size=1)
        capture = CaptureQueriesContext(connection)
        with django_capture_on_commit_callbacks(execute=False) as callbacks, capture as queries:
            assert services.unapproved_requests_purge() == count
        return len(queries.captured_queries), len(callbacks)

    purge(1)  # warm-up, not measured: the content types' cache
    few, few_tasks = purge(2)
    many, many_tasks = purge(12)
    assert few == many  # related rows loaded with the batch, outbox inserted in bulk, deleted at once
    assert few_tasks == many_tasks == 1  # one delivery task per batch


# --- One e-mail per cooperator and run; content; a killed run resumed ---------------------------


def delivered(message):
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    return message


@pytest.mark.django_db
def test_one_request_gets_the_same_e_mail_as_before(cooperator, django_capture_on_commit_callbacks):
    request = waiting(cooperator, days=15)
    date = timezone.localtime(BenefitRequest.objects.get(pk=request.pk).created_at).strftime("%d/%m/%Y")
    with django_capture_on_commit_callbacks(execute=True):
        services.unapproved_requests_purge()
    message = delivered(OutboundMessage.objects.get(event=EVENT))
    assert message.subject == f"Demande {request.reference} supprimée : à saisir à nouveau"
    sentence = (
        f"Votre demande {request.reference} ({request.benefit_type.name} pour {cooperator.get_full_name()}), "
        f"saisie le {date}, n'a pas reçu l'accord de votre coopérative dans les 14 jours : elle a été supprimée."
    )
    assert message.body == (
        f"Bonjour,\n\n{sentence}\n\nSi vous souhaitez toujours cette prestation, saisissez la demande à nouveau "
        "avec ses pièces justificatives, et prévenez votre coopérative qu'elle doit donner son accord.\n\n--\n"
        "Ce message vous a été envoyé automatiquement par Guichet. Merci de ne pas y répondre.\n"
    )
    assert f"<p>{sentence}</p>" in message.html_body
    assert "<title>Demande supprimée</title>" in message.html_body


@pytest.mark.django_db
def test_each_cooperator_gets_one_e_mail_listing_their_requests(cooperator, django_capture_on_commit_callbacks):
    other = cooperator_with_account(cooperator.cooperative)
    mine = [waiting(cooperator, days=15 + index) for index in range(3)]
    theirs = waiting(other, days=16)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unapproved_requests_purge(batch_size=2) == 4
        assert services.unapproved_requests_purge(batch_size=2) == 0  # a re-run: nothing more said
    messages = {m.recipient: delivered(m) for m in OutboundMessage.objects.filter(event=EVENT)}
    assert set(messages) == {cooperator.email, other.email}
    listing = messages[cooperator.email]
    assert listing.subject == "3 demandes supprimées : à saisir à nouveau"
    assert all(f"- {r.reference} ({r.benefit_type.name} pour " in listing.body for r in mine)
    assert listing.html_body.count("<li>") == 3 and "saisissez les demandes à nouveau" in listing.body
    assert messages[other.email].subject == f"Demande {theirs.reference} supprimée : à saisir à nouveau"


@pytest.mark.django_db
def test_a_run_killed_halfway_keeps_what_it_committed_and_the_next_run_finishes(
    cooperator, monkeypatch, django_capture_on_commit_callbacks
):
    from benefits.tasks import purge_unapproved_benefit_requests

    others = [cooperator_with_account(cooperator.cooperative) for _ in range(2)]
    for person in [cooperator, *others]:
        waiting(person, days=15)
        waiting(person, days=16)
    real_delete_many = BenefitRequest.delete_many.__func__
    calls = []

    def dies_on_the_second_batch(cls, requests):
        calls.append(len(requests))
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_delete_many(cls, requests)

    monkeypatch.setattr(BenefitRequest, "delete_many", classmethod(dies_on_the_second_batch))
    purge = services.unapproved_requests_purge
    monkeypatch.setattr(services, "unapproved_requests_purge", functools.partial(purge, batch_size=2))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        purge_unapproved_benefit_requests()
    run = JobRun.objects.get(name="purge_unapproved_benefit_requests")
    assert run.status == JobRun.Status.FAILED and "fait : purge : 2 traité(s)" in run.summary
    assert BenefitRequest.objects.count() == 4  # the first batch (one cooperator's two requests) committed
    [told] = OutboundMessage.objects.filter(event=EVENT)  # its e-mail, in the same commit
    monkeypatch.setattr(BenefitRequest, "delete_many", classmethod(real_delete_many))
    with django_capture_on_commit_callbacks(execute=True):
        purge_unapproved_benefit_requests()
    assert not BenefitRequest.objects.exists()
    messages = OutboundMessage.objects.filter(event=EVENT)
    assert sorted(m.recipient for m in messages) == sorted(p.email for p in [cooperator, *others])
    assert all(delivered(m).subject == "2 demandes supprimées : à saisir à nouveau" for m in messages)
    assert told in messages


# --- A batch deleted set-based ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_is_deleted_without_loading_its_rows_again(cooperator, django_capture_on_commit_callbacks):
    """delete_many: one statement per table (two on PostgreSQL), the scans' files recorded; the rows are
    not fetched again by Django's collector nor deleted 100 at a time."""
    from django.test.utils import CaptureQueriesContext

    from core.models import FileDeletion

    requests = [waiting(cooperator, days=15) for _ in range(3)]
    for index, request in enumerate(requests[:2]):
        RequestDocument.objects.create(request=request, file=f"benefits/requests/scan{index}.pdf", size=1)
    RequestDocument.objects.create(request=requests[2], file="", original_name="vide.pdf", size=1)
    kept = waiting(cooperator, days=1)
    RequestDocument.objects.create(request=kept, file="benefits/requests/kept.pdf", size=1)
    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
        BenefitRequest.delete_many(requests)
    statements = [q["sql"] for q in queries.captured_queries if "core_filedeletion" not in q["sql"]]
    assert len(statements) == (2 if connection.vendor == "postgresql" else 3), statements
    assert not any(sql.startswith("SELECT") and "benefits_benefitrequest" in sql for sql in statements)
    assert list(BenefitRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(RequestDocument.objects.values_list("request_id", flat=True)) == [kept.pk]
    assert sorted(FileDeletion.objects.values_list("name", flat=True)) == [
        "benefits/requests/scan0.pdf",
        "benefits/requests/scan1.pdf",
    ]


@pytest.mark.django_db
def test_a_delete_receiver_added_later_is_still_called_by_the_purge(cooperator, django_capture_on_commit_callbacks):
    """The set-based deletion holds only while nothing listens: a receiver gets Django's collector."""
    from django.db.models.signals import post_delete

    from core.models import FileDeletion

    requests = [waiting(cooperator, days=15) for _ in range(2)]
    RequestDocument.objects.create(request=requests[0], file="benefits/requests/scan.pdf", size=1)
    deleted = []

    def receiver(sender, instance, **kwargs):
        deleted.append(instance.pk)

    post_delete.connect(receiver, sender=BenefitRequest, dispatch_uid="tests.purge.receiver")
    try:
        with django_capture_on_commit_callbacks(execute=False):
            assert services.unapproved_requests_purge() == 2
    finally:
        post_delete.disconnect(sender=BenefitRequest, dispatch_uid="tests.purge.receiver")
    assert sorted(deleted) == sorted(r.pk for r in requests)
    assert not BenefitRequest.objects.exists() and not RequestDocument.objects.exists()
    assert list(FileDeletion.objects.values_list("name", flat=True)) == ["benefits/requests/scan.pdf"]


# --- The reminder: one e-mail per person and run, constant queries, a killed run resumed -----------


def reminded_world():
    """Two cooperatives: the first with two HR managers and two cooperators (three requests due, one),
    the second with one HR manager and a cooperator without an account (two requests due)."""
    first, second = CooperativeFactory(), CooperativeFactory()
    managers = [member(Role.COOP_MANAGER, organisation=first.organisation) for _ in range(2)]
    other_manager = member(Role.COOP_MANAGER, organisation=second.organisation)
    member(Role.COOP_MANAGER, organisation=first.organisation, is_active=False)  # a former manager: not told
    busy, quiet = cooperator_with_account(first), cooperator_with_account(first)
    no_account = CooperatorFactory(cooperative=second)
    requests = {
        "busy": [waiting(busy, days=11 + index) for index in range(3)],
        "quiet": [waiting(quiet, days=12)],
        "no_account": [waiting(no_account, days=12), waiting(no_account, days=13)],
    }
    waiting(busy, days=5)  # not due yet
    return managers, other_manager, busy, quiet, no_account, requests


def listed(message, requests):
    return all(r.reference in message.body and f"/prestations/demandes/{r.pk}/" in message.body for r in requests)


@pytest.mark.django_db
def test_each_person_is_reminded_once_of_all_their_requests(cooperator, django_capture_on_commit_callbacks):
    managers, other_manager, busy, quiet, no_account, requests = reminded_world()
    with django_capture_on_commit_callbacks(execute=True):
        # Batches smaller than a cooperative still take it whole: one e-mail per person and run.
        assert services.unapproved_requests_remind(batch_size=2) == 6
        assert services.unapproved_requests_remind(batch_size=2) == 0  # a re-run says nothing more
    messages = {m.recipient: delivered(m) for m in OutboundMessage.objects.filter(event=REMINDER)}
    first_cooperative = requests["busy"] + requests["quiet"]
    assert sorted(messages) == sorted(
        [*(m.email for m in managers), other_manager.email, busy.user.email, quiet.user.email, no_account.email]
    )
    for manager in managers:  # the HR managers who can still approve: every request of their cooperative
        message = messages[manager.email]
        assert message.subject == "4 demandes sans accord bientôt supprimées" and listed(message, first_cooperative)
        assert message.html_body.count("<li>") == 4
    assert messages[other_manager.email].subject == "2 demandes sans accord bientôt supprimées"
    assert listed(messages[other_manager.email], requests["no_account"])
    assert listed(messages[busy.user.email], requests["busy"]) and not listed(
        messages[busy.user.email], requests["quiet"]
    )
    assert messages[no_account.email].user is None and listed(messages[no_account.email], requests["no_account"])
    # One request: the e-mail reads as it always did.
    alone = messages[quiet.user.email]
    [request] = requests["quiet"]
    request = BenefitRequest.objects.get(pk=request.pk)
    purge_on = timezone.localtime(request.purge_at).strftime("%d/%m/%Y")
    assert alone.subject == f"Demande {request.reference} sans accord : supprimée le {purge_on}"
    assert f"Sans cet accord, elle sera supprimée le {purge_on}." in alone.body
    assert "<title>Demande bientôt supprimée</title>" in alone.html_body
    assert BenefitRequest.objects.filter(purge_reminded_at__isnull=False).count() == 6


@pytest.mark.django_db
def test_the_reminder_runs_a_constant_number_of_queries_per_batch(cooperator, django_capture_on_commit_callbacks):
    """3 then 30 requests, of more cooperators and HR managers: the same queries, one delivery task."""

    def due(count):
        cooperatives = [CooperativeFactory() for _ in range(max(1, count // 10))]
        for index in range(count):
            cooperative = cooperatives[index % len(cooperatives)]
            if index < len(cooperatives):
                member(Role.COOP_MANAGER, organisation=cooperative.organisation)
            waiting(
                cooperator_with_account(cooperative) if index % 2 else CooperatorFactory(cooperative=cooperative),
                days=12,
            )

    due(1)
    services.unapproved_requests_remind()  # warm-up, not measured: the content types' cache
    OutboundMessage.objects.all().delete()
    tasks = []
    with constant_queries() as measure:
        for count in (3, 30):
            due(count)
            with django_capture_on_commit_callbacks(execute=False) as callbacks, measure():
                assert services.unapproved_requests_remind() == count
            tasks.append(len(callbacks))
    assert tasks == [1, 1]  # one delivery task per batch
    assert OutboundMessage.objects.filter(event=REMINDER).count() == 3 + 30 + 1 + 3  # people, and HR managers


@pytest.mark.django_db
def test_a_reminder_killed_halfway_keeps_what_it_committed_and_the_next_run_finishes(
    cooperator, monkeypatch, django_capture_on_commit_callbacks
):
    from benefits.tasks import remind_unapproved_benefit_requests
    from core import history

    cooperatives = [CooperativeFactory() for _ in range(3)]
    people = [cooperator_with_account(cooperative) for cooperative in cooperatives]
    for person in people:
        waiting(person, days=11)
        waiting(person, days=12)
    real = history.record_transitions_of
    calls = []

    def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(history, "record_transitions_of", dies_on_the_second_batch)
    remind = services.unapproved_requests_remind
    monkeypatch.setattr(services, "unapproved_requests_remind", functools.partial(remind, batch_size=2))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        remind_unapproved_benefit_requests()
    run = JobRun.objects.get(name="remind_unapproved_benefit_requests")
    assert run.status == JobRun.Status.FAILED and "fait : remind_purge : 2 traité(s)" in run.summary
    # The first batch (one cooperative) committed with its e-mail; the second left nothing half-written.
    assert BenefitRequest.objects.filter(purge_reminded_at__isnull=False).count() == 2
    [told] = OutboundMessage.objects.filter(event=REMINDER)
    monkeypatch.setattr(history, "record_transitions_of", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert "4 demande(s)" in remind_unapproved_benefit_requests()
    assert not BenefitRequest.objects.filter(purge_reminded_at__isnull=True).exists()
    messages = OutboundMessage.objects.filter(event=REMINDER)
    assert sorted(m.recipient for m in messages) == sorted(p.email for p in people)  # each once, none lost
    assert all(delivered(m).subject == "2 demandes sans accord bientôt supprimées" for m in messages)
    assert told in messages
    run = JobRun.objects.filter(name="remind_unapproved_benefit_requests").first()
    assert run.ok and run.summary == "4 demande(s) sans accord rappelée(s) avant suppression"
