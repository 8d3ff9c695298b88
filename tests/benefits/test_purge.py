"""The 14-day purge of requests the cooperative did not approve: idempotent, batched, safe with two workers."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from benefits import services
from benefits.enums import RequestState
from benefits.models import BenefitRequest, RequestDocument
from core.models import JobRun, OutboundMessage
from portal.celery import BEAT_SCHEDULE

from .factories import (
    BenefitRequestFactory,
    CooperativeFactory,
    catalogue,
    checked_scan,
    cooperator_with_account,
    pdf_bytes,
)

EVENT = "benefits.request_purged"


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
    assert OutboundMessage.objects.filter(event=EVENT).count() == 5


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
    # A later run takes the rest; every cooperator e-mail is sent once per request.
    assert services.unapproved_requests_purge() == 3
    assert OutboundMessage.objects.filter(event=EVENT).count() == 6


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
def test_hr_and_the_cooperator_are_reminded_once_three_days_before(cooperator):
    from accounts.enums import Role
    from tests.accounts.factories import member

    manager = member(Role.COOP_MANAGER, organisation=cooperator.cooperative.organisation)
    due = waiting(cooperator, days=11, hours=1)
    waiting(cooperator, days=10)  # not yet
    assert services.unapproved_requests_remind() == 1
    assert services.unapproved_requests_remind() == 0  # once
    messages = OutboundMessage.objects.filter(event="benefits.request_purge_soon")
    assert {m.recipient for m in messages} == {manager.email, cooperator.user.email}
    assert due.reference in messages[0].subject and f"/prestations/demandes/{due.pk}/" in messages[0].body
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

    few, few_tasks = purge(2)
    many, many_tasks = purge(12)
    assert few == many  # related rows loaded with the batch, outbox inserted in bulk, deleted at once
    assert few_tasks == many_tasks == 1  # one delivery task per batch
