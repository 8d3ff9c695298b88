"""My requests and rights, the validators' queue and an access request's page are kept (core/fragments.py)
until what they show changes: each change shows on the next GET (guardian grants and the day included:
the days left before tacit acceptance are calendar days), a form with errors is never kept, and two
users never get each other's copy."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from habilitations import selectors, services
from habilitations.models import Application
from tests.utils.clients import sign_in
from tests.utils.clock import PARIS
from tests.utils.queries import kept_page

from .factories import (
    AccessRequestFactory,
    ApplicationFactory,
    OrganismeOrgFactory,
    app_manager,
    correspondent,
    organisme_user,
)

pytestmark = pytest.mark.django_db


def _page(client, url, params=None):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(html, *access_requests):
    """The requests of `access_requests` the queue lists (by their links: the filter names every application)."""
    return {r.pk for r in access_requests if f'href="{r.get_absolute_url()}"' in html}


def test_my_rights_shows_each_change_on_the_next_get(client):
    organisation = OrganismeOrgFactory()
    validator = correspondent(organisation, first_name="Camille", last_name="Roux")
    requester = organisme_user(organisation).user
    greve, paie = ApplicationFactory(name="Grève"), ApplicationFactory(name="Paie")
    sign_in(client, requester)
    url = reverse("habilitations:my_rights")
    assert "Vous n’avez fait aucune demande." in _page(client, url)
    kept_page(client, url, "habilitations_accessrequest")

    first = services.access_request_create(user=requester, application=greve, organisme=organisation)
    second = services.access_request_create(user=requester, application=paie, organisme=organisation)
    html = _page(client, url)
    assert "Grève" in html and "Paie" in html and "En attente" in html
    services.access_request_grant(
        access_request_id=first.pk, actor=validator.user, scope=selectors.access_requests_for(validator)
    )
    html = _page(client, url)
    assert "Accordée" in html and "Camille Roux" in html and "Vos droits d’accès à ce jour" in html
    services.access_request_cancel(access_request_id=second.pk, actor=requester)
    assert "Annulée" in _page(client, url)
    # Names, changed by updates that renew no one's identity (only their table's generation).
    Application.objects.filter(pk=greve.pk).update(name="Grève 2026")
    assert "Grève 2026" in _page(client, url)
    User.objects.filter(pk=validator.user_id).update(last_name="Roux-Martin")
    assert "Camille Roux-Martin" in _page(client, url)
    assert "Camille Roux-Martin" in kept_page(client, url, "habilitations_accessrequest")


def test_two_requesters_never_get_each_others_requests(client):
    organisation = OrganismeOrgFactory()
    mine = AccessRequestFactory(organisme=organisation, application=ApplicationFactory(name="La mienne"))
    theirs = AccessRequestFactory(organisme=organisation, application=ApplicationFactory(name="La leur"))
    url = reverse("habilitations:my_rights")
    sign_in(client, mine.user)
    assert "La mienne" in _page(client, url)
    sign_in(client, theirs.user)
    html = _page(client, url)
    assert "La leur" in html and "La mienne" not in html


def test_the_queue_shows_each_change_on_the_next_get(client):
    organisation = OrganismeOrgFactory()
    validator = correspondent(organisation)
    waiting = AccessRequestFactory(organisme=organisation, application=ApplicationFactory(name="Grève"))
    sign_in(client, validator.user)
    url = reverse("habilitations:queue")
    assert _rows(_page(client, url), waiting) == {waiting.pk}
    kept_page(client, url, "habilitations_accessrequest")

    new = AccessRequestFactory(organisme=organisation, application=ApplicationFactory(name="Élections"))
    assert _rows(_page(client, url), waiting, new) == {waiting.pk, new.pk}  # a new row
    services.access_request_refuse(
        access_request_id=waiting.pk,
        actor=validator.user,
        scope=selectors.access_requests_for(validator),
        reason="Pas pour ce poste",
    )
    assert _rows(_page(client, url), waiting, new) == {new.pk}  # decided: out of the queue
    Application.objects.filter(pk=new.application_id).update(name="Élections professionnelles")
    assert ">Élections professionnelles</a>" in _page(client, url)
    User.objects.filter(pk=new.user_id).update(last_name="Renommé")  # the requester's name
    assert "Renommé" in _page(client, url)
    assert "Renommé" in kept_page(client, url, "habilitations_accessrequest")


def test_the_queue_of_an_app_manager_follows_their_guardian_grants(client):
    central = ApplicationFactory(name="Paie nationale", central=True)
    manager = app_manager()
    access_request = AccessRequestFactory(application=central)
    sign_in(client, manager.user)
    url = reverse("habilitations:queue")
    assert _rows(_page(client, url), access_request) == set()
    kept_page(client, url, "habilitations_accessrequest")
    services.application_managers_set(application=central, managers=[manager.user])  # an object permission
    assert _rows(_page(client, url), access_request) == {access_request.pk}
    services.application_managers_set(application=central, managers=[])
    assert _rows(_page(client, url), access_request) == set()


def test_the_days_left_change_with_the_day_not_the_hour(client, clock, settings):
    settings.SESSION_COOKIE_AGE = settings.SESSION_ABSOLUTE_SECONDS = 30 * 24 * 3600  # signed in all along
    organisation = OrganismeOrgFactory()
    validator = correspondent(organisation)
    three_days = AccessRequestFactory(organisme=organisation, days_ago=3)  # 10:00, three days ago
    # 20:00, three days ago: made three calendar days ago (the "more than 3 days" filter) all day long.
    late = timezone.localtime().replace(hour=20) - datetime.timedelta(days=3)
    evening = AccessRequestFactory(organisme=organisation, created_at=late)
    sign_in(client, validator.user)
    url = reverse("habilitations:queue")
    detail = reverse("habilitations:access_request_detail", args=[three_days.pk])

    def older_than_3_days():
        html = _page(client, url, {"age": "3"})
        return {r.pk for r in (three_days, evening) if f'href="{r.get_absolute_url()}"' in html}

    def days_left(html):
        return sorted(set(re.findall(r"<td>([^<]*(?:jours|demain|imminente))</td>", html)))

    assert days_left(_page(client, url)) == ["7 jours"]
    assert "7 jours restants" in _page(client, detail)
    assert older_than_3_days() == {three_days.pk, evening.pk}
    clock.move_to(datetime.datetime(2026, 3, 10, 23, 30, tzinfo=PARIS))  # the same day, later
    assert days_left(kept_page(client, url, "habilitations_accessrequest")) == ["7 jours"]
    assert "7 jours restants" in _page(client, detail)
    assert older_than_3_days() == {three_days.pk, evening.pk}
    clock.move_to(datetime.datetime(2026, 3, 11, 0, 30, tzinfo=PARIS))  # the next day
    assert days_left(_page(client, url)) == ["6 jours"]
    assert "6 jours restants" in _page(client, detail)
    clock.move_to(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=PARIS))  # the day before the tacit acceptance
    assert days_left(_page(client, url)) == ["Acceptée tacitement demain"]
    clock.move_to(datetime.datetime(2026, 3, 17, 9, 0, tzinfo=PARIS))  # its day
    assert days_left(_page(client, url)) == ["Acceptation tacite imminente"]


def test_the_access_request_page_shows_each_change_on_the_next_get(client):
    organisation = OrganismeOrgFactory()
    validator, colleague = correspondent(organisation), correspondent(organisation, first_name="Inès", last_name="Bo")
    access_request = AccessRequestFactory(organisme=organisation, application=ApplicationFactory(name="Grève"))
    sign_in(client, validator.user)
    url = reverse("habilitations:access_request_detail", args=[access_request.pk])
    html = _page(client, url)
    assert "En attente" in html and 'name="reason"' in html
    kept_page(client, url, "core_transition")

    error = client.post(url, {"action": "refuse", "reason": ""}).content.decode()  # a form with errors
    assert "error-summary" in error
    assert "error-summary" not in _page(client, url)  # not kept
    Application.objects.filter(pk=access_request.application_id).update(name="Grève 2026")
    assert "Grève 2026" in _page(client, url)
    services.access_request_grant(
        access_request_id=access_request.pk, actor=colleague.user, scope=selectors.access_requests_for(colleague)
    )
    html = _page(client, url)
    assert "Accordée" in html and "Inès Bo" in html and 'name="reason"' not in html  # decided: no form
    assert "Inès Bo" in kept_page(client, url, "core_transition")


def test_a_foreign_access_request_is_still_a_404_and_validators_never_share_a_copy(client):
    own, foreign = correspondent(), correspondent()
    access_request = AccessRequestFactory(organisme=own.organisation, application=ApplicationFactory(name="Grève"))
    other = AccessRequestFactory(organisme=foreign.organisation, application=ApplicationFactory(name="Paie"))
    url = reverse("habilitations:access_request_detail", args=[access_request.pk])
    sign_in(client, own.user)
    assert client.get(url).status_code == 200
    assert _rows(_page(client, reverse("habilitations:queue")), access_request, other) == {access_request.pk}
    sign_in(client, foreign.user)
    assert client.get(url).status_code == 404
    assert _rows(_page(client, reverse("habilitations:queue")), access_request, other) == {other.pk}
