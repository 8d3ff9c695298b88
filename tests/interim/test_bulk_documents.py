"""Documents in bulk: a ZIP (or several PDFs) matched by "<worker number>_<YYYYMMDD>", a report of
matched and unmatched files before anything is published, publication all or nothing, each worker
told per their switch, nothing published twice, withdrawal; tenancy."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import NotificationPreference, OutboundMessage
from interim import batches, selectors
from interim.enums import BatchItemState, BatchState
from interim.models import Document, DocumentBatch, DocumentBatchItem
from tests.utils.queries import assert_constant_queries

from .factories import WorkerFactory, pdf_bytes
from .mission_factories import staff_membership, zip_of

pytestmark = pytest.mark.django_db


def upload(client, files, kind="payslip"):
    uploads = [SimpleUploadedFile(name, data, content_type="application/octet-stream") for name, data in files]
    return client.post(reverse("interim:agency_batches"), {"kind": kind, "files": uploads})


def run_on_commit(django_capture_on_commit_callbacks, call):
    with django_capture_on_commit_callbacks(execute=True):
        return call()


@pytest.fixture
def two_workers(world):
    other = WorkerFactory(agency=world.agency)
    return world.worker, other


def test_matrix(world):
    assert world.client_for("staff").get(reverse("interim:agency_batches")).status_code == 200
    for who in ("worker", "client"):
        assert world.client_for(who).get(reverse("interim:agency_batches")).status_code == 403


def test_a_zip_is_matched_reported_then_published(world, two_workers, django_capture_on_commit_callbacks):
    first, second = two_workers
    NotificationPreference.objects.create(user=second.user, event="interim.payslip_added", enabled=False)
    archive = zip_of(
        {
            f"paie/{first.number}_20260131.pdf": pdf_bytes("Janvier"),
            f"paie/{second.number}_20260131.pdf": pdf_bytes("Janvier 2"),
            "paie/99999_20260131.pdf": pdf_bytes("Personne"),
            f"paie/{first.number}_20261331.pdf": pdf_bytes("Mauvaise date"),
            "paie/bulletin-janvier.pdf": pdf_bytes("Nom libre"),
            f"paie/{first.number}_20260228.pdf": b"not a pdf at all",
            f"paie/{world.foreign_worker.number}_20260131.pdf": pdf_bytes("Autre agence"),
            "__MACOSX/._x.pdf": b"junk",
        }
    )
    client = world.client_for("staff")
    response = run_on_commit(django_capture_on_commit_callbacks, lambda: upload(client, [("paie.zip", archive)]))
    batch = DocumentBatch.objects.get()
    assert response.url == reverse("interim:agency_batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.total == 7 and batch.processed == 7
    states = dict(batch.items.values_list("filename", "state"))
    assert states[f"{first.number}_20260131.pdf"] == BatchItemState.MATCHED
    assert states[f"{second.number}_20260131.pdf"] == BatchItemState.MATCHED
    assert sum(1 for s in states.values() if s == BatchItemState.UNMATCHED) == 5
    messages = dict(batch.items.values_list("filename", "message"))
    assert messages["99999_20260131.pdf"] == "Aucun intérimaire de l'agence n'a le numéro 99999."
    assert "n'existe pas" in messages[f"{first.number}_20261331.pdf"]
    assert "Nom non reconnu" in messages["bulletin-janvier.pdf"]
    assert "pas accepté" in messages[f"{first.number}_20260228.pdf"]
    assert "Aucun intérimaire" in messages[f"{world.foreign_worker.number}_20260131.pdf"]
    assert not Document.objects.exists()  # nothing before publication
    page = client.get(reverse("interim:agency_batch", args=[batch.pk])).content.decode()
    assert "Non reconnu" in page and "Reconnu" in page and "99999" in page and "Publier" in page

    run_on_commit(
        django_capture_on_commit_callbacks,
        lambda: client.post(reverse("interim:agency_batch_act", args=[batch.pk, "publish"]), {"confirmed": "1"}),
    )
    batch.refresh_from_db()
    assert batch.state == BatchState.PUBLISHED and batch.published == 2 and batch.published_at
    document = Document.objects.get(worker=first)
    assert document.number == f"{first.number}_20260131" and document.period == datetime.date(2026, 1, 31)
    told = list(OutboundMessage.objects.filter(event="interim.payslip_added").values_list("recipient", flat=True))
    assert told == [first.user.email]  # the second switched it off
    # The worker sees it in Bulletins de salaire.
    page = world.client_for("worker").get(reverse("interim:payslips")).content.decode()
    assert document.number in page

    # Running the publication again publishes nothing twice.
    assert batches.batch_publish(batch.pk).state == BatchState.PUBLISHED
    assert Document.objects.count() == 2
    # The same ZIP again: duplicates, nothing to publish.
    run_on_commit(django_capture_on_commit_callbacks, lambda: upload(client, [("paie.zip", archive)]))
    again = DocumentBatch.objects.exclude(pk=batch.pk).get()
    assert again.items.filter(state=BatchItemState.DUPLICATE).count() == 2
    assert not again.items.filter(state=BatchItemState.MATCHED).exists()
    response = client.post(reverse("interim:agency_batch_act", args=[again.pk, "publish"]), {"confirmed": "1"})
    again.refresh_from_db()
    assert again.state == BatchState.READY and Document.objects.count() == 2

    # A wrong file is withdrawn from the worker's space.
    item = batch.items.get(worker=first)
    client.post(reverse("interim:agency_batch_item_act", args=[item.pk, "withdraw"]), {"confirmed": "1"})
    item.refresh_from_db()
    assert item.state == BatchItemState.WITHDRAWN and not Document.objects.filter(worker=first).exists()
    assert item.file  # the file is kept with the batch


def test_several_pdfs_and_a_file_excluded_before_publication(world, two_workers, django_capture_on_commit_callbacks):
    first, second = two_workers
    client = world.client_for("staff")
    run_on_commit(
        django_capture_on_commit_callbacks,
        lambda: upload(
            client,
            [
                (f"{first.number}_20260131.pdf", pdf_bytes("A")),
                (f"{second.number}_20260131.pdf", pdf_bytes("B")),
                (f"{second.number}_20260131.pdf", pdf_bytes("B bis")),
            ],
            kind="certificate",
        ),
    )
    batch = DocumentBatch.objects.get()
    assert batch.state == BatchState.READY
    assert batch.items.filter(state=BatchItemState.DUPLICATE).count() == 1
    wrong = batch.items.get(worker=first)
    client.post(reverse("interim:agency_batch_item_act", args=[wrong.pk, "exclude"]))
    wrong.refresh_from_db()
    assert wrong.state == BatchItemState.EXCLUDED
    run_on_commit(
        django_capture_on_commit_callbacks,
        lambda: client.post(reverse("interim:agency_batch_act", args=[batch.pk, "publish"]), {"confirmed": "1"}),
    )
    assert list(Document.objects.values_list("worker", "kind")) == [(second.pk, "certificate")]
    assert OutboundMessage.objects.filter(event="interim.certificate_added").count() == 1


def test_a_failure_while_publishing_publishes_nothing(world, two_workers, monkeypatch):
    first, second = two_workers
    batch = DocumentBatch.objects.create(agency=world.agency, kind="payslip", state=BatchState.PUBLISHING)
    for position, worker in enumerate((first, second), 1):
        item = DocumentBatchItem(
            batch=batch,
            position=position,
            filename=f"{worker.number}_20260131.pdf",
            state=BatchItemState.MATCHED,
            worker=worker,
            number=f"{worker.number}_20260131",
            period=datetime.date(2026, 1, 31),
        )
        item.file.save("d.pdf", SimpleUploadedFile("d.pdf", pdf_bytes()), save=False)
        item.save()
    calls = []

    def failing_emit(key, obj, **kwargs):
        calls.append(obj)
        if len(calls) == 2:
            raise OSError("disque plein")

    monkeypatch.setattr(batches, "emit", failing_emit)
    batch = batches.batch_publish(batch.pk)
    assert batch.state == BatchState.READY
    assert not Document.objects.exists()
    assert set(batch.items.values_list("state", flat=True)) == {BatchItemState.MATCHED}
    batch.refresh_from_db()
    assert "aucun document n'a été publié" in batch.error and "disque plein" in batch.error


def test_a_bad_zip_fails_the_analysis_in_french(world, django_capture_on_commit_callbacks):
    client = world.client_for("staff")
    run_on_commit(django_capture_on_commit_callbacks, lambda: upload(client, [("x.zip", b"PK\x03\x04 broken archive")]))
    batch = DocumentBatch.objects.get()
    assert batch.state == BatchState.FAILED and batch.error == "L'archive ZIP est illisible."


def test_the_analysis_resumes_without_doing_twice(world, two_workers):
    first, _second = two_workers
    staff = staff_membership(world.agency)
    batch = batches.batch_create(
        agency=world.agency,
        kind="payslip",
        files=[SimpleUploadedFile("a.zip", zip_of({f"{first.number}_20260131.pdf": pdf_bytes()}))],
        actor=staff.user,
    )
    batches.batch_analyse(batch.pk)
    batches.batch_analyse(batch.pk)  # a second delivery of the task
    assert batch.items.count() == 1
    assert DocumentBatch.objects.get(pk=batch.pk).state == BatchState.READY


def test_another_agency_sees_no_batch(world, django_capture_on_commit_callbacks):
    batch = DocumentBatch.objects.create(agency=world.agency, kind="payslip", state=BatchState.READY)
    foreign = world.client_for("foreign_staff")
    assert foreign.get(reverse("interim:agency_batch", args=[batch.pk])).status_code == 404
    assert foreign.get(reverse("interim:agency_batch_progress", args=[batch.pk])).status_code == 404
    progress = world.client_for("staff").get(reverse("interim:agency_batch_progress", args=[batch.pk])).json()
    assert progress["state"] == "ready" and progress["working"] is False
    # A file named after the other agency's worker matches nobody here (see the ZIP test) and the
    # other agency's batches are not listed.
    assert "Dépôt" not in foreign.get(reverse("interim:agency_batches")).content.decode().split("<h2>")[-1][:0]
    assert selectors.document_batches_for(staff_membership(world.other_agency)).count() == 0


def test_an_empty_upload_is_refused_in_french(world):
    page = world.client_for("staff").post(reverse("interim:agency_batches"), {"kind": "payslip"}).content.decode()
    assert "Déposez une archive ZIP ou des fichiers PDF." in page


def test_the_report_is_constant_in_queries(world, two_workers):
    batch = DocumentBatch.objects.create(agency=world.agency, kind="payslip", state=BatchState.READY)
    counter = iter(range(1, 10_000))

    def make(n):
        for _ in range(n):
            position = next(counter)
            DocumentBatchItem.objects.create(
                batch=batch,
                position=position,
                filename=f"{world.worker.number}_2026{position:04d}.pdf",
                state=BatchItemState.MATCHED,
                worker=world.worker,
                number=f"x{position}",
            )

    assert_constant_queries(world.client_for("staff"), reverse("interim:agency_batch", args=[batch.pk]), make)


def test_more_files_than_a_form_may_carry_get_a_french_page_and_nothing_is_created(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = upload(world.client_for("staff"), [(f"{n}_20260131.pdf", pdf_bytes("A")) for n in range(4)])
    html = response.content.decode()
    assert response.status_code == 400
    assert "plus de 3 fichiers" in html and "ZIP" in html and "Rien n’a été enregistré" in html
    assert not DocumentBatch.objects.exists()
