"""Mes coordonnées (directors read-only), the webmaster form and the queue's filters (issue 13)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundMessage
from habilitations.models import Profile, WebmasterMessage
from tests.utils.clients import sign_in

from .factories import AccessRequestFactory, ApplicationFactory, OrganismeOrgFactory, correspondent, organisme_user

pytestmark = pytest.mark.django_db

CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}
DETAILS = {
    "civility": "mme",
    "first_name": "Léa",
    "last_name": "Nouveau-Nom",
    "birth_name": "Ancien",
    "email": "lea@cpam.test",
    "contact_email": "lea.perso@exemple.test",
    "phone": "01 23 45 67 89",
}


def test_my_details_are_saved_and_a_taken_address_is_refused_on_its_field(client):
    membership = organisme_user(email="avant@cpam.test")
    organisme_user(email="pris@cpam.test")
    sign_in(client, membership.user)
    taken = client.post(reverse("habilitations:my_details"), {**DETAILS, "email": "pris@cpam.test"})
    page = taken.content.decode()
    assert "Cette adresse est déjà celle d’un autre compte." in page and "Nouveau-Nom" in page  # nothing lost
    client.post(reverse("habilitations:my_details"), DETAILS)
    membership.user.refresh_from_db()
    assert (membership.user.last_name, membership.user.email) == ("Nouveau-Nom", "lea@cpam.test")
    assert Profile.objects.get(user=membership.user).contact_email == "lea.perso@exemple.test"


def test_a_director_s_details_are_read_only_and_say_where_to_update_them(client):
    membership = organisme_user(last_name="Directrice")
    Profile.objects.create(user=membership.user, is_director=True)
    sign_in(client, membership.user)
    page = client.get(reverse("habilitations:my_details")).content.decode()
    assert "Référentiel des Agents de Direction" in page and "disabled" in page
    client.post(reverse("habilitations:my_details"), DETAILS)
    membership.user.refresh_from_db()
    assert membership.user.last_name == "Directrice"


def test_the_webmaster_form_needs_a_captcha_when_anonymous_and_tells_the_webmaster(client, settings):
    settings.HABILITATIONS_WEBMASTER_EMAIL = "webmestre@ucanss.test"
    url = reverse("habilitations:contact")
    message = {"name": "Léa Martin", "email": "lea@exemple.test", "subject": "Lien cassé", "text": "La FAQ…"}
    refused = client.post(url, message)
    assert refused.status_code == 200 and not WebmasterMessage.objects.exists()
    assert client.post(url, {**message, **CAPTCHA}).status_code == 302
    assert WebmasterMessage.objects.get().subject == "Lien cassé"
    assert OutboundMessage.objects.filter(recipient="webmestre@ucanss.test").exists()
    footer = client.get(reverse("habilitations:faq")).content.decode()
    assert f'href="{url}"' in footer and reverse("habilitations:faq") in footer


def test_the_queue_filters_by_application_organisme_and_age(client):
    validator = correspondent(OrganismeOrgFactory(code="751000", name="CPAM de Paris"))
    greve, elections = ApplicationFactory(name="Grève"), ApplicationFactory(name="Élections")
    old = AccessRequestFactory(organisme=validator.organisation, application=greve, days_ago=8)
    new = AccessRequestFactory(organisme=validator.organisation, application=elections, days_ago=1)
    sign_in(client, validator.user)
    url = reverse("habilitations:queue")

    def shown(**params):
        html = client.get(url, params).content.decode()
        return {r.pk for r in (old, new) if reverse("habilitations:access_request_detail", args=[r.pk]) in html}

    assert shown() == {old.pk, new.pk}
    assert shown(application=greve.pk) == {old.pk}
    assert shown(age="7") == {old.pk}
    assert shown(organisme="7510") == {old.pk, new.pk}
    assert shown(organisme="paris") == {old.pk, new.pk}
    assert shown(organisme="Lyon") == set()
    assert "jours" in client.get(url).content.decode()  # the days left before tacit acceptance
    assert old.days_left(timezone.now() + timedelta(days=1)) == 1


def test_the_organisme_is_found_by_code_suggestion_or_full_name():
    from habilitations.forms import OrganismeChoiceField

    lyon = OrganismeOrgFactory(code="691000", name="CPAM de Lyon")
    OrganismeOrgFactory(code="692000", name="CAF de Lyon")
    field = OrganismeChoiceField()
    assert field.clean("691000") == lyon
    assert field.clean("691000 · CPAM de Lyon") == lyon
    assert field.clean("  cpam  de lyon ") == lyon
    for wrong in ("Lyon", "999999", "CPAM"):
        with pytest.raises(ValidationError) as error:
            field.clean(wrong)
        assert error.value.messages == ["Choisissez un organisme de la liste."]
    html = field.widget.render("organisme", field.prepare_value(lyon), {"id": "id_organisme"})
    assert 'list="id_organisme-liste"' in html and '<option value="692000 · CAF de Lyon">' in html
    assert 'value="691000 · CPAM de Lyon"' in html


def test_central_admins_see_each_organisme_s_correspondents_and_pending_requests_counted_once(client):
    from .factories import AccountRequestFactory, ucanss_admin

    cpam = OrganismeOrgFactory(name="CPAM de Lille")
    first = correspondent(cpam, first_name="Anne", last_name="Alpha")
    correspondent(cpam, first_name="Bruno", last_name="Bravo")
    organisme_user(cpam)
    orphan = OrganismeOrgFactory(name="Urssaf de Lille")
    AccountRequestFactory.create_batch(3, organisme=cpam)
    AccountRequestFactory(organisme=orphan)
    admin = ucanss_admin()
    sign_in(client, admin.user)
    url = reverse("habilitations:admin_organismes")
    html = client.get(url).content.decode()
    row = html.split("CPAM de Lille", 1)[1].split("</tr>", 1)[0]
    assert "Anne Alpha, Bruno Bravo" in row and "<td>3</td>" in row
    orphan_row = html.split("Urssaf de Lille", 1)[1].split("</tr>", 1)[0]
    assert "aucun" in orphan_row and "<td>1</td>" in orphan_row
    assert first.user.get_full_name() == "Anne Alpha"
