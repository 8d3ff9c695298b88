"""Issue 9, the forms and pages as people use them (each test failed before its fix)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from benefits.forms import CooperatorForm, DependantForm, FamilyDocumentForm
from benefits.models import Cooperator
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import BenefitRequestFactory, CooperativeFactory, CooperatorFactory, catalogue, scan

pytestmark = pytest.mark.django_db


def _cooperator_data(**extra):
    return {
        "last_name": "Durand",
        "first_name": "Léa",
        "email": "lea@example.test",
        "entry_date": "2020-01-01",
        "weekly_hours": "35",
        **extra,
    }


def test_a_name_starting_with_a_formula_is_refused_at_input():
    form = CooperatorForm(_cooperator_data(last_name='=HYPERLINK("http://x")'))
    assert not form.is_valid() and "last_name" in form.errors


def test_overseas_phone_numbers_are_accepted_and_wrong_ones_refused():
    assert CooperatorForm(_cooperator_data(phone="0692 12 34 56")).is_valid()
    form = CooperatorForm(_cooperator_data(phone="12345"))
    assert not form.is_valid() and "phone" in form.errors


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    form = CooperatorForm(_cooperator_data(birth_date=tomorrow))
    assert not form.is_valid() and "birth_date" in form.errors


def test_the_relationship_radio_is_not_preselected_on_an_empty_choice():
    html = str(DependantForm()["relationship"])
    assert "checked" not in html and 'value=""' not in html


def test_the_family_document_form_checks_the_iban_for_a_rib_only():
    file = scan("livret.pdf")
    form = FamilyDocumentForm({"kind": "family_book", "iban": "FR12"}, {"file": file})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iban"] == ""
    form = FamilyDocumentForm({"kind": "bank_details", "iban": "FR12"}, {"file": scan("rib.pdf")})
    assert not form.is_valid() and "trop court" in form.errors["iban"][0]


def test_statistics_say_zero_in_the_singular_and_page_the_cooperators(client):
    catalogue()
    coop = CooperativeFactory()
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    sign_in(client, manager)
    html = client.get(reverse("benefits:statistics")).content.decode()
    assert "pour 0 demande payée." in html and 'fill="#000091"' not in html  # no chart without data
    for _index in range(55):
        BenefitRequestFactory(cooperator=CooperatorFactory(cooperative=coop), paid=True)
    html = client.get(reverse("benefits:statistics")).content.decode()
    assert 'fill="#000091"' in html  # the bars have a colour (they were black)
    assert "Coopérateurs 1 à 50 sur 55." in html and "?page=2" in html


def test_the_dashboard_count_of_requests_awaiting_approval_is_a_link(client):
    catalogue()
    coop = CooperativeFactory()
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    BenefitRequestFactory(cooperator=CooperatorFactory(cooperative=coop), awaiting=True)
    sign_in(client, manager)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert f'<a href="{reverse("benefits:request_list")}?accord=attente">1 demande attend' in html


def test_cooperators_sort_whatever_case_and_accents(client):
    coop = CooperativeFactory()
    for last_name in ("Zola", "émile", "Dupont", "ÉCLAIR", "dumas"):
        CooperatorFactory(cooperative=coop, last_name=last_name)
    assert [c.last_name for c in Cooperator.objects.filter(cooperative=coop)] == [
        "dumas",
        "Dupont",
        "ÉCLAIR",
        "émile",
        "Zola",
    ]


def test_every_export_cell_is_neutralised_with_labels_and_dates(client):
    from openpyxl import load_workbook

    catalogue()
    coop = CooperativeFactory()
    manager = member(Role.COOP_MANAGER, organisation=coop.organisation)
    CooperatorFactory(
        cooperative=coop, last_name="Martin", first_name="Léa", civility="mme", city="@SUM(1+1)", address="-2+3"
    )
    Cooperator.objects.filter(last_name="Martin").update(first_name='=HYPERLINK("http://evil")')
    sign_in(client, manager)
    response = client.get(reverse("benefits:export_cooperators"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width > 10
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, list(sheet[2]), strict=True))
    assert row["Prénom"].value == '\'=HYPERLINK("http://evil")' and row["Prénom"].data_type == "s"
    assert row["Commune"].value == "'@SUM(1+1)" and row["Adresse"].value == "'-2+3"
    assert row["Civilité"].value == "Madame"
    assert (
        isinstance(row["Date d'entrée"].value, datetime.datetime) and row["Date d'entrée"].number_format == "DD/MM/YYYY"
    )
    workbook.close()
