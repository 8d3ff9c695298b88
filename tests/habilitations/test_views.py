"""Views of the Espace Organismes: permission matrix per view (every role, own and foreign organisme),
journeys through the test client, bad input with French messages, constant query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import ConsentAcceptance, User
from core.models import OutboundMessage
from habilitations.enums import AccessRequestState, AccountRequestState, RightState
from habilitations.models import AccessRequest, AccountRequest, Right
from tests.accounts.factories import MembershipFactory
from tests.utils.clients import sign_in
from tests.utils.queries import assert_constant_queries

from .factories import (
    AccessRequestFactory,
    AccountRequestFactory,
    ApplicationFactory,
    OrganismeFactory,
    OrganismeOrgFactory,
    RightFactory,
    app_manager,
    correspondent,
    member,
    organisme_user,
    ucanss_admin,
)

pytestmark = pytest.mark.django_db

CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}


# --- permission matrix -----------------------------------------------------------------------------
# For each page naming an object: who gets 200 (own organisme / managed application) and who gets 404
# (foreign organisme, another application's manager, a user of the organisme, other spaces).


def _world():
    organisation = OrganismeOrgFactory()
    local = ApplicationFactory()
    central = ApplicationFactory(central=True)
    people = {
        "correspondent": correspondent(organisation),
        "foreign_correspondent": correspondent(),
        "organisme_user": organisme_user(organisation),
        "app_manager": app_manager(central),
        "other_app_manager": app_manager(ApplicationFactory(central=True)),
        "ucanss_admin": ucanss_admin(),
        "coop_manager": MembershipFactory(role=Role.COOP_MANAGER),
    }
    requester = organisme_user(organisation).user
    objects = {
        "local_request": AccessRequestFactory(organisme=organisation, application=local, user=requester),
        "central_request": AccessRequestFactory(organisme=organisation, application=central, user=requester),
        "local_right": RightFactory(organisme=organisation, application=local, user=requester),
        "account_request": AccountRequestFactory(organisme=organisation),
        # An organisme without a correspondent: its requests go to the central admins.
        "orphan_account_request": AccountRequestFactory(organisme=OrganismeOrgFactory()),
        # Naming the correspondent's organisme second: seen for information, decided by the first's.
        "second_account_request": AccountRequestFactory(
            organisme=people["foreign_correspondent"].organisation, second_organisme=organisation
        ),
    }
    return people, objects


MATRIX = [
    # (view, object, {who: expected status})
    (
        "habilitations:access_request_detail",
        "local_request",
        {
            "correspondent": 200,
            "ucanss_admin": 200,
            "foreign_correspondent": 404,
            "organisme_user": 404,
            "app_manager": 404,
            "coop_manager": 404,
        },
    ),
    (
        "habilitations:access_request_detail",
        "central_request",
        {
            "app_manager": 200,
            "ucanss_admin": 200,
            "other_app_manager": 404,
            "correspondent": 404,
            "foreign_correspondent": 404,
            "organisme_user": 404,
        },
    ),
    (
        "habilitations:right_detail",
        "local_right",
        {
            "correspondent": 200,
            "ucanss_admin": 200,
            "foreign_correspondent": 404,
            "organisme_user": 404,
            "app_manager": 404,
            "coop_manager": 404,
        },
    ),
    (
        "habilitations:account_request_detail",
        "account_request",
        {
            "correspondent": 200,
            "ucanss_admin": 404,  # the organisme has a correspondent: the central admins do not see it
            "foreign_correspondent": 404,
            "organisme_user": 404,
            "app_manager": 404,
            "coop_manager": 404,
        },
    ),
]


MATRIX += [
    (
        "habilitations:account_request_detail",
        "orphan_account_request",
        {"ucanss_admin": 200, "correspondent": 404, "foreign_correspondent": 404, "organisme_user": 404},
    ),
    (
        "habilitations:account_request_detail",
        "second_account_request",
        {"foreign_correspondent": 200, "correspondent": 200, "ucanss_admin": 404, "organisme_user": 404},
    ),
]


@pytest.mark.parametrize(("view", "key", "expected"), MATRIX, ids=[f"{v}:{k}" for v, k, _ in MATRIX])
def test_permission_matrix_for_object_pages(client, view, key, expected):
    people, objects = _world()
    url = reverse(view, kwargs={"pk": objects[key].pk})
    for who, status in expected.items():
        client.logout()
        sign_in(client, people[who].user)
        assert client.get(url).status_code == status, f"{view} {key} as {who}"
        if status == 404:
            assert client.post(url, {"action": "grant"}).status_code == 404


def test_the_second_organisme_sees_a_request_for_information_and_cannot_decide_it(client):
    people, objects = _world()
    account_request = objects["second_account_request"]
    url = reverse("habilitations:account_request_detail", kwargs={"pk": account_request.pk})
    sign_in(client, people["correspondent"].user)
    page = client.get(url).content.decode()
    assert "Pour information" in page and "Accepter et créer le compte" not in page
    assert client.post(url, {"action": "accept"}).status_code == 403
    account_request.refresh_from_db()
    assert account_request.state == AccountRequestState.PENDING
    listed = client.get(reverse("habilitations:account_requests")).content.decode()
    assert account_request.email in listed
    client.logout()
    sign_in(client, people["foreign_correspondent"].user)
    assert "Accepter et créer le compte" in client.get(url).content.decode()


def test_central_admins_list_only_the_requests_of_organismes_without_correspondent(client):
    people, objects = _world()
    sign_in(client, people["ucanss_admin"].user)
    listed = client.get(reverse("habilitations:account_requests")).content.decode()
    assert objects["orphan_account_request"].email in listed
    assert objects["account_request"].email not in listed
    assert objects["second_account_request"].email not in listed


LIST_MATRIX = {
    "habilitations:catalogue": {
        "organisme_user": 200,
        "correspondent": 200,
        "app_manager": 403,
        "ucanss_admin": 403,
        "coop_manager": 403,
    },
    "habilitations:queue": {
        "correspondent": 200,
        "app_manager": 200,
        "ucanss_admin": 200,
        "organisme_user": 403,
        "coop_manager": 403,
    },
    "habilitations:rights": {"correspondent": 200, "app_manager": 200, "ucanss_admin": 200, "organisme_user": 403},
    "habilitations:account_requests": {
        "correspondent": 200,
        "ucanss_admin": 200,
        "app_manager": 403,
        "organisme_user": 403,
    },
    "habilitations:collaborators": {"correspondent": 200, "ucanss_admin": 403, "organisme_user": 403},
    "habilitations:delegations": {"correspondent": 200, "organisme_user": 403, "app_manager": 403},
    "habilitations:my_rights": {
        "organisme_user": 200,
        "correspondent": 200,
        "app_manager": 200,
        "ucanss_admin": 200,
        "coop_manager": 403,
    },
    "habilitations:my_details": {"organisme_user": 200, "coop_manager": 403},
    "habilitations:my_subscriptions": {"organisme_user": 200, "coop_manager": 403},
    "habilitations:my_contacts": {"organisme_user": 200, "coop_manager": 403},
}


@pytest.mark.parametrize("view", list(LIST_MATRIX))
def test_permission_matrix_for_role_pages(client, view):
    people, _objects = _world()
    for who, status in LIST_MATRIX[view].items():
        client.logout()
        sign_in(client, people[who].user)
        assert client.get(reverse(view)).status_code == status, f"{view} as {who}"


def test_lists_show_only_what_the_validator_decides_on(client):
    people, objects = _world()
    foreign = AccessRequestFactory()

    def link(obj):
        return f'href="{reverse("habilitations:access_request_detail", args=[obj.pk])}"'

    sign_in(client, people["correspondent"].user)
    html = client.get(reverse("habilitations:queue")).content.decode()
    assert link(objects["local_request"]) in html
    assert link(objects["central_request"]) not in html
    assert link(foreign) not in html
    client.logout()
    sign_in(client, people["app_manager"].user)
    html = client.get(reverse("habilitations:queue")).content.decode()
    assert link(objects["central_request"]) in html
    assert link(objects["local_request"]) not in html


# --- journeys --------------------------------------------------------------------------------------


def test_catalogue_shows_held_greyed_and_pending_applications(client):
    membership = organisme_user()
    held = RightFactory(user=membership.user, organisme=membership.organisation).application
    pending = AccessRequestFactory(user=membership.user, organisme=membership.organisation).application
    other = ApplicationFactory()
    sign_in(client, membership.user)
    html = client.get(reverse("habilitations:catalogue")).content.decode()
    assert reverse("habilitations:open_application", args=[held.slug]) in html
    assert f"Demander l’accès à l’application {other.name}" in html
    assert f"Demander l’accès à l’application {pending.name}" not in html
    assert "Demande en attente" in html
    assert html.count('class="app app-locked"') == 2


def test_open_application_needs_the_grant(client):
    membership = organisme_user()
    held = RightFactory(user=membership.user, organisme=membership.organisation).application
    sign_in(client, membership.user)
    response = client.get(reverse("habilitations:open_application", args=[held.slug]))
    assert response.status_code == 302 and response.url == held.url
    assert client.get(reverse("habilitations:open_application", args=[ApplicationFactory().slug])).status_code == 404


def test_ask_grant_and_see_it_in_my_rights(client):
    membership = organisme_user()
    validator = correspondent(membership.organisation)
    application = ApplicationFactory()
    sign_in(client, membership.user)
    url = reverse("habilitations:access_request_new") + f"?application={application.slug}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisme": membership.organisation_id, "justification": "Pour le service paie"})
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(user=membership.user, application=application)
    assert OutboundMessage.objects.filter(
        event="habilitations.access_request_to_decide", recipient=validator.user.email
    ).exists()
    html = client.get(reverse("habilitations:my_rights")).content.decode()
    assert "En attente" in html
    client.logout()
    sign_in(client, validator.user)
    detail = reverse("habilitations:access_request_detail", args=[access_request.pk])
    assert "jours restants" in client.get(detail).content.decode()
    response = client.post(detail, {"action": "refuse", "reason": ""})
    assert "Indiquez le motif de cette décision." in response.content.decode()
    assert client.post(detail, {"action": "grant"}).status_code == 302
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.GRANTED
    client.logout()
    sign_in(client, membership.user)
    html = client.get(reverse("habilitations:my_rights")).content.decode()
    assert "Accordée" in html and validator.user.get_full_name() in html


def test_refuse_with_reason_and_revoke_with_reason(client):
    validator = correspondent()
    access_request = AccessRequestFactory(organisme=validator.organisation)
    right = RightFactory(organisme=validator.organisation)
    sign_in(client, validator.user)
    client.post(
        reverse("habilitations:access_request_detail", args=[access_request.pk]),
        {"action": "refuse", "reason": "Application réservée au service RH."},
    )
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.REFUSED
    assert access_request.decision_reason == "Application réservée au service RH."
    url = reverse("habilitations:right_detail", args=[right.pk])
    assert "Indiquez le motif du retrait." in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Départ", "confirmed": "1"})
    right.refresh_from_db()
    assert right.state == RightState.REVOKED


def test_export_who_holds_an_application_neutralises_formulas(client):
    validator = correspondent()
    application = ApplicationFactory()
    holder = organisme_user(validator.organisation, last_name="=HYPERLINK(1)")
    RightFactory(user=holder.user, organisme=validator.organisation, application=application)
    RightFactory(application=application)  # another organisme: not exported
    sign_in(client, validator.user)
    response = client.get(reverse("habilitations:holders_export") + f"?application={application.slug}")
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.strip().splitlines()
    assert lines[0].startswith("\ufeffNom;Prénom")
    assert len(lines) == 2
    assert lines[1].startswith("'=HYPERLINK(1)")


def test_export_who_holds_an_application_in_excel(client):
    import io

    from openpyxl import load_workbook

    validator = correspondent()
    application = ApplicationFactory(name="Grève")
    holder = organisme_user(validator.organisation, last_name="@SUM(A1)", first_name="Léa")
    right = RightFactory(user=holder.user, organisme=validator.organisation, application=application)
    RightFactory(application=application)  # another organisme: not exported
    sign_in(client, validator.user)
    response = client.get(reverse("habilitations:holders_export") + f"?application={application.slug}&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    response.close()
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("Nom", "Prénom") and sheet.title == "Grève"
    assert len(rows) == 2
    assert rows[1][0] == "'@SUM(A1)" and rows[1][1] == "Léa"
    assert rows[1][5].date() == timezone.localtime(right.granted_at).date()  # a real date cell
    assert rows[1][6] == "tacitement"


def test_the_export_answers_404_for_an_unknown_application_and_403_to_a_plain_user(client):
    validator = correspondent()
    sign_in(client, validator.user)
    assert client.get(reverse("habilitations:holders_export") + "?application=nope&format=xlsx").status_code == 404
    client.logout()
    sign_in(client, organisme_user().user)
    application = ApplicationFactory()
    assert client.get(reverse("habilitations:holders_export") + f"?application={application.slug}").status_code == 403


def test_cancel_my_pending_request(client):
    access_request = AccessRequestFactory()
    sign_in(client, access_request.user)
    client.post(reverse("habilitations:access_request_cancel", args=[access_request.pk]), {"confirmed": "1"})
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.CANCELLED


def test_account_request_email_then_form_then_acceptance(client):
    organisme = OrganismeFactory()
    validator = correspondent(organisme.organisation)
    response = client.post(reverse("habilitations:account_request"), {"email": "pas-une-adresse"})
    assert "Saisissez une adresse e-mail valide" in response.content.decode()
    client.post(reverse("habilitations:account_request"), {"email": "Nina@Cpam.test"})
    url = reverse("habilitations:account_request_form")
    bad = client.post(
        url,
        {
            "first_name": "=1+1",
            "phone": "12",
            "organisme": "999999",
            "civility": "mme",
            "last_name": "Ouvelle",
            **CAPTCHA,
        },
    )
    html = bad.content.decode()
    assert "Saisissez votre prénom" not in html
    assert "Choisissez un organisme de la liste." in html
    assert "nn nn nn nn nn" in html
    assert 'value="Ouvelle"' in html  # nothing lost
    response = client.post(
        url,
        {
            "civility": "mme",
            "first_name": "Nina",
            "last_name": "Ouvelle",
            "organisme": organisme.organisation.code,
            "phone": "06 12 34 56 78",
            **CAPTCHA,
        },
    )
    assert response.status_code == 302
    account_request = AccountRequest.objects.get(email="nina@cpam.test")
    sign_in(client, validator.user)
    client.post(reverse("habilitations:account_request_detail", args=[account_request.pk]), {"action": "accept"})
    account_request.refresh_from_db()
    assert account_request.state == AccountRequestState.ACCEPTED
    assert User.objects.filter(identifier="nina@cpam.test").exists()


def test_account_request_known_address_gets_the_same_answer(client):
    known = organisme_user()
    client.post(reverse("habilitations:account_request"), {"email": known.user.email})
    response = client.post(
        reverse("habilitations:account_request_form"),
        {
            "civility": "m",
            "first_name": "A",
            "last_name": "B",
            "organisme": known.organisation.code,
            "phone": "06 12 34 56 78",
            **CAPTCHA,
        },
    )
    assert response.status_code == 302 and response.url == reverse("habilitations:account_request_done")
    assert not AccountRequest.objects.exists()


def test_account_request_rate_limit(client, settings):
    settings.RATELIMIT_HABILITATIONS_PUBLIC = (1, 600)
    organisme = OrganismeOrgFactory()
    data = {
        "civility": "m",
        "first_name": "A",
        "last_name": "B",
        "organisme": f"{organisme.code} · {organisme.name}",
        "phone": "0612345678",
        **CAPTCHA,
    }
    for index, expected in ((1, 302), (2, 429)):
        client.post(reverse("habilitations:account_request"), {"email": f"x{index}@cpam.test"})
        assert client.post(reverse("habilitations:account_request_form"), data).status_code == expected


def test_two_step_login(client):
    membership = organisme_user()
    response = client.post(reverse("habilitations:login"), {"email": membership.user.email})
    assert response.url == reverse("habilitations:login_password")
    page = client.get(response.url).content.decode()
    assert membership.user.email in page and "Cliquez ici pour créer un nouveau" in page
    bad = client.post(reverse("habilitations:login_password"), {"password": "mauvais"})
    assert "Identifiant ou mot de passe incorrect." in bad.content.decode()
    good = client.post(reverse("habilitations:login_password"), {"password": "Motdepasse-de-test-2026"})
    assert good.status_code == 302
    assert client.session.get("_auth_user_id") == str(membership.user.pk)


def test_caregiver_account_with_the_health_data_consent(client):
    from accounts.services.consent import consent_text_publish

    consent_text_publish(space="habilitations", title="Données", body="Texte")
    organisme = OrganismeFactory(organisation__code="123456")
    ApplicationFactory(slug="aide-aux-aidants", central=True)
    data = {
        "code": "123456rh",
        "first_name": "CPAM",
        "last_name": "Paris",
        "email": "rh@cpam.test",
        "birth_date": "1980-04-02",
        "address": "1 rue de Paris",
        "postcode": "75013",
        "town": "Paris",
        "phone": "01 40 00 00 00",
        "password1": "Aidants-2026!",
        "password2": "Aidants-2026!",
        **CAPTCHA,
    }
    url = reverse("habilitations:caregiver_register")
    refused = client.post(url, {**data, "code": "12345RH"}).content.decode()
    assert "Le code organisme comprend 8 caractères" in refused
    assert "Ce consentement est obligatoire" in refused
    assert client.post(url, {**data, "health_data": "on"}).status_code == 302
    user = User.objects.get(identifier="123456RH")
    assert user.memberships.get().organisation == organisme.organisation
    assert ConsentAcceptance.objects.get(user=user).health_data
    assert Right.objects.filter(user=user, application__slug="aide-aux-aidants").exists()
    again = client.post(url, {**data, "health_data": "on"}).content.decode()
    assert "existe déjà" in again


def test_newsletters_and_contacts(client):
    membership = organisme_user()
    validator = correspondent(membership.organisation)
    sign_in(client, membership.user)
    client.post(reverse("habilitations:my_subscriptions"), {"newsletters": ["rh", "marches"]})
    assert set(membership.user.newsletter_subscriptions.values_list("newsletter", flat=True)) == {"rh", "marches"}
    assert validator.user.email in client.get(reverse("habilitations:my_contacts")).content.decode()


def test_collaborators_page_shows_the_caregiver_code(client):
    organisme = OrganismeFactory(organisation__code="654321")
    validator = correspondent(organisme.organisation)
    sign_in(client, validator.user)
    assert "654321RH" in client.get(reverse("habilitations:collaborators")).content.decode()


# --- constant query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["habilitations:queue", "habilitations:rights", "habilitations:account_requests"])
def test_validator_lists_run_a_constant_number_of_queries(client, view):
    validator = correspondent()
    sign_in(client, validator.user)

    def make(n):
        for _index in range(n):
            AccessRequestFactory(organisme=validator.organisation)
            RightFactory(organisme=validator.organisation)
            AccountRequestFactory(organisme=validator.organisation)

    assert_constant_queries(client, reverse(view), make)


@pytest.mark.parametrize("view", ["habilitations:catalogue", "habilitations:my_rights"])
def test_user_pages_run_a_constant_number_of_queries(client, view):
    membership = organisme_user()
    sign_in(client, membership.user)

    def make(n):
        for _index in range(n):
            AccessRequestFactory(user=membership.user, organisme=membership.organisation)
            RightFactory(user=membership.user, organisme=membership.organisation)

    assert_constant_queries(client, reverse(view), make)


def test_member_helper_builds_organisme_memberships():
    assert member(Role.ORGANISME_USER).organisation.kind == "organisme"


def test_each_role_sees_its_menu(client):
    people, _objects = _world()
    expected = {
        "organisme_user": ({"Mes applications", "Mes informations"}, {"Demandes d’habilitation"}),
        "correspondent": (
            {"Mes applications", "Demandes d’habilitation", "Demandes de compte", "Gérer vos collaborateurs"},
            {"Administration"},
        ),
        "app_manager": ({"Demandes d’habilitation", "Mes informations"}, {"Mes applications", "Demandes de compte"}),
        "ucanss_admin": ({"Demandes d’habilitation", "Demandes de compte", "Administration"}, {"Mes applications"}),
    }
    for who, (shown, hidden) in expected.items():
        client.logout()
        sign_in(client, people[who].user)
        html = client.get(reverse("habilitations:my_rights")).content.decode()
        nav = html[html.index('id="space-nav-list"') : html.index("</nav>", html.index('id="space-nav-list"'))]
        for label in shown:
            assert f">{label}</a>" in nav, f"{who} misses {label}"
        for label in hidden:
            assert f">{label}</a>" not in nav, f"{who} sees {label}"
