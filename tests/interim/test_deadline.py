"""The signing deadline: shown on the list, enforced at the code and at the signature, and the timed
step "expire" run by the job expire_unsigned_contracts; the public verification page's rate limit."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.history import timeline_for
from core.models import JobRun, OutboundMessage
from interim import services
from interim.enums import AuditEvent, ContractState
from interim.models import Contract, ContractAuditEntry
from interim.signature import audit_append, audit_problems
from portal.celery import BEAT_SCHEDULE

from .factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_the_list_says_how_long_is_left_and_when_it_is_past(world):
    ContractFactory(worker=world.worker, reference="SOON", sign_before=timezone.now() + datetime.timedelta(hours=30))
    page = world.client_for("worker").get(reverse("interim:contracts")).content.decode()
    assert "Reste 1\xa0jour" in page and "pour signer" in page


def test_sending_sets_a_48_hour_deadline(world):
    contract = ContractFactory(worker=world.worker, state=ContractState.AWAITING, sign_before=None)
    world.client_for("staff").post(reverse("interim:agency_contract_send", args=[contract.pk]))
    contract.refresh_from_db()
    left = contract.sign_before - timezone.now()
    assert datetime.timedelta(hours=47) < left <= datetime.timedelta(hours=48)


def test_past_the_deadline_no_code_is_sent_and_nothing_is_signed(world):
    contract = ContractFactory(worker=world.worker, sign_before=timezone.now() - datetime.timedelta(minutes=1))
    client = world.client_for("worker")
    response = client.post(reverse("interim:contract_send_code", args=[contract.pk]), follow=True)
    assert "Le délai de signature de ce contrat est dépassé" in response.content.decode()
    assert not OutboundMessage.objects.filter(event="interim.signature_code").exists()
    assert Contract.objects.get(pk=contract.pk).state == ContractState.TO_SIGN


def test_the_job_expires_contracts_past_their_deadline_once(world):
    late = ContractFactory(worker=world.worker, sign_before=timezone.now() - datetime.timedelta(minutes=1))
    on_time = ContractFactory(worker=world.worker, sign_before=timezone.now() + datetime.timedelta(hours=1))
    signed = ContractFactory(
        worker=world.worker, state=ContractState.SIGNED, sign_before=timezone.now() - datetime.timedelta(days=1)
    )
    assert services.contracts_expire_run(dry_run=True) == 1
    call_command("run_job", "expire-unsigned-contracts")
    late.refresh_from_db()
    assert late.state == ContractState.EXPIRED
    assert Contract.objects.get(pk=on_time.pk).state == ContractState.TO_SIGN
    assert Contract.objects.get(pk=signed.pk).state == ContractState.SIGNED
    assert [t.action for t in timeline_for(late)] == ["expire"]
    assert services.contracts_expire_run() == 0  # idempotent
    assert JobRun.objects.get(name="expire_unsigned_contracts").summary == "1 contrat(s) expiré(s)"
    page = world.client_for("worker").get(reverse("interim:contracts")).content.decode()
    assert "Délai de signature dépassé" in page
    assert BEAT_SCHEDULE["expire-unsigned-contracts"]["task"] == "interim.tasks.expire_unsigned_contracts"


def test_the_expiry_is_written_in_each_contract_trail_chained_to_its_last_entry(world):
    past = timezone.now() - datetime.timedelta(minutes=1)
    with_trail = ContractFactory(worker=world.worker, sign_before=past)
    audit_append(with_trail, AuditEvent.CREATED)
    audit_append(with_trail, AuditEvent.SENT)
    without_trail = ContractFactory(worker=world.worker, sign_before=past)
    assert services.contracts_expire_run(batch_size=1) == 2
    for contract, events in ((with_trail, ["created", "sent", "expired"]), (without_trail, ["expired"])):
        trail = ContractAuditEntry.objects.filter(contract=contract).order_by("position")
        assert [entry.event for entry in trail] == events
        assert audit_problems(contract) == []


def test_the_agency_sends_again_a_contract_past_its_deadline(world):
    contract = ContractFactory(
        worker=world.worker, state=ContractState.EXPIRED, sign_before=timezone.now() - datetime.timedelta(days=1)
    )
    staff = world.client_for("staff")
    page = staff.get(reverse("interim:agency_contract", args=[contract.pk])).content.decode()
    assert "Envoyer de nouveau pour signature" in page
    staff.post(reverse("interim:agency_contract_send", args=[contract.pk]))
    contract.refresh_from_db()
    assert contract.state == ContractState.TO_SIGN
    assert datetime.timedelta(hours=47) < contract.sign_before - timezone.now() <= datetime.timedelta(hours=48)


def test_the_agency_cancels_a_contract_with_a_reason_the_worker_reads(world):
    contract = ContractFactory(worker=world.worker, state=ContractState.EXPIRED)
    staff = world.client_for("staff")
    url = reverse("interim:agency_contract_cancel", args=[contract.pk])
    empty = staff.post(url, {"annulation-reason": "  "})
    assert "Indiquez le motif de l&#x27;annulation" in empty.content.decode()
    assert Contract.objects.get(pk=contract.pk).state == ContractState.EXPIRED
    done = staff.post(url, {"annulation-reason": "Mission annulée par le client", "confirmed": "1"}, follow=True)
    assert "l&#x27;intérimaire en est prévenu" in done.content.decode()
    contract.refresh_from_db()
    assert contract.state == ContractState.CANCELLED and contract.decision_reason == "Mission annulée par le client"
    message = OutboundMessage.objects.get(event="interim.contract_cancelled")
    assert message.recipient == world.worker.user.email and "Mission annulée par le client" in message.body
    trail = ContractAuditEntry.objects.filter(contract=contract).order_by("position").last()
    assert trail.event == AuditEvent.CANCELLED and trail.data == {"reason": "Mission annulée par le client"}
    again = staff.post(url, {"annulation-reason": "Encore", "confirmed": "1"}, follow=True)
    assert OutboundMessage.objects.filter(event="interim.contract_cancelled").count() == 1
    assert again.status_code == 200


def test_a_signed_contract_cannot_be_cancelled_and_another_agency_gets_404(world):
    from .factories import staff_of

    signed = ContractFactory(worker=world.worker, state=ContractState.SIGNED)
    staff = world.client_for("staff")
    page = staff.get(reverse("interim:agency_contract", args=[signed.pk])).content.decode()
    assert "Motif de l&#x27;annulation" not in page
    cancel = reverse("interim:agency_contract_cancel", args=[signed.pk])
    staff.post(cancel, {"annulation-reason": "x", "confirmed": "1"})
    assert Contract.objects.get(pk=signed.pk).state == ContractState.SIGNED
    other = ContractFactory(state=ContractState.TO_SIGN)
    assert staff.post(reverse("interim:agency_contract_cancel", args=[other.pk]), {}).status_code == 404
    assert staff_of(other.agency)  # the other agency exists; its contract stays untouched
    assert Contract.objects.get(pk=other.pk).state == ContractState.TO_SIGN


def test_the_public_verification_page_is_rate_limited_per_address(client, settings):
    settings.INTERIM_VERIFY_PER_HOUR = 3
    url = reverse("interim:verify")
    for _ in range(3):
        assert client.get(url, {"code": "XXXX-XXXX-XXXX"}).status_code == 200
    response = client.get(url, {"code": "XXXX-XXXX-XXXX"})
    assert response.status_code == 429
    assert "Trop de vérifications depuis votre adresse" in response.content.decode()
    assert "XXXX-XXXX-XXXX" in response.content.decode()  # what was typed is kept
    other = client.get(url, {"code": "XXXX-XXXX-XXXX"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_current_today_is_the_day_in_paris(world):
    """At 23:30 UTC on the 9th it is already the 10th in Paris: a mission starting the 10th is current."""
    import time_machine

    start = datetime.date(2026, 7, 10)
    from .factories import MissionFactory

    mission = MissionFactory(agency=world.agency, start_date=start, end_date=start + datetime.timedelta(days=3))
    ContractFactory(worker=world.worker, reference="DEMAIN-UTC", mission=mission)
    with time_machine.travel(datetime.datetime(2026, 7, 9, 23, 30, tzinfo=datetime.UTC), tick=False):
        page = world.client_for("worker").get(reverse("interim:contracts"), {"current": "on"}).content.decode()
    assert "DEMAIN-UTC" in page
