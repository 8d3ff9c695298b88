"""Mes données and erasure cover what every space holds (core.spaces export/anonymise hooks)."""

import io
import json
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from accounts.enums import Space
from accounts.services import gdpr
from benefits.models import BenefitRequest, Cooperator, Dependant, FamilyDocument
from core.models import Transition
from partners.models import ContactMessage, PreRegistration
from tests.accounts.factories import MembershipFactory
from tests.benefits.factories import BenefitRequestFactory, DependantFactory, cooperator_with_account
from tests.partners.factories import ContactMessageFactory, ConventionFactory, PreRegistrationFactory, partner_member

pytestmark = pytest.mark.django_db


def exported(user):
    with gdpr.user_data_zip(user) as archive, zipfile.ZipFile(io.BytesIO(archive.read())) as z:
        return json.loads(z.read("data.json"))


@pytest.fixture
def family():
    cooperator = cooperator_with_account(iban="FR7630006000011234567890189", city="Lyon", address="3 place du Marché")
    dependant = DependantFactory(cooperator=cooperator, first_name="Léo")
    paid = BenefitRequestFactory(cooperator=cooperator, dependant=dependant, paid=True, comment="Appel du 3 mars")
    document = FamilyDocument.objects.create(cooperator=cooperator, kind="rib", original_name="rib.pdf")
    document.file.save("rib.pdf", ContentFile(b"%PDF-1.4 rib"), save=True)
    Transition.objects.create(
        content_type=ContentType.objects.get_for_model(FamilyDocument),
        object_id=str(document.pk),
        to_state="pending",
        reason="RIB de Marie Durand",
    )
    return cooperator, dependant, paid, document


def test_the_zip_holds_the_cooperators_file_family_requests_documents_iban_and_address(family):
    cooperator, dependant, paid, document = family
    data = exported(cooperator.user)["spaces"]["benefits"]["families"][0]
    assert data["cooperator"]["iban"] == "FR7630006000011234567890189"
    assert data["cooperator"]["address"] == "3 place du Marché" and data["cooperator"]["city"] == "Lyon"
    assert data["cooperator"]["family_number"] == cooperator.family_number
    assert [d["first_name"] for d in data["dependants"]] == ["Léo"]
    assert data["requests"][0]["amount"] == "60.00" and data["requests"][0]["beneficiary"].startswith("Léo")
    assert data["requests"][0]["state_label"]
    assert data["family_documents"][0]["original_name"] == "rib.pdf" and "file" not in data["family_documents"][0]


def test_erasure_leaves_the_union_nothing_that_identifies_the_cooperator(family):
    cooperator, dependant, paid, document = family
    union_officer = MembershipFactory(
        role="union_officer", organisation=cooperator.cooperative.union, is_admin=True
    ).user
    erasure = gdpr.erasure_request_create(user=cooperator.user, space=Space.BENEFITS)
    erasure = gdpr.erasure_request_process(erasure=erasure, actor=union_officer, accept=True)

    row = Cooperator.objects.get(pk=cooperator.pk)
    assert {row.first_name, row.email, row.phone, row.address, row.postcode, row.city, row.iban} == {""}
    assert row.last_name == "Anonymisé" and row.birth_date is None
    assert cooperator.first_name not in json.dumps(list(Cooperator.objects.values()), default=str)
    kid = Dependant.objects.get(pk=dependant.pk)
    assert kid.first_name == "" and kid.birth_date.month == 1 and kid.birth_date.day == 1
    # Accounting records stay, without free text.
    kept = BenefitRequest.objects.get(pk=paid.pk)
    assert kept.amount == paid.amount and kept.comment == ""
    # Family documents go with their files and their history.
    assert not FamilyDocument.objects.filter(pk=document.pk).exists()
    assert not document.file.storage.exists(document.file.name)
    assert not Transition.objects.filter(reason__contains="Marie Durand").exists()
    assert "L123-22" in erasure.kept and erasure.whole_account


def test_partner_user_data_are_exported_and_anonymised():
    membership = partner_member(identifier="presta07", email="alix@asso.test")
    user = membership.user
    convention = ConventionFactory(partner=membership.organisation.partner, created_by=user)
    prereg = PreRegistrationFactory(admin_login="presta07", admin_email="alix@asso.test", validated=True)
    message = ContactMessageFactory(email="alix@asso.test", text="Je suis Alix, mon numéro est...")
    ContactMessageFactory(email="someone@else.test")

    data = exported(user)["spaces"]["partners"]
    assert [p["name"] for p in data["partners"]] == [membership.organisation.name]
    assert [c["code"] for c in data["conventions_entered"]] == [convention.code]
    assert [p["admin_login"] for p in data["preregistrations"]] == ["presta07"]
    assert [m["email"] for m in data["contact_messages"]] == ["alix@asso.test"]

    admin = MembershipFactory(role="partner_user", organisation=membership.organisation, is_admin=True).user
    erasure = gdpr.erasure_request_create(user=user, space=Space.PARTNERS)
    gdpr.erasure_request_process(erasure=erasure, actor=admin, accept=True)
    prereg.refresh_from_db()
    message.refresh_from_db()
    assert (prereg.admin_email, prereg.admin_first_name, prereg.admin_last_name) == ("", "", "")
    assert (message.email, message.text, message.last_name) == ("", "", "")
    assert ContactMessage.objects.filter(email="someone@else.test").exists()
    assert PreRegistration.objects.filter(pk=prereg.pk).exists()


def test_an_account_without_space_data_exports_no_space_section():
    user = MembershipFactory(role="temp_worker").user
    assert exported(user)["spaces"] == {}
