"""The public side of the partners space, as an attacker and as a person typing: the captcha comes first,
logins of other spaces are not revealed to robots, names are not cut, the footer's contact is the space's."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from partners.models import NewsArticle, Partner, PreRegistration
from tests.accounts.factories import MembershipFactory
from tests.utils.clients import sign_in

from .factories import FundFactory, NewsArticleFactory, PartnerTypeFactory, partner_member

pytestmark = pytest.mark.django_db

LONG_NAME = "Association d'aide à domicile du Pas-de-Calais et de la Somme"  # 61 characters


def _reach_form(client):
    client.post(reverse("partners:register"), {"accept": "on"})
    client.post(reverse("partners:register_convention"), {"known": "1"})


def _form_data(fund, **overrides):
    data = {
        "regime": fund.parent_id,
        "fund": fund.pk,
        "convention_code": "757300",
        "partner_type": PartnerTypeFactory().pk,
        "partner_name": "Association Ciel",
        "siret": "73282932000074",
        "phone": "0302010509",
        "postcode": "62000",
        "town": "Arras",
        "admin_last_name": "Durand",
        "admin_first_name": "Alix",
        "admin_login": "Alix7",
        "admin_email": "alix@example.test",
        "admin_phone": "06 12 34 56 78",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def test_a_wrong_captcha_reveals_nothing_about_logins(client):
    fund = FundFactory()
    User.objects.create_user("cooperateur1", "x")  # a login of another space
    _reach_form(client)
    response = client.post(
        reverse("partners:register_form"), _form_data(fund, admin_login="cooperateur1", captcha_1="FAILED")
    )
    errors = response.context["form"].errors
    assert "captcha" in errors and "admin_login" not in errors
    assert "déjà utilisé" not in response.text
    # With the captcha right, the person is told, with a free variant to take.
    response = client.post(reverse("partners:register_form"), _form_data(fund, admin_login="cooperateur1"))
    message = response.context["form"].errors["admin_login"][0]
    assert "déjà utilisé" in message and "« cooperateur12 »" in message
    assert not User.objects.filter(identifier__iexact="cooperateur12").exists()
    assert not PreRegistration.objects.exists()


def test_overseas_numbers_are_accepted_in_the_preregistration(client):
    fund = FundFactory()
    _reach_form(client)
    response = client.post(
        reverse("partners:register_form"), _form_data(fund, phone="0262 12 34 56", admin_phone="0692 12 34 56")
    )
    assert response.status_code == 302, response.context["form"].errors
    prereg = PreRegistration.objects.get()
    assert prereg.phone == "02 62 12 34 56" and prereg.admin_phone == "06 92 12 34 56"


def test_a_long_partner_name_is_kept_whole(client):
    fund = FundFactory()
    _reach_form(client)
    html = client.get(reverse("partners:register_form")).text
    assert 'maxlength="38"' not in html.split('name="partner_name"')[1].split(">")[0]
    client.post(reverse("partners:register_form"), _form_data(fund, partner_name=LONG_NAME))
    assert PreRegistration.objects.get().partner_name == LONG_NAME


def test_the_partner_admin_keeps_a_long_name_whole(client):
    owner = partner_member(is_admin=True)
    sign_in(client, owner.user)
    client.post(
        reverse("partners:admin_partner"),
        {"name": LONG_NAME, "siret": "73282932000074", "email": "p@example.test", "phone": "0590 12 34 56"},
    )
    partner = Partner.objects.get(organisation=owner.organisation)
    assert partner.name == LONG_NAME and partner.phone == "05 90 12 34 56"


def test_news_address_is_made_from_the_title(client):
    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    NewsArticleFactory(slug="parametres-financiers-2027")
    sign_in(client, national.user)
    data = {"title": "Paramètres financiers 2027", "body": "Texte", "published_at": "01/01/2026 10:00"}
    client.post(reverse("partners:national_actualites_edit"), {**data, "is_published": "on"})
    article = NewsArticle.objects.get(title="Paramètres financiers 2027")
    assert article.slug == "parametres-financiers-2027-2"
    assert client.get(reverse("partners:news_detail", args=[article.slug])).status_code == 200


@pytest.mark.parametrize("name", ["partners:home", "partners:news_list", "partners:register"])
def test_the_partners_footer_contact_is_the_space_contact_form(client, name):
    html = client.get(reverse(name)).text
    footer = html.split('class="site-footer"')[1]
    assert f'href="{reverse("partners:contact")}"' in footer
    assert f'href="{reverse("portal:contact")}"' not in footer


def test_the_partners_space_footer_contact_when_signed_in(client):
    owner = partner_member(is_admin=True)
    sign_in(client, owner.user)
    footer = client.get(reverse("partners:admin_partner")).text.split('class="site-footer"')[1]
    assert f'href="{reverse("partners:contact")}"' in footer


def test_an_email_of_another_account_is_refused_neutrally_after_the_captcha(client):
    fund = FundFactory()
    User.objects.create_user("quelquun", "x", email="Alix@Example.test")
    _reach_form(client)
    response = client.post(reverse("partners:register_form"), _form_data(fund, captcha_1="FAILED"))
    assert "admin_email" not in response.context["form"].errors
    response = client.post(reverse("partners:register_form"), _form_data(fund))
    message = response.context["form"].errors["admin_email"][0]
    assert "ne peut pas être utilisée" in message and "quelquun" not in response.text
    assert not PreRegistration.objects.exists()
