"""Durable file deletion, storage errors, vanished objects: no stranded file, no 500 (any database)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils import timezone

from benefits import services
from benefits.models import BenefitRequest, RequestDocument
from core.deletions import delete_recorded_files, files_delete_later
from core.history import transition
from core.models import FileDeletion, OutboundMessage
from core.tasks import delete_pending_files
from core.workflows import ObjectGone
from tests.benefits.factories import BenefitRequestFactory, CooperativeFactory, catalogue, cooperator_with_account


def _stored(name, content=b"%PDF-1.4 test"):
    return default_storage.save(name, ContentFile(content))


@pytest.mark.django_db
def test_a_deletion_is_recorded_in_the_transaction_and_done_after_commit(django_capture_on_commit_callbacks):
    name = _stored("tests/a.pdf")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        files_delete_later([name])
    assert FileDeletion.objects.filter(name=name).exists()  # committed with the caller's rows
    assert default_storage.exists(name)  # nothing deleted before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(name)
    assert not FileDeletion.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_deletion_deletes_nothing():
    name = _stored("tests/b.pdf")

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        files_delete_later([name])
        raise Abort
    assert default_storage.exists(name)
    assert not FileDeletion.objects.exists()


@pytest.mark.django_db
def test_a_storage_error_keeps_the_row_and_the_sweep_deletes_it_later():
    names = [_stored("tests/c.pdf"), _stored("tests/d.pdf")]
    FileDeletion.objects.bulk_create([FileDeletion(name=n) for n in names])
    real_delete = FileSystemStorage.delete

    def flaky(self, name):
        if name == names[0]:
            raise ConnectionError("object storage unreachable")  # not an OSError subclass of interest: any error
        return real_delete(self, name)

    with mock.patch.object(FileSystemStorage, "delete", flaky):
        assert delete_recorded_files() == (1, 1)
    row = FileDeletion.objects.get()
    assert row.name == names[0] and row.attempts == 1 and "ConnectionError" in row.last_error
    assert default_storage.exists(names[0]) and not default_storage.exists(names[1])
    assert delete_pending_files() == "1 fichier(s) supprimé(s)"  # the storage is back
    assert not FileDeletion.objects.exists() and not default_storage.exists(names[0])
    assert delete_recorded_files() == (0, 0)  # idempotent


@pytest.mark.django_db
def test_the_sweep_deletes_the_rows_of_a_chunk_at_once():
    """delete_pending_files: one storage call per file (there is no other way), the rows in one query."""
    from tests.utils.queries import constant_queries

    with constant_queries() as measure:
        for count in (3, 30):
            names = [_stored(f"tests/sweep-{count}-{index}.pdf") for index in range(count)]
            FileDeletion.objects.bulk_create([FileDeletion(name=name) for name in names])
            with measure():
                assert delete_recorded_files() == (count, 0)
            assert not any(default_storage.exists(name) for name in names)
    assert not FileDeletion.objects.exists()


@pytest.fixture
def cooperator(db):
    catalogue()
    return cooperator_with_account(CooperativeFactory())


def _waiting(cooperator, days=15):
    request = BenefitRequestFactory(cooperator=cooperator, awaiting=True, created_by=cooperator.user)
    BenefitRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    document = RequestDocument(request=request, original_name="facture.pdf")
    document.file.save("facture.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    document.save()
    return request, document.file.name


@pytest.mark.django_db
def test_a_purge_killed_after_its_commit_leaves_no_file_behind(cooperator, django_capture_on_commit_callbacks):
    """The worker dies right after the batch commits: the after-commit deletion never runs."""
    _request, name = _waiting(cooperator)
    with django_capture_on_commit_callbacks(execute=False):  # the callbacks are lost with the worker
        assert services.unapproved_requests_purge() == 1
    assert default_storage.exists(name)
    assert FileDeletion.objects.filter(name=name).exists()  # recorded durably, with the batch
    delete_pending_files()  # the next sweep
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_purge_with_storage_down_goes_on_and_strands_nothing(cooperator, django_capture_on_commit_callbacks):
    names = [_waiting(cooperator)[1] for _ in range(3)]
    with (
        mock.patch.object(FileSystemStorage, "delete", side_effect=ConnectionError("S3 down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.unapproved_requests_purge(batch_size=1) == 3  # every batch, not only the first
    assert not BenefitRequest.objects.exists()
    assert set(FileDeletion.objects.values_list("name", flat=True)) == set(names)
    delete_pending_files()
    assert not any(default_storage.exists(n) for n in names) and not FileDeletion.objects.exists()


# --- A vanished object: a clear message, never a 500 -------------------------------------------------------


@pytest.mark.django_db
def test_a_transition_on_a_vanished_object_says_so_in_french():
    message = OutboundMessage.objects.create(channel="email", recipient="a@example.test", body="x")
    pk = message.pk
    message.delete()  # the purge won the race
    with pytest.raises(ObjectGone) as caught:
        transition(OutboundMessage, pk, field="status", allowed_from=["pending"], to="sent", actor=None)
    assert isinstance(caught.value, OutboundMessage.DoesNotExist)  # views mapping DoesNotExist to 404 still do
    assert isinstance(caught.value, ValidationError)  # views showing refusals show it
    assert "n’existe plus" in " ".join(caught.value.messages)


def test_postgresql_settings_bound_every_wait(monkeypatch):
    """Connect, statement (server side) and read (client side) timeouts from the environment."""
    import importlib

    import portal.settings.base as base

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/guichet")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "7")
    loaded = importlib.reload(base)
    options = loaded.DATABASES["default"]["OPTIONS"]
    assert loaded.DATABASES["default"]["ENGINE"] == "core.db.postgresql"
    assert options["connect_timeout"] == 5
    assert "statement_timeout=7000" in options["options"]
    assert options["read_timeout"] == 12
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "0")  # a long migration: no bound at all
    loaded = importlib.reload(base)
    assert "statement_timeout=0" in loaded.DATABASES["default"]["OPTIONS"]["options"]
    assert loaded.DATABASES["default"]["OPTIONS"]["read_timeout"] == 0
    monkeypatch.undo()
    importlib.reload(base)
