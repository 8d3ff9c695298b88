"""Votre compte: Fiche perso (pending changes in orange, bank details with password, applied only at
the agency's validation), Diplômes, Paramètres; the agency's validation pages. Matrix per view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import NotificationPreference, OutboundMessage
from interim.enums import ChangeGroup, ChangeState, DiplomaState
from interim.models import Diploma, ProfileChange, WorkerQualification
from tests.accounts.factories import DEFAULT_PASSWORD

from .factories import ChangeFactory, DiplomaFactory, QualificationFactory, pdf_bytes

pytestmark = pytest.mark.django_db

WORKER_PAGES = ["interim:profile", "interim:diplomas", "interim:diploma_create", "interim:settings"]


@pytest.mark.parametrize("name", WORKER_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("worker", 200), ("foreign_worker", 200), ("staff", 403), ("foreign_staff", 403), ("client", 403)],
)
def test_worker_pages_matrix(world, name, who, expected):
    assert world.client_for(who).get(reverse(name)).status_code == expected


def test_the_file_shown_is_the_one_of_the_agency_acted_for(world):
    world.worker_elsewhere.number = "3985"
    world.worker_elsewhere.save()
    client = world.client_for("worker")
    assert world.worker.number in client.get(reverse("interim:profile")).content.decode()
    client = world.client_for("worker", acting=world.worker_elsewhere.membership)
    page = client.get(reverse("interim:profile")).content.decode()
    assert "3985" in page and f": {world.worker.number}<" not in page


def test_a_change_waits_in_orange_and_is_applied_at_validation(world):
    client = world.client_for("worker")
    response = client.post(
        reverse("interim:profile_edit", args=["adresse"]),
        {"street": "3 place Bellecour", "postcode": "69002", "town": "Lyon"},
    )
    assert response.status_code == 302
    world.worker.refresh_from_db()
    assert world.worker.street == "12 rue des Lilas"  # not applied yet
    page = client.get(reverse("interim:profile")).content.decode()
    assert "badge-orange" in page and "3 place Bellecour" in page
    change = ProfileChange.objects.get(worker=world.worker)
    staff = world.client_for("staff")
    assert staff.get(reverse("interim:agency_change", args=[change.pk])).status_code == 200
    staff.post(reverse("interim:agency_change", args=[change.pk]), {"decision": "accept"})
    world.worker.refresh_from_db()
    assert world.worker.street == "3 place Bellecour"
    assert OutboundMessage.objects.filter(event="interim.change_decided", recipient=world.worker.user.email).exists()


def test_the_other_agency_cannot_decide(world):
    change = ChangeFactory(worker=world.worker)
    response = world.client_for("foreign_staff").post(
        reverse("interim:agency_change", args=[change.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


def test_refusal_needs_a_reason(world):
    change = ChangeFactory(worker=world.worker)
    staff = world.client_for("staff")
    response = staff.post(reverse("interim:agency_change", args=[change.pk]), {"decision": "refuse", "reason": ""})
    assert "Indiquez le motif" in response.content.decode()
    staff.post(
        reverse("interim:agency_change", args=[change.pk]), {"decision": "refuse", "reason": "Justificatif illisible"}
    )
    change.refresh_from_db()
    assert change.state == ChangeState.REFUSED and change.decision_reason == "Justificatif illisible"


def test_bank_details_need_the_password_and_tell_the_address_on_file(world):
    client = world.client_for("worker")
    url = reverse("interim:profile_edit", args=["banque"])
    data = {"iban": "FR76 3000 6000 0112 3456 7890 189", "bank_holder": "Inès Terim", "password": "faux"}
    response = client.post(url, data)
    assert "Le mot de passe est incorrect." in response.content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in response.content.decode()  # nothing typed lost
    data["iban"] = "FR76 3000 6000 0112 3456 7890 180"
    data["password"] = DEFAULT_PASSWORD
    assert "Cet IBAN n’est pas valide" in client.post(url, data).content.decode()
    data["iban"] = "FR1420041010050500013M02606"
    assert client.post(url, data).status_code == 302
    change = ProfileChange.objects.get(worker=world.worker, group=ChangeGroup.BANK)
    assert "password" not in change.proposed
    world.worker.refresh_from_db()
    assert world.worker.iban == "FR7630006000011234567890189"  # never applied before the agency validates
    assert OutboundMessage.objects.filter(
        event="interim.bank_change_requested", recipient=world.worker.user.email
    ).exists()


def test_nir_is_checked_with_its_key(world):
    client = world.client_for("worker")
    url = reverse("interim:profile_edit", args=["securite-sociale"])
    response = client.post(url, {"nir": "2 69 05 49 588 157 81"})
    assert "clé ne correspond pas" in response.content.decode()
    assert client.post(url, {"nir": "1 85 05 78 006 084 91"}).status_code == 302


def test_the_worker_adds_a_diploma_and_the_agency_grants_a_qualification(world):
    client = world.client_for("worker")
    response = client.post(
        reverse("interim:diploma_create"),
        {"name": "DIPLOME INFIRMIER", "obtained_on": "2010-03-20", "file": SimpleUploadedFile("d.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    diploma = Diploma.objects.get(worker=world.worker)
    page = client.get(reverse("interim:diplomas")).content.decode()
    assert "DIPLOME INFIRMIER" in page and "aucune mission ne pourra vous être proposée" in page
    qualification = QualificationFactory(agency=world.agency)
    world.client_for("staff").post(
        reverse("interim:agency_diploma", args=[diploma.pk]),
        {"decision": "accept", "qualifications": [qualification.pk]},
    )
    diploma.refresh_from_db()
    assert diploma.state == DiplomaState.VALIDATED
    assert WorkerQualification.objects.filter(worker=world.worker, qualification=qualification).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "obtained_on": "2010-03-20"}, "Ce champ est obligatoire."),
        ({"name": "CAP", "obtained_on": "2999-01-01"}, "Cette date est dans le futur"),
        ({"name": "CAP", "obtained_on": "2010-03-20", "bad_file": True}, "Ce type de fichier n’est pas accepté"),
    ],
)
def test_diploma_bad_input(world, data, message):
    upload = SimpleUploadedFile("d.pdf", b"MZ not a pdf" if data.pop("bad_file", False) else pdf_bytes())
    response = world.client_for("worker").post(reverse("interim:diploma_create"), {**data, "file": upload})
    assert message in response.content.decode()
    assert not Diploma.objects.exists()


def test_a_diploma_file_of_another_worker_is_404(world):
    diploma = DiplomaFactory(worker=world.foreign_worker)
    assert world.client_for("worker").get(reverse("interim:diploma_file", args=[diploma.pk])).status_code == 404
    own = DiplomaFactory(worker=world.worker)
    response = world.client_for("worker").get(reverse("interim:diploma_file", args=[own.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_settings_show_the_eight_switches_and_save_them(world):
    client = world.client_for("worker")
    page = client.get(reverse("interim:settings")).content.decode()
    for label in (
        "Demande d&#x27;acompte acceptée",
        "Demande d&#x27;acompte versée",
        "Fermeture d&#x27;un ciblage",
        "Modification d&#x27;une date sur un contrat",
        "Nouveau bulletin de salaire",
        "Nouveau certificat de travail",
        "Nouveau contrat",
        "Nouvelle attestation ASSEDIC",
    ):
        assert label in page
    client.post(reverse("interim:settings"), {"events": ["interim.advance_paid"]})
    prefs = dict(NotificationPreference.objects.filter(user=world.worker.user).values_list("event", "enabled"))
    assert prefs["interim.advance_paid"] is True and prefs["interim.advance_accepted"] is False
    assert len(prefs) == 8


def test_bureau_virtuel_on_the_dashboard_comes_from_the_agency_data(world):
    world.agency.oncall_phone = "06 99 88 77 66"
    world.agency.save()
    page = world.client_for("worker").get(reverse("portal:dashboard")).content.decode()
    assert "Votre bureau virtuel" in page and "06 99 88 77 66" in page
    other = world.client_for("worker", acting=world.worker_elsewhere.membership).get(reverse("portal:dashboard"))
    assert "06 99 88 77 66" not in other.content.decode()


def test_the_menus_of_the_manual(world):
    page = world.client_for("worker").get(reverse("portal:dashboard")).content.decode()
    for label in (
        "Mes demandes d&#x27;acompte",
        "Fiche perso",
        "Diplômes / Certificats",
        "Paramètres",
        "Mes contrats",
        "Mes plannings",
        "Mes disponibilités",
        "Bulletins de salaire",
        "Attestations employeur (ex-ASSEDIC)",
        "Certificats de travail",
    ):
        assert label in page, label
    staff = world.client_for("staff").get(reverse("portal:dashboard")).content.decode()
    assert "À valider" in staff and "Fiche perso" not in staff
