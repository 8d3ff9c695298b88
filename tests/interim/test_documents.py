"""Documents: lists with checkboxes, one download, a streamed ZIP of the selection (memory flat),
requests for an attestation or a certificate."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from interim.enums import DocumentKind, DocumentRequestState
from interim.models import DocumentRequest
from interim.zipstream import zip_stream
from tests.utils.queries import assert_constant_queries

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker", 200), ("foreign_worker", 200), ("staff", 403), ("foreign_staff", 403), ("client", 403)],
)
@pytest.mark.parametrize("name", ["interim:payslips", "interim:attestations", "interim:certificates"])
def test_document_pages_matrix(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


def test_lists_show_the_agency_acted_for_only(world):
    mine = DocumentFactory(worker=world.worker, number="1691_20190630")
    elsewhere = DocumentFactory(worker=world.worker_elsewhere, number="3985_20190630")
    page = world.client_for("worker").get(reverse("interim:payslips")).content.decode()
    assert mine.number in page and elsewhere.number not in page
    assert 'name="ids"' in page and "Télécharger la sélection" in page and "data-select-all" in page
    client = world.client_for("worker")
    assert client.get(reverse("interim:document_download", args=[elsewhere.pk])).status_code == 404


def test_a_zip_of_the_selection(world):
    docs = [DocumentFactory(worker=world.worker) for _ in range(3)]
    other = DocumentFactory(worker=world.foreign_worker)
    ids = [d.pk for d in docs] + [other.pk]
    response = world.client_for("worker").get(reverse("interim:documents_zip", args=["payslips"]), {"ids": ids})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"{d.number}.pdf" for d in docs)  # the foreign one is left out
    for doc in docs:
        with doc.file.open("rb") as handle:
            assert archive.read(f"{doc.number}.pdf") == handle.read()


def test_an_empty_selection_says_so(world):
    response = world.client_for("worker").get(reverse("interim:documents_zip", args=["payslips"]), follow=True)
    assert "Cochez au moins un document" in response.content.decode()


def test_the_zip_of_100_payslips_streams_with_flat_memory(world, capsys):
    """Peak memory while streaming 100 payslips of 256 KiB (25 MiB in all) stays near one chunk."""
    import os

    payload = os.urandom(256 * 1024)  # incompressible, like scanned PDFs
    docs = [DocumentFactory(worker=world.worker, file=ContentFile(payload, name="p.pdf")) for _ in range(100)]
    entries = [(f"{d.number}.pdf", (lambda d=d: d.file.storage.open(d.file.name, "rb"))) for d in docs]
    tracemalloc.start()
    total = 0
    for part in zip_stream(entries):
        total += len(part)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 100 * 256 * 1024
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes"
    with capsys.disabled():
        print(f"\nZIP of 100 payslips: {total / 1024 / 1024:.1f} MiB streamed, peak memory {peak / 1024:.0f} KiB")


def test_the_worker_asks_for_an_attestation(world):
    client = world.client_for("worker")
    client.post(reverse("interim:document_request", args=["attestations"]), {"message": "Pour Pôle emploi"})
    request = DocumentRequest.objects.get(worker=world.worker)
    assert request.kind == DocumentKind.ATTESTATION and request.state == DocumentRequestState.PENDING
    page = client.post(reverse("interim:document_request", args=["attestations"]), follow=True).content.decode()
    assert "déjà en attente" in page
    assert "Pour Pôle emploi" in world.client_for("staff").get(reverse("interim:agency_validations")).content.decode()
    assert client.post(reverse("interim:document_request", args=["payslips"])).status_code == 404


def test_the_payslip_list_is_constant_in_queries(world):
    client = world.client_for("worker")
    assert_constant_queries(
        client, reverse("interim:payslips"), lambda n: DocumentFactory.create_batch(n, worker=world.worker)
    )


def test_a_new_document_is_told_per_the_switch(world):
    import datetime

    from core.models import NotificationPreference, OutboundMessage
    from interim import services

    from .factories import pdf_bytes

    services.document_add(
        worker=world.worker,
        kind=DocumentKind.PAYSLIP,
        number="1691_20260131",
        period=datetime.date(2026, 1, 1),
        file=ContentFile(pdf_bytes()),
    )
    assert OutboundMessage.objects.filter(event="interim.payslip_added", recipient=world.worker.user.email).exists()
    NotificationPreference.objects.create(user=world.worker.user, event="interim.certificate_added", enabled=False)
    services.document_add(
        worker=world.worker,
        kind=DocumentKind.CERTIFICATE,
        number="1691_CERT_2",
        period=datetime.date(2026, 1, 1),
        file=ContentFile(pdf_bytes()),
    )
    assert not OutboundMessage.objects.filter(event="interim.certificate_added").exists()
