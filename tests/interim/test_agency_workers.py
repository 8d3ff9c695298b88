"""The agency's workers: list (search, filters, constant queries), the worker's page, the invitation
(one account per person, one file and number per agency), and tenancy (a shared worker's other file
stays out of sight)."""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Membership, User
from core.models import OutboundMessage
from interim import agency_services
from interim.enums import AdvanceState, ChangeGroup, DocumentKind
from interim.models import Availability, Sector, Worker, WorkerQualification
from tests.utils.queries import assert_constant_queries

from .factories import (
    AdvanceFactory,
    ChangeFactory,
    ContractFactory,
    DiplomaFactory,
    DocumentFactory,
    DocumentRequestFactory,
    MissionFactory,
    QualificationFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "expected"), [("worker", 403), ("staff", 200), ("foreign_staff", 200), ("client", 403)]
)
@pytest.mark.parametrize("name", ["interim:agency_workers", "interim:agency_worker_invite"])
def test_matrix(world, who, expected, name):
    assert world.client_for(who).get(reverse(name)).status_code == expected


def _page(world, **params):
    return world.client_for("staff").get(reverse("interim:agency_workers"), params).content.decode()


def test_the_list_shows_the_agencys_files_only(world):
    page = _page(world)
    assert world.worker.number in page
    assert world.foreign_worker.number not in page
    # The same person's file with the other agency (its number) is never listed here.
    assert world.worker_elsewhere.number not in page
    assert "1 résultat" in page


def test_search_by_name_number_and_nir_digits(world):
    other = WorkerFactory(agency=world.agency, user__first_name="Paul", user__last_name="Durand", nir="180017512345678")
    assert "Terim" in _page(world, q="terim") and "Durand" not in _page(world, q="terim")
    assert "Durand" in _page(world, q="paul durand")
    assert "Durand" in _page(world, q=other.number)
    assert "Durand" in _page(world, q="45678") and "Terim" not in _page(world, q="45678")
    assert "Aucun résultat ne correspond" in _page(world, q="zzz")


def test_filters_sector_qualification_availability_and_pending(world):
    sector = Sector.objects.create(agency=world.agency, name="Pôle Isère")
    other = WorkerFactory(agency=world.agency, user__last_name="Durand", sector=sector)
    qualification = QualificationFactory(agency=world.agency, label="MENUISIER")
    WorkerQualification.objects.create(worker=other, qualification=qualification, diploma=DiplomaFactory(worker=other))
    assert "Durand" in _page(world, sector=sector.pk) and "Terim" not in _page(world, sector=sector.pk)
    assert "Durand" in _page(world, qualification=qualification.pk)
    assert "Terim" not in _page(world, qualification=qualification.pk)
    day = datetime.date(2027, 3, 10)
    Availability.objects.create(
        worker=other, kind="unavailable", start_date=day, end_date=day + datetime.timedelta(days=1)
    )
    mission = MissionFactory(agency=world.agency, start_date=day, end_date=day)
    ContractFactory(worker=world.worker, mission=mission)
    busy = _page(world, available_on=day.isoformat())
    assert "Durand" not in busy and "Terim" not in busy
    assert "Durand" in _page(world, available_on="2027-04-01")
    ChangeFactory(worker=other)
    pending = _page(world, pending="on")
    assert "Durand" in pending and "Terim" not in pending
    # A foreign agency's sector is not a choice: the filter says so, nothing breaks.
    foreign_sector = Sector.objects.create(agency=world.other_agency, name="Ailleurs")
    assert "Sélectionnez un choix valide" in _page(world, sector=foreign_sector.pk)


def test_bad_date_is_told_in_french(world):
    page = _page(world, available_on="31/02/2027")
    assert "Saisissez une date valide" in page or "date valide" in page


def test_the_list_is_constant_in_queries(world):
    qualification = QualificationFactory(agency=world.agency)

    def make(n):
        for worker in WorkerFactory.create_batch(n, agency=world.agency):
            WorkerQualification.objects.create(
                worker=worker, qualification=qualification, diploma=DiplomaFactory(worker=worker)
            )
            ChangeFactory(worker=worker)

    # issue 15: <= 12 a page, the qualifications of the page's rows read in one query
    assert_constant_queries(world.client_for("staff"), reverse("interim:agency_workers"), make, at_most=12)


def _row(page, worker):
    """The list's <tr> of `worker` (rows are read as values, not model instances: each column checked)."""
    link = reverse("interim:agency_worker", args=[worker.pk])
    start = page.index(f'<tr><th scope="row"><a href="{link}">{worker.number}</a></th>')
    return page[start : page.index("</tr>", start) + len("</tr>")]


def test_the_rows_show_every_column(world):
    sector = Sector.objects.create(agency=world.agency, name="Pôle Isère")
    Worker.objects.filter(pk=world.worker.pk).update(
        sector=sector, created_at=datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)
    )
    for label in ("SOUDEUR", "CARISTE"):
        qualification = QualificationFactory(agency=world.agency, label=label)
        WorkerQualification.objects.create(
            worker=world.worker, qualification=qualification, diploma=DiplomaFactory(worker=world.worker)
        )  # the diploma is pending: something to validate
    other = WorkerFactory(agency=world.agency, user__first_name="Paul", user__last_name="<Durand>", town="")
    page = _page(world)
    link = reverse("interim:agency_worker", args=[world.worker.pk])
    assert _row(page, world.worker) == (
        f'<tr><th scope="row"><a href="{link}">{world.worker.number}</a></th><td><a href="{link}">Inès Terim</a></td>'
        '<td>Pôle Isère</td><td>CARISTE, SOUDEUR</td><td>Lyon</td><td><span class="badge badge-orange">Oui</span></td>'
        "<td>01/04/2026</td></tr>"  # the day in Europe/Paris
    )
    link = reverse("interim:agency_worker", args=[other.pk])
    assert (
        f'<td><a href="{link}">Paul &lt;Durand&gt;</a></td><td>—</td><td></td><td></td><td><span class="muted">Non'
        in (_row(page, other))
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda worker: ChangeFactory(worker=worker),
        lambda worker: DiplomaFactory(worker=worker),
        lambda worker: DocumentRequestFactory(worker=worker),
        lambda worker: AdvanceFactory(worker=worker),
    ],
    ids=["change", "diploma", "document_request", "advance"],
)
def test_the_pending_column_and_filter_see_each_kind_of_item(world, make):
    assert "badge-orange" not in _row(_page(world), world.worker)
    AdvanceFactory(worker=world.worker, state=AdvanceState.PAID)  # decided: nothing to validate
    assert "badge-orange" not in _row(_page(world), world.worker)
    make(world.worker)
    assert '<span class="badge badge-orange">Oui</span>' in _row(_page(world), world.worker)
    assert world.worker.number in _page(world, pending="on")


def test_sorting_and_the_deep_page_path(world, monkeypatch):
    durand = WorkerFactory(agency=world.agency, user__first_name="Paul", user__last_name="Durand")
    WorkerQualification.objects.create(
        worker=durand,
        qualification=QualificationFactory(agency=world.agency, label="MAÇON"),
        diploma=DiplomaFactory(worker=durand),
    )
    page = _page(world)
    assert page.index("Paul Durand") < page.index("Inès Terim")
    page = _page(world, tri="-name")
    assert page.index("Inès Terim") < page.index("Paul Durand")
    # A deep page reads its ids, then its rows by id (core.tables.DataTable._defer_join): rows all the same.
    monkeypatch.setattr("core.tables.DEFERRED_JOIN_OFFSET", 0)
    page = _page(world, tri="-name")
    assert page.index("Inès Terim") < page.index("Paul Durand")
    assert "<td>MAÇON</td>" in _row(page, durand)


def test_the_workers_page_and_foreign_ids(world):
    ChangeFactory(worker=world.worker, group=ChangeGroup.BANK, proposed={"iban": "FR76", "bank_holder": "X"})
    DiplomaFactory(worker=world.worker, name="CAP Cuisine")
    ContractFactory(worker=world.worker, reference="REF-42")
    client = world.client_for("staff")
    client.post(reverse("interim:agency_worker_sector", args=[world.worker.pk]), {"sector": ""})  # a history entry
    page = client.get(reverse("interim:agency_worker", args=[world.worker.pk])).content.decode()
    assert "Changement de secteur" in page
    assert "CAP Cuisine" in page and "REF-42" in page and "Coordonnées bancaires" in page
    assert "Historique" in page
    for foreign in (world.foreign_worker, world.worker_elsewhere):
        assert client.get(reverse("interim:agency_worker", args=[foreign.pk])).status_code == 404
        assert client.post(reverse("interim:agency_worker_sector", args=[foreign.pk])).status_code == 404


def test_the_worker_page_is_constant_in_queries(world):
    client = world.client_for("staff")
    url = reverse("interim:agency_worker", args=[world.worker.pk])
    ChangeFactory(worker=world.worker)  # one pending change a group

    def make(n):
        for _ in range(n):
            ContractFactory(worker=world.worker)
            DiplomaFactory(worker=world.worker)
            AdvanceFactory(worker=world.worker)
            DocumentRequestFactory(worker=world.worker)
            DocumentFactory(worker=world.worker, kind=DocumentKind.PAYSLIP)
            DocumentFactory(worker=world.worker, kind=DocumentKind.ATTESTATION)

    assert_constant_queries(client, url, make, few=2, more=4, at_most=12)  # issue 15: <= 12 a page


def test_the_worker_page_shows_the_latest_documents_of_each_group(world):
    for month in range(1, 13):
        DocumentFactory(worker=world.worker, kind=DocumentKind.PAYSLIP, period=datetime.date(2025, month, 1))
    DocumentFactory(
        worker=world.worker, kind=DocumentKind.ATTESTATION, number="ATT-OLD", period=datetime.date(2020, 1, 1)
    )
    ContractFactory.create_batch(11, worker=world.worker)
    page = world.client_for("staff").get(reverse("interim:agency_worker", args=[world.worker.pk])).content.decode()
    assert "ATT-OLD" in page  # the other documents are not crowded out by the newer payslips
    assert page.count("<li>Bulletin de salaire") == 10 and "11 contrats, les plus récents" in page


def test_setting_the_sector(world):
    sector = Sector.objects.create(agency=world.agency, name="Pôle Rhône")
    foreign = Sector.objects.create(agency=world.other_agency, name="Ailleurs")
    client = world.client_for("staff")
    url = reverse("interim:agency_worker_sector", args=[world.worker.pk])
    client.post(url, {"sector": foreign.pk})
    world.worker.refresh_from_db()
    assert world.worker.sector is None
    client.post(url, {"sector": sector.pk})
    world.worker.refresh_from_db()
    assert world.worker.sector == sector


def _invite(world, who="staff", **data):
    payload = {"email": "nouvelle@exemple.test", "last_name": "Nouvelle", "first_name": "Léa", "phone": "", **data}
    return world.client_for(who).post(reverse("interim:agency_worker_invite"), payload)


def test_inviting_a_new_person_creates_the_account_and_sends_a_one_time_link(world, django_capture_on_commit_callbacks):
    WorkerFactory(agency=world.agency, number="990000")  # above any factory sequence: the next is 990001
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(world)
    assert response.status_code == 302
    user = User.objects.get(identifier="nouvelle@exemple.test")
    assert user.email == "nouvelle@exemple.test" and not user.has_usable_password()
    worker = Worker.objects.get(user=user)
    assert worker.agency == world.agency and worker.number == "990001"
    assert Membership.objects.get(user=user).role == Role.TEMP_WORKER
    message = OutboundMessage.objects.filter(recipient="nouvelle@exemple.test").latest("pk")
    assert "inscription" in message.subject.lower()
    assert "/reinitialiser" in message.body or "mot de passe" in message.body


def test_a_worker_of_another_agency_gets_a_second_membership_on_the_same_account(world):
    stranger = world.foreign_worker
    users = User.objects.count()
    response = _invite(world, email=stranger.user.email.upper())
    assert response.status_code == 302
    assert User.objects.count() == users
    files = Worker.objects.filter(user=stranger.user)
    assert {w.agency for w in files} == {world.agency, world.other_agency}
    mine = files.get(agency=world.agency)
    assert mine.nir == "" and mine.iban == ""  # nothing of the other agency's file is copied
    # Neither agency sees the other's file.
    staff = world.client_for("staff")
    assert staff.get(reverse("interim:agency_worker", args=[stranger.pk])).status_code == 404
    foreign = world.client_for("foreign_staff")
    assert foreign.get(reverse("interim:agency_worker", args=[mine.pk])).status_code == 404
    # Asked twice: told in French, nothing duplicated, what was typed is kept.
    again = _invite(world, email=stranger.user.email)
    assert "déjà inscrite à votre agence" in again.content.decode()
    assert 'value="Nouvelle"' in again.content.decode()
    assert Worker.objects.filter(user=stranger.user).count() == 2


def test_bad_input_is_told_on_the_field(world):
    page = _invite(world, email="pas-une-adresse", last_name="").content.decode()
    assert "Saisissez une adresse e-mail valide" in page
    assert not User.objects.filter(identifier="pas-une-adresse").exists()


def test_the_agency_staff_address_cannot_be_invited_as_a_worker(world):
    page = _invite(world, email=world.staff.email).content.decode()
    assert "membre de l’agence" in page


def test_numbers_are_per_agency(world):
    first, _ = agency_services.worker_invite(
        agency=world.other_agency, email="a@exemple.test", first_name="A", last_name="B", actor=world.staff
    )
    assert first.number.isdigit()
