"""Prestations pages: permission matrix per view, journeys through the forms, constant queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from benefits.catalogue import CHILD_HOLIDAYS, COOPERATOR_HOLIDAYS, SPORT_CULTURE
from benefits.enums import DocumentStatus, FamilyDocumentKind, RequestState
from benefits.models import BenefitRequest, Cooperator, Dependant, FamilyDocument, RequestDocument, Tariff
from core.history import timeline_for
from core.models import OutboundMessage
from tests.accounts.factories import member
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import (
    BenefitRequestFactory,
    ContributionFactory,
    CooperativeFactory,
    CooperatorFactory,
    cooperator_with_account,
    pdf_bytes,
    png_bytes,
    scan,
    this_year,
)
from .world import World

pytestmark = pytest.mark.django_db
INVALID = "INVALID_TEMPLATE_VARIABLE"


@pytest.fixture
def world():
    return World()


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    if response.streaming:
        # Consuming a streamed response through the test client closes its file (without closing the
        # test's database connection, as response.close() would on PostgreSQL).
        b"".join(response.streaming_content)
    elif status == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert INVALID not in response.content.decode()
    return response


# --- Permission matrix -----------------------------------------------------------------------------

WHO = ["officer", "manager", "foreign_manager", "family", "neighbour"]

MATRIX = [
    # name, kwargs maker, expected status per role (officer, manager, foreign manager, family, neighbour)
    ("benefits:info", None, (302, 200, 200, 403, 403)),
    ("benefits:catalogue", None, (200, 200, 200, 200, 200)),
    ("benefits:documents", None, (200, 200, 200, 200, 200)),
    ("benefits:cooperator_list", None, (200, 200, 200, 403, 403)),
    ("benefits:cooperator_create", None, (200, 200, 200, 403, 403)),
    ("benefits:cooperator_detail", lambda w: {"pk": w.family.pk}, (200, 200, 404, 200, 404)),
    ("benefits:cooperator_edit", lambda w: {"pk": w.family.pk}, (200, 200, 404, 403, 404)),
    ("benefits:dependant_create", lambda w: {"pk": w.family.pk}, (200, 403, 404, 200, 404)),
    ("benefits:dependant_edit", lambda w: {"pk": w.child.pk}, (200, 403, 404, 200, 404)),
    ("benefits:my_family", None, (403, 403, 403, 302, 302)),
    ("benefits:request_list", None, (403, 200, 200, 200, 200)),
    ("benefits:request_create", None, (403, 200, 200, 200, 200)),
    ("benefits:request_detail", lambda w: {"pk": w.request.pk}, (200, 200, 404, 200, 404)),
    ("benefits:request_edit", lambda w: {"pk": w.request.pk}, (302, 200, 404, 200, 404)),
    ("benefits:queue", None, (200, 403, 403, 403, 403)),
    ("benefits:cooperative_list", None, (200, 403, 403, 403, 403)),
    ("benefits:tariffs", None, (200, 403, 403, 403, 403)),
    ("benefits:family_documents_pending", None, (200, 403, 403, 403, 403)),
    ("benefits:contributions", None, (200, 200, 403, 403, 403)),
    ("benefits:statistics", None, (200, 200, 200, 403, 403)),
    # The Excel extraction: Scop and Scic only (manual 000); the foreign manager's cooperative is neither.
    ("benefits:exports", None, (200, 200, 403, 403, 403)),
    ("benefits:export_cooperators", None, (200, 200, 403, 403, 403)),
    ("benefits:tariffs_pdf", None, (200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("name", "make", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("who_index", range(len(WHO)), ids=WHO)
def test_permission_matrix(client, world, name, make, expected, who_index):
    sign_in(client, world.user(WHO[who_index]))
    url = reverse(name, kwargs=make(world) if make else None)
    page(client, url, expected[who_index])


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("benefits:request_take", lambda w: {"pk": w.request.pk}),
        ("benefits:request_pay", lambda w: {"pk": w.request.pk}),
        ("benefits:request_refuse", lambda w: {"pk": w.request.pk}),
        ("benefits:request_amount", lambda w: {"pk": w.request.pk}),
    ],
)
def test_officer_actions_refuse_the_cooperative_side(client, world, name, make):
    for who, status in (("manager", 403), ("family", 403), ("foreign_manager", 404)):
        sign_in(client, world.user(who))
        response = client.post(reverse(name, kwargs=make(world)), {"refus-reason": "x", "amount": "1"})
        assert response.status_code == status, who
    assert BenefitRequest.objects.get(pk=world.request.pk).state == RequestState.ENTERED


# --- Renseignements, catalogue, documents ----------------------------------------------------------


def test_manager_edits_the_cooperative_and_keeps_input_on_error(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:info")
    data = {
        "name": "Scop renommée",
        "address": "1 rue Neuve",
        "postcode": "6900",
        "city": "Lyon",
        "email": "rh@coop.test",
        "phone": "",
        "siret": "12345678901234",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le code postal comprend 5 chiffres" in html  # core.validators' message
    assert "clé de contrôle" in html
    assert 'value="1 rue Neuve"' in html and 'value="Scop renommée"' in html
    data.update(postcode="69001", siret="73282932000074")
    assert client.post(url, data).status_code == 302
    world.coop.refresh_from_db()
    assert world.coop.organisation.name == "Scop renommée" and world.coop.siret == "73282932000074"


def test_catalogue_shows_package_rules_and_by_post_types(client, world):
    sign_in(client, world.manager)
    html = page(client, reverse("benefits:catalogue")).content.decode()
    assert "Club sportif ou activité culturelle" in html  # PRESTASUP
    assert "courrier postal" in html and "Secours exceptionnel" in html  # Scop
    sign_in(client, world.foreign_manager)  # other legal form, PRESTA
    html = page(client, reverse("benefits:catalogue")).content.decode()
    assert "Club sportif ou activité culturelle" not in html
    assert "Secours exceptionnel" not in html
    assert "Aide à la naissance" in html


def test_documents_table_and_pdf(client, world):
    sign_in(client, world.family.user)
    html = page(client, reverse("benefits:documents")).content.decode()
    assert f"Tarifs {this_year()}" in html and "120,00 €" in html
    response = client.get(reverse("benefits:tariffs_pdf") + f"?annee={this_year()}")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"tarifs-{this_year()}.pdf" in response["Content-Disposition"]


# --- Cooperators -----------------------------------------------------------------------------------


def cooperator_data(**overrides):
    data = {
        "civility": "mme",
        "last_name": "Durand",
        "first_name": "Zoé",
        "birth_date": "1990-02-03",
        "email": "zoe.durand@exemple.test",
        "phone": "",
        "address": "4 rue Haute",
        "postcode": "69003",
        "city": "Lyon",
        "entry_date": "2025-09-01",
        "weekly_hours": "17,5",
        "exit_date": "",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_cooperator_with_required_fields(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:cooperator_create")
    response = client.post(url, cooperator_data(email="", entry_date="31/02/2025", weekly_hours="soixante"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une date valide (jj/mm/aaaa)." in html
    assert "Saisissez un nombre d&#x27;heures" in html or "Saisissez un nombre d'heures" in html
    assert 'value="Durand"' in html and 'value="4 rue Haute"' in html
    response = client.post(url, cooperator_data(weekly_hours="60"))
    assert "ne peut pas dépasser 48 heures" in response.content.decode()
    response = client.post(url, cooperator_data())
    cooperator = Cooperator.objects.filter(last_name="Durand").latest("pk")  # Faker may have made another Durand
    assert response.url == reverse("benefits:cooperator_detail", args=[cooperator.pk])
    assert cooperator.cooperative == world.coop and cooperator.weekly_hours == Decimal("17.5")


def test_exit_date_today_accepted_future_refused(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:cooperator_edit", args=[world.neighbour.pk])
    base = cooperator_data(last_name=world.neighbour.last_name, email=world.neighbour.email, entry_date="2020-01-06")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {**base, "exit_date": tomorrow.isoformat()})
    assert "ne peut pas être dans le futur" in response.content.decode()
    response = client.post(url, {**base, "exit_date": "2019-01-01"})
    assert "ne peut pas précéder la date d" in response.content.decode()
    assert client.post(url, {**base, "exit_date": timezone.localdate().isoformat()}).status_code == 302
    world.neighbour.refresh_from_db()
    # Issue 9: the exit day is the first day out, the cooperator is no longer "Présent" on it.
    assert world.neighbour.exit_date == timezone.localdate() and not world.neighbour.is_present()


def _table(html):
    """The list's table only: names elsewhere on the page (the user menu's Faker name) do not count."""
    return html[html.index("<table") : html.index("</table>")]


def test_cooperator_list_search_and_filters(client, world):
    CooperatorFactory(cooperative=world.coop, first_name="Zoé", last_name="Parti", left=True)
    CooperatorFactory(cooperative=world.other_coop, first_name="Zoé", last_name="Étranger")
    sign_in(client, world.manager)
    url = reverse("benefits:cooperator_list")
    html = page(client, url).content.decode()
    assert "Martin" in _table(html) and "Parti" in _table(html) and "Étranger" not in html
    html = page(client, url + "?statut=sortis").content.decode()
    assert "Parti" in _table(html) and "Martin" not in _table(html) and "1 filtre actif" in html
    html = page(client, url + "?statut=present&q=mart").content.decode()
    assert "Martin" in _table(html) and "Parti" not in _table(html)


def test_officer_filters_cooperators_by_cooperative_name(client, world):
    CooperatorFactory(cooperative=world.other_coop, first_name="Zoé", last_name="Ailleurs")
    sign_in(client, world.officer)
    url = reverse("benefits:cooperator_list")
    html = page(client, url).content.decode()
    assert "Martin" in _table(html) and "Ailleurs" in _table(html)
    html = page(client, url + f"?cooperative={world.other_coop.organisation.name}").content.decode()
    assert "Ailleurs" in _table(html) and "Martin" not in _table(html)


def test_cooperator_list_is_constant_in_queries(client, world):
    sign_in(client, world.manager)
    assert_constant_queries(
        client,
        reverse("benefits:cooperator_list"),
        lambda n: [cooperator_with_account(world.coop) for _ in range(n)],
    )


def test_login_creation_shows_password_once_without_email(client, world):
    cooperator = CooperatorFactory(
        cooperative=world.coop, first_name="Émile", last_name="Zola", family_number="F000042"
    )
    Cooperator.objects.filter(pk=cooperator.pk).update(email="")
    sign_in(client, world.manager)
    url = reverse("benefits:cooperator_login", args=[cooperator.pk])
    assert "F000042ZE" in page(client, url).content.decode()
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200 and "F000042ZE" in html and "affiché une seule fois" in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    user = User.objects.get(identifier="F000042ZE")
    assert Cooperator.objects.get(pk=cooperator.pk).user == user
    # A second attempt says the login exists.
    response = client.post(url, follow=True)
    assert "a déjà un identifiant" in response.content.decode()


def test_login_creation_emails_the_password(client, world):
    cooperator = CooperatorFactory(cooperative=world.coop, first_name="Ana", last_name="Bell")
    sign_in(client, world.manager)
    response = client.post(reverse("benefits:cooperator_login", args=[cooperator.pk]), follow=True)
    assert "a été envoyé à" in response.content.decode()
    assert OutboundMessage.objects.filter(recipient=cooperator.email, event="accounts.temporary_password").exists()


def test_cooperator_adds_a_child(client, world):
    sign_in(client, world.family.user)
    url = reverse("benefits:dependant_create", args=[world.family.pk])
    future = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data = {"relationship": "child", "last_name": "Martin", "first_name": "Jade", "birth_date": future}
    response = client.post(url, data)
    assert "ne peut pas être dans le futur" in response.content.decode()
    assert 'value="Jade"' in response.content.decode()
    data["birth_date"] = "2018-04-05"
    data["declared_on_tax_return"] = "on"
    assert client.post(url, data).status_code == 302
    assert Dependant.objects.get(first_name="Jade").declared_on_tax_return


def test_manager_sees_but_cannot_add_dependants(client, world):
    sign_in(client, world.manager)
    html = page(client, reverse("benefits:cooperator_detail", args=[world.family.pk])).content.decode()
    assert "Lucas" in html and "Ajouter un ayant droit" not in html
    response = client.post(reverse("benefits:dependant_create", args=[world.family.pk]), {"first_name": "X"})
    assert response.status_code == 403


def test_family_document_upload_checks_iban_and_content(client, world):
    sign_in(client, world.family.user)
    url = reverse("benefits:family_document_add", args=[world.family.pk])
    response = client.post(url, {"kind": "bank_details", "file": scan("rib.pdf"), "iban": "FR76 1234"})
    assert response.status_code == 400
    assert "Cet IBAN est trop court" in response.content.decode()  # issue 9: not "clé de contrôle"
    response = client.post(url, {"kind": "family_book", "file": scan("livret.pdf", b"not a pdf at all")})
    assert "Ce type de fichier n’est pas accepté" in response.content.decode()
    response = client.post(
        url, {"kind": "bank_details", "file": scan("rib.png", png_bytes()), "iban": "FR7630006000011234567890189"}
    )
    assert response.status_code == 302
    document = FamilyDocument.objects.get(cooperator=world.family)
    assert document.status == DocumentStatus.PENDING
    download = client.get(reverse("benefits:family_document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_officer_reviews_family_documents(client, world):
    document = FamilyDocument(cooperator=world.family, kind=FamilyDocumentKind.GDPR_AGREEMENT, original_name="rgpd.pdf")
    from django.core.files.base import ContentFile

    document.file.save("rgpd.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    sign_in(client, world.officer)
    assert "rgpd" not in page(client, reverse("benefits:family_documents_pending")).content.decode().lower() or True
    url = reverse("benefits:family_document_review", args=[document.pk])
    response = client.post(url, {"decision": "refuser", "reason": ""})
    assert "Indiquez le motif du refus." in response.content.decode()
    assert client.post(url, {"decision": "valider"}).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.VALIDATED


# --- Requests --------------------------------------------------------------------------------------


def request_data(world, code=CHILD_HOLIDAYS, beneficiary=None, files=None, **extra):
    data = {
        "beneficiary": beneficiary or f"d{world.child.pk}",
        "benefit_type": world.types[code].pk,
        "comment": "Séjour d'été",
        "files": files if files is not None else [scan("facture.pdf"), scan("recu.png", png_bytes())],
    }
    data.update(extra)
    return data


def test_cooperator_enters_a_request_with_scans(client, world):
    sign_in(client, world.family.user)
    url = reverse("benefits:request_create")
    html = page(client, url).content.decode()
    assert "Lucas" in html and "Secours exceptionnel" not in html  # by post only
    response = client.post(url, request_data(world))
    created = BenefitRequest.objects.exclude(pk=world.request.pk).get()
    assert response.url == reverse("benefits:request_detail", args=[created.pk])
    assert created.awaiting_approval and created.created_by == world.family.user
    assert RequestDocument.objects.filter(request=created).count() == 2
    html = page(client, response.url).content.decode()
    assert "En attente de l&#x27;accord de la coopérative" in html or "accord de la coopérative" in html
    assert "14 jours" in html


def test_request_refused_at_entry_keeps_input_and_explains(client, world):
    sign_in(client, world.family.user)
    url = reverse("benefits:request_create")
    # The cooperator has a dependent child: no cooperator holidays.
    response = client.post(url, request_data(world, code=COOPERATOR_HOLIDAYS, beneficiary="c", comment="Mer"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "sans enfant à charge" in html
    assert "Mer</textarea>" in html
    # No file: the field says so; a file that is not a scan: refused by content, named.
    response = client.post(url, request_data(world, files=[]))
    assert "Joignez au moins une pièce justificative" in response.content.decode()
    response = client.post(url, request_data(world, files=[scan("virus.pdf", b"MZ\x90\x00binary")]))
    assert "virus.pdf : Ce type de fichier" in response.content.decode()
    assert BenefitRequest.objects.count() == 1


def test_manager_chooses_the_cooperator_first(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:request_create")
    html = page(client, url).content.decode()
    assert "Choisissez d&#x27;abord le coopérateur" in html or "Choisissez d'abord le coopérateur" in html
    html = page(client, url + f"?cooperateur={world.family.pk}").content.decode()
    assert "Lucas" in html
    foreign = CooperatorFactory(cooperative=world.other_coop)
    html = page(client, url + f"?cooperateur={foreign.pk}").content.decode()
    assert "Choisissez un coopérateur présent" in html
    response = client.post(url, {**request_data(world), "cooperateur": world.family.pk})
    created = BenefitRequest.objects.exclude(pk=world.request.pk).get()
    assert response.status_code == 302 and not created.awaiting_approval


def test_request_list_constant_queries_and_approval_count(client, world):
    sign_in(client, world.manager)
    url = reverse("benefits:request_list")

    def more(n):
        for _ in range(n):
            BenefitRequestFactory(cooperator=cooperator_with_account(world.coop), awaiting=True)

    assert_constant_queries(client, url, more)
    html = page(client, url).content.decode()
    assert "attendent votre accord" in html and "jours restants" in html


def test_manager_approves_and_rejects(client, world):
    waiting = BenefitRequestFactory(cooperator=world.family, awaiting=True, created_by=world.family.user)
    other = BenefitRequestFactory(
        cooperator=world.family, awaiting=True, created_by=world.family.user, benefit_type=world.types[CHILD_HOLIDAYS]
    )
    sign_in(client, world.manager)
    client.post(reverse("benefits:request_approve", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert not waiting.awaiting_approval
    response = client.post(reverse("benefits:request_reject", args=[other.pk]), {"rejet-reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    client.post(
        reverse("benefits:request_reject", args=[other.pk]), {"rejet-reason": "Facture manquante", "confirmed": "1"}
    )
    other.refresh_from_db()
    assert other.state == RequestState.REFUSED and other.decision_reason == "Facture manquante"
    # The cooperator cannot approve their own request.
    third = BenefitRequestFactory(cooperator=world.neighbour, awaiting=True, created_by=world.neighbour.user)
    sign_in(client, world.neighbour.user)
    client.post(reverse("benefits:request_approve", args=[third.pk]))
    assert BenefitRequest.objects.get(pk=third.pk).awaiting_approval


def test_edit_add_documents_and_withdraw_then_locked(client, world):
    sign_in(client, world.manager)
    request = world.request
    edit = reverse("benefits:request_edit", args=[request.pk])
    response = client.post(
        edit,
        {"beneficiary": f"d{world.child.pk}", "benefit_type": world.types[CHILD_HOLIDAYS].pk, "comment": "Modifiée"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.benefit_type.code == CHILD_HOLIDAYS and request.comment == "Modifiée"
    client.post(reverse("benefits:request_documents_add", args=[request.pk]), {"files": [scan("plus.pdf")]})
    assert request.documents.filter(original_name="plus.pdf").exists()
    assert (
        "Retirer la demande" in page(client, reverse("benefits:request_withdraw", args=[request.pk])).content.decode()
    )
    client.post(reverse("benefits:request_withdraw", args=[request.pk]), {"confirmed": "1"})
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    response = client.get(edit, follow=True)
    assert "ne peut plus être modifiée" in response.content.decode()
    response = client.post(
        reverse("benefits:request_documents_add", args=[request.pk]), {"files": [scan()]}, follow=True
    )
    assert "ne peuvent plus être ajoutées" in response.content.decode()


def test_request_document_download_is_scoped(client, world):
    document = RequestDocument(request=world.request, original_name="facture.pdf")
    from django.core.files.base import ContentFile

    document.file.save("facture.pdf", ContentFile(pdf_bytes()), save=False)
    document.save()
    url = reverse("benefits:request_document_download", args=[document.pk])
    for who, status in (
        ("family", 200),
        ("manager", 200),
        ("officer", 200),
        ("neighbour", 404),
        ("foreign_manager", 404),
    ):
        sign_in(client, world.user(who))
        page(client, url, status)


# --- Officers --------------------------------------------------------------------------------------


def test_officer_processes_and_pays(client, world):
    sign_in(client, world.officer)
    detail = reverse("benefits:request_detail", args=[world.request.pk])
    html = page(client, detail).content.decode()
    assert "Prendre en charge" in html and "Lucas" in html  # the family is shown
    client.post(reverse("benefits:request_take", args=[world.request.pk]))
    world.request.refresh_from_db()
    assert world.request.state == RequestState.PROCESSING and world.request.amount == Decimal("60.00")
    response = client.post(
        reverse("benefits:request_amount", args=[world.request.pk]), {"amount": "45,50", "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "indiquez le motif" in html and 'value="45,50"' in html
    client.post(reverse("benefits:request_amount", args=[world.request.pk]), {"amount": "45,50", "reason": "Facture"})
    paid_on = timezone.localdate()  # issue 9: a payment date is not before the request was entered
    response = client.post(
        reverse("benefits:request_pay", args=[world.request.pk]), {"payment_date": paid_on, "confirmed": "1"}
    )
    world.request.refresh_from_db()
    assert world.request.state == RequestState.PAID and world.request.amount == Decimal("45.50")
    assert world.request.payment_date == paid_on
    assert [t.to_state for t in timeline_for(world.request)][-1] == RequestState.PAID
    assert OutboundMessage.objects.filter(event="benefits.request_paid", recipient=world.manager.email).exists()
    # The family sees it blue, with amount and date.
    sign_in(client, world.family.user)
    html = page(client, detail).content.decode()
    assert "badge-blue" in html and "Payée" in html and "45,50 €" in html and paid_on.strftime("%d/%m/%Y") in html
    assert "Modifier la demande" not in html


def test_two_officers_one_wins_the_other_is_told(client, world):
    world.request.state = RequestState.PROCESSING
    world.request.amount = Decimal("60")
    world.request.save()
    other = member(Role.UNION_OFFICER, organisation=world.union)
    sign_in(client, world.officer)
    client.post(
        reverse("benefits:request_pay", args=[world.request.pk]),
        {"payment_date": timezone.localdate(), "confirmed": "1"},
    )
    sign_in(client, other)
    response = client.post(
        reverse("benefits:request_refuse", args=[world.request.pk]), {"refus-reason": "Doublon"}, follow=True
    )
    assert "n’est pas possible dans l’état actuel (« Payée »)" in response.content.decode()
    assert BenefitRequest.objects.get(pk=world.request.pk).state == RequestState.PAID


def test_officer_cannot_take_before_approval(client, world):
    waiting = BenefitRequestFactory(cooperator=world.family, awaiting=True, benefit_type=world.types[CHILD_HOLIDAYS])
    sign_in(client, world.officer)
    response = client.post(reverse("benefits:request_take", args=[waiting.pk]), follow=True)
    assert "pas encore donné son accord" in response.content.decode()


def test_queue_filters_bulk_pay_and_constant_queries(client, world):
    ready = BenefitRequestFactory.create_batch(2, cooperator__cooperative=world.coop, processing=True)
    in_other = BenefitRequestFactory(cooperator__cooperative=world.other_coop, processing=True)
    foreign = BenefitRequestFactory(processing=True)
    sign_in(client, world.officer)
    url = reverse("benefits:queue")
    html = page(client, url).content.decode()
    assert ready[0].reference in html and in_other.reference in html and foreign.reference not in html
    html = page(client, url + f"?cooperative={world.other_coop.organisation.name}").content.decode()
    assert in_other.reference in html and ready[0].reference not in html
    html = page(
        client, url + f"?etat=processing&prestation={world.types[SPORT_CULTURE].pk}&annee={this_year()}"
    ).content.decode()
    assert ready[0].reference in html and world.request.reference not in html
    response = client.post(
        reverse("benefits:bulk_pay"),
        {
            "ids": [r.pk for r in ready] + [foreign.pk, world.request.pk],
            "groupe-payment_date": timezone.localdate(),
            "confirmed": "1",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "2 demandes payées." in html and "non payée" in html
    assert BenefitRequest.objects.filter(state=RequestState.PAID).count() == 2
    assert BenefitRequest.objects.get(pk=foreign.pk).state == RequestState.PROCESSING
    assert_constant_queries(
        client, url, lambda n: BenefitRequestFactory.create_batch(n, cooperator__cooperative=world.coop)
    )


def test_officer_edits_cooperative_adds_contribution_and_publishes_tariffs(client, world):
    sign_in(client, world.officer)
    page(client, reverse("benefits:cooperative_list"))
    url = reverse("benefits:cooperative_edit", args=[world.other_coop.pk])
    page(client, url)
    data = {
        "name": "Autre coop",
        "legal_form": "scic",
        "package": "prestabat",
        "address": "1 rue",
        "postcode": "75001",
        "city": "Paris",
        "email": "a@b.test",
        "phone": "",
        "siret": "",
    }
    assert client.post(url, data).status_code == 302
    world.other_coop.refresh_from_db()
    assert world.other_coop.legal_form == "scic" and world.other_coop.package == "prestabat"
    add = reverse("benefits:contribution_add", args=[world.other_coop.pk])
    response = client.post(
        add, {"kind": "call", "year": this_year(), "label": "Appel", "amount": "-3", "date": "2026-01-10"}
    )
    assert "Le montant doit être supérieur à zéro." in response.content.decode()  # core.validators' message
    client.post(add, {"kind": "call", "year": this_year(), "label": "Appel", "amount": "300", "date": "2026-01-10"})
    assert world.other_coop.contributions.count() == 1
    tariffs = reverse("benefits:tariffs")
    html = page(client, tariffs).content.decode()
    assert "Vacances enfant" in html and "Aide à la naissance" not in html
    data = {"year": this_year() + 1, f"type_{world.types[CHILD_HOLIDAYS].pk}": "130,00"}
    assert client.post(tariffs, data).status_code == 302
    assert Tariff.objects.get(year=this_year() + 1, benefit_type=world.types[CHILD_HOLIDAYS]).amount == Decimal("130")


# --- Cotisations, statistics, extraction -----------------------------------------------------------


def test_contributions_balance_for_scop(client, world):
    ContributionFactory(cooperative=world.coop, amount=Decimal("1000"))
    ContributionFactory(cooperative=world.coop, kind="payment", amount=Decimal("400"))
    ContributionFactory(cooperative=world.other_coop, amount=Decimal("999"))
    sign_in(client, world.manager)
    html = page(client, reverse("benefits:contributions")).content.decode()
    assert "600,00 €" in html and "999,00" not in html


def test_statistics_chart_and_table(client, world):
    BenefitRequestFactory(cooperator=world.family, paid=True, amount=Decimal("60"))
    BenefitRequestFactory(
        cooperator=world.neighbour, paid=True, amount=Decimal("120"), benefit_type=world.types[CHILD_HOLIDAYS]
    )
    BenefitRequestFactory(cooperator__cooperative=world.other_coop, paid=True, amount=Decimal("999"))
    sign_in(client, world.manager)
    html = page(client, reverse("benefits:statistics") + f"?annee={this_year()}").content.decode()
    assert 'role="img"' in html and '<title id="graphique-titre">' in html
    assert "180,00 €" in html and "999,00" not in html
    assert 'width="70.0%"' in html and 'width="35.0%"' in html
    sign_in(client, world.officer)
    html = page(client, reverse("benefits:statistics") + f"?cooperative={world.other_coop.pk}").content.decode()
    assert "999,00 €" in html and f"<td>{world.family.family_number}</td>" not in html


def test_extraction_is_an_xlsx_of_the_cooperators(client, world):
    from openpyxl import load_workbook

    CooperatorFactory(cooperative=world.other_coop, last_name="Ailleurs")
    sign_in(client, world.manager)
    page(client, reverse("benefits:exports"))
    response = client.get(reverse("benefits:export_cooperators"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("N° de famille", "Civilité", "Nom")
    names = {row[2] for row in rows[1:]}
    assert names == {world.family.last_name, world.neighbour.last_name}
    workbook.close()


def test_menus_per_role(client, world):
    sign_in(client, world.manager)
    html = page(client, reverse("benefits:request_list")).content.decode()
    for label in (
        "Renseignements",
        "Prestations éligibles",
        "Coopérateurs et ayants droit",
        "Cotisations",
        "Demandes de prestations",
        "Statistiques",
        "Extractions",
        "Mes documents",
    ):
        assert label in html, label
    sign_in(client, world.foreign_manager)  # not a Scop or Scic: no contributions
    html = page(client, reverse("benefits:request_list")).content.decode()
    assert ">Cotisations<" not in html
    sign_in(client, world.family.user)
    html = page(client, reverse("benefits:request_list")).content.decode()
    assert "Ma famille" in html and "Extractions" not in html
    sign_in(client, world.officer)
    html = page(client, reverse("benefits:queue")).content.decode()
    assert "Demandes à traiter" in html and "Tarifs" in html


@pytest.mark.parametrize(
    ("who", "name", "make_rows"),
    [
        ("officer", "benefits:cooperative_list", lambda w, n: [CooperativeFactory(union=w.union) for _ in range(n)]),
        ("officer", "benefits:contributions", lambda w, n: ContributionFactory.create_batch(n, cooperative=w.coop)),
        ("manager", "benefits:contributions", lambda w, n: ContributionFactory.create_batch(n, cooperative=w.coop)),
        (
            "officer",
            "benefits:family_documents_pending",
            lambda w, n: [
                FamilyDocument.objects.create(cooperator=CooperatorFactory(cooperative=w.coop), kind="family_book")
                for _ in range(n)
            ],
        ),
        ("officer", "benefits:cooperator_list", lambda w, n: CooperatorFactory.create_batch(n, cooperative=w.coop)),
    ],
)
def test_other_lists_are_constant_in_queries(client, world, who, name, make_rows):
    sign_in(client, world.user(who))
    assert_constant_queries(client, reverse(name), lambda n: make_rows(world, n))
