"""Services and workflows of the Espace Organismes: decisions, grants, the tacit acceptance job."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership, User
from core.models import OutboundMessage, Transition
from habilitations import selectors, services
from habilitations.enums import AccessRequestState, AccountRequestState, RightState
from habilitations.models import AccessRequest, Right
from habilitations.workflows import ACCESS_REQUEST

from .factories import (
    AccessRequestFactory,
    AccountRequestFactory,
    ApplicationFactory,
    DelegationFactory,
    OrganismeOrgFactory,
    RightFactory,
    app_manager,
    correspondent,
    organisme_user,
    ucanss_admin,
)

pytestmark = pytest.mark.django_db

USE = "habilitations.use_application"


def test_account_request_goes_to_the_correspondents_or_the_central_admins():
    with_correspondent = correspondent()
    without = OrganismeOrgFactory()
    admin = ucanss_admin()
    first = services.account_request_submit(
        email="Nina.Ouvelle@Cpam.test",
        civility="mme",
        first_name="Nina",
        last_name="Ouvelle",
        organisme=with_correspondent.organisation,
        phone="01 23 45 67 89",
    )
    assert first.email == "nina.ouvelle@cpam.test"
    to_decide = OutboundMessage.objects.filter(event="habilitations.account_request_to_decide")
    assert list(to_decide.values_list("recipient", flat=True)) == [with_correspondent.user.email]
    assert OutboundMessage.objects.filter(
        event="habilitations.account_request_received", recipient=first.email
    ).exists()
    services.account_request_submit(
        email="autre@urssaf.test",
        civility="m",
        first_name="Ugo",
        last_name="Rssaf",
        organisme=without,
        phone="01 23 45 67 89",
    )
    assert to_decide.filter(recipient=admin.user.email).exists()


def test_a_known_address_gets_no_second_request_and_its_owner_is_told():
    known = organisme_user()
    result = services.account_request_submit(
        email=known.user.email.upper(),
        civility="m",
        first_name="A",
        last_name="B",
        organisme=known.organisation,
        phone="01 23 45 67 89",
    )
    assert result is None
    assert not selectors.AccountRequest.objects.exists()
    mail = OutboundMessage.objects.get(recipient__iexact=known.user.email)
    assert "déjà un compte" in mail.body


def test_accepting_an_account_request_creates_the_account_with_a_set_password_link():
    validator = correspondent()
    second = OrganismeOrgFactory()
    request_obj = AccountRequestFactory(organisme=validator.organisation, second_organisme=second)
    scope = selectors.account_requests_for(validator)
    services.account_request_accept(account_request_id=request_obj.pk, actor=validator.user, scope=scope)
    request_obj.refresh_from_db()
    user = User.objects.get(identifier=request_obj.email)
    assert request_obj.state == AccountRequestState.ACCEPTED and request_obj.user == user
    assert request_obj.decided_by == validator.user
    assert not user.has_usable_password()
    assert set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True)) == {
        validator.organisation_id,
        second.pk,
    }
    mail = OutboundMessage.objects.get(event="habilitations.account_request_accepted")
    assert "/compte/mot-de-passe-oublie/lien/" in mail.body and "24 heures" in mail.body
    with pytest.raises(ValidationError):  # decided already: the second click loses
        services.account_request_accept(account_request_id=request_obj.pk, actor=validator.user, scope=scope)


def test_a_correspondent_cannot_decide_for_another_organisme():
    validator = correspondent()
    foreign = AccountRequestFactory()
    with pytest.raises(ValidationError):  # ObjectGone: not in the scope
        services.account_request_refuse(
            account_request_id=foreign.pk,
            actor=validator.user,
            scope=selectors.account_requests_for(validator),
            reason="Non",
        )


def test_granting_writes_the_right_and_the_guardian_grant_and_revoking_removes_them():
    validator = correspondent()
    request_obj = AccessRequestFactory(organisme=validator.organisation)
    requester, application = request_obj.user, request_obj.application
    assert not requester.has_perm(USE, application)
    services.access_request_grant(
        access_request_id=request_obj.pk, actor=validator.user, scope=selectors.access_requests_for(validator)
    )
    right = Right.objects.get(request=request_obj)
    assert right.granted_by == validator.user and not right.tacit
    assert User.objects.get(pk=requester.pk).has_perm(USE, application)
    assert OutboundMessage.objects.filter(
        event="habilitations.access_request_granted", recipient=requester.email
    ).exists()
    services.right_revoke(
        right_id=right.pk, actor=validator.user, scope=selectors.rights_for(validator), reason="Départ du service"
    )
    right.refresh_from_db()
    assert right.state == RightState.REVOKED and right.decision_reason == "Départ du service"
    assert not User.objects.get(pk=requester.pk).has_perm(USE, application)


def test_nobody_decides_on_their_own_request():
    validator = correspondent()
    own = AccessRequestFactory(organisme=validator.organisation, user=validator.user)
    assert not validator.user.has_perm("habilitations.decide_access_request", own)
    assert not selectors.access_requests_for(validator).filter(pk=own.pk).exists()
    with pytest.raises(PermissionDenied):
        ACCESS_REQUEST.run("grant", own, actor=validator.user, scope=AccessRequest.objects.all())


def test_central_applications_go_to_their_managers_only():
    application = ApplicationFactory(central=True)
    manager = app_manager(application)
    other_manager = app_manager(ApplicationFactory(central=True))
    local_correspondent = correspondent()
    request_obj = AccessRequestFactory(application=application, organisme=local_correspondent.organisation)
    assert selectors.access_request_validators(request_obj) == [manager.user]
    assert manager.user.has_perm("habilitations.decide_access_request", request_obj)
    assert not other_manager.user.has_perm("habilitations.decide_access_request", request_obj)
    assert not local_correspondent.user.has_perm("habilitations.decide_access_request", request_obj)
    assert list(selectors.queue_for(manager)) == [request_obj]
    assert not selectors.queue_for(local_correspondent).exists()


def test_a_delegate_validates_while_the_correspondent_is_away():
    delegation = DelegationFactory()
    delegate_membership = Membership.objects.get(user=delegation.delegate)
    request_obj = AccessRequestFactory(organisme=delegation.organisme)
    assert delegation.delegate.has_perm("habilitations.decide_access_request", request_obj)
    assert selectors.access_request_validators(request_obj) == [delegation.delegate]
    assert list(selectors.queue_for(delegate_membership)) == [request_obj]
    delegation.ends_on = timezone.localdate() - timedelta(days=1)
    delegation.starts_on = delegation.ends_on
    delegation.save()
    fresh = User.objects.get(pk=delegation.delegate_id)
    assert not fresh.has_perm("habilitations.decide_access_request", request_obj)


def test_the_requester_cancels_their_own_pending_request_only():
    request_obj = AccessRequestFactory()
    stranger = organisme_user(request_obj.organisme).user
    with pytest.raises(ValidationError):
        services.access_request_cancel(access_request_id=request_obj.pk, actor=stranger)
    services.access_request_cancel(access_request_id=request_obj.pk, actor=request_obj.user)
    request_obj.refresh_from_db()
    assert request_obj.state == AccessRequestState.CANCELLED


def test_an_access_request_is_refused_when_held_or_pending_or_for_a_foreign_organisme():
    membership = organisme_user()
    application = ApplicationFactory()
    services.access_request_create(user=membership.user, application=application, organisme=membership.organisation)
    with pytest.raises(ValidationError, match="déjà en attente"):
        services.access_request_create(user=membership.user, application=application, organisme=membership.organisation)
    with pytest.raises(ValidationError):
        services.access_request_create(user=membership.user, application=application, organisme=OrganismeOrgFactory())
    RightFactory(user=membership.user, application=(held := ApplicationFactory()), organisme=membership.organisation)
    with pytest.raises(ValidationError, match="déjà accès"):
        services.access_request_create(user=membership.user, application=held, organisme=membership.organisation)


def test_tacit_acceptance_after_ten_days_is_idempotent_and_has_a_dry_run(django_capture_on_commit_callbacks):
    day_9 = AccessRequestFactory(days_ago=9)
    day_11 = AccessRequestFactory(days_ago=11)
    refused = AccessRequestFactory(days_ago=12, state=AccessRequestState.REFUSED)
    assert services.tacit_acceptance_run(dry_run=True) == 1
    day_11.refresh_from_db()
    assert day_11.state == AccessRequestState.PENDING
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is rendered when delivered
        assert services.tacit_acceptance_run() == 1
        assert services.tacit_acceptance_run() == 0
    day_9.refresh_from_db(), day_11.refresh_from_db(), refused.refresh_from_db()
    assert day_9.state == AccessRequestState.PENDING and refused.state == AccessRequestState.REFUSED
    assert day_11.state == AccessRequestState.TACIT and day_11.decided_by is None
    right = Right.objects.get(request=day_11)
    assert right.tacit and right.granted_by is None
    assert User.objects.get(pk=day_11.user_id).has_perm(USE, day_11.application)
    entry = Transition.objects.filter(object_id=str(day_11.pk), action="accept_tacitly").get()
    assert entry.actor is None
    mail = OutboundMessage.objects.get(event="habilitations.access_request_granted")
    assert "tacitement" in mail.body


def test_the_tacit_job_runs_a_batch_in_constant_queries_with_one_delivery_task(
    django_capture_on_commit_callbacks,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AccessRequestFactory(days_ago=11)
    services.tacit_acceptance_run()  # warm-up, not measured: the content types' and permissions' caches
    counts = []
    for size in (2, 8):
        AccessRequestFactory.create_batch(size, days_ago=11)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
            assert services.tacit_acceptance_run() == size
        counts.append(len(queries.captured_queries))
        assert len(callbacks) == 1
    assert counts[0] == counts[1], counts
    assert Right.objects.filter(tacit=True, state=RightState.ACTIVE).count() == 11
    assert OutboundMessage.objects.filter(event="habilitations.access_request_granted").count() == 11


def test_a_request_whose_right_was_given_meanwhile_is_accepted_without_a_second_right():
    late = AccessRequestFactory(days_ago=11)
    given = services.right_grant_directly(user=late.user, application=late.application, organisme=late.organisme)
    assert services.tacit_acceptance_run() == 1
    late.refresh_from_db()
    assert late.state == AccessRequestState.TACIT
    assert list(Right.objects.filter(user=late.user, state=RightState.ACTIVE)) == [given]
    assert User.objects.get(pk=late.user_id).has_perm(USE, late.application)


def test_the_second_organisme_validators_are_told_and_only_the_first_decides():
    first, second = correspondent(), correspondent()
    account_request = services.account_request_submit(
        email="deux@organismes.test",
        civility="m",
        first_name="Duo",
        last_name="Organismes",
        organisme=first.organisation,
        second_organisme=second.organisation,
        phone="01 23 45 67 89",
    )
    told = OutboundMessage.objects.filter(event="habilitations.account_request_second_organisme")
    assert list(told.values_list("recipient", flat=True)) == [second.user.email]
    assert "Pour information" in told.get().body
    assert second.user.has_perm("habilitations.decide_account_request", account_request) is False
    assert first.user.has_perm("habilitations.decide_account_request", account_request)
    with pytest.raises(PermissionDenied):  # it sees the request, it does not decide it
        services.account_request_accept(
            account_request_id=account_request.pk, actor=second.user, scope=selectors.account_requests_for(second)
        )
    assert not User.objects.filter(email="deux@organismes.test").exists()


def test_central_admins_decide_only_for_organismes_without_correspondent():
    admin = ucanss_admin()
    with_one = AccountRequestFactory(organisme=correspondent().organisation)
    orphan = AccountRequestFactory()
    assert list(selectors.pending_account_requests_for(admin)) == [orphan]
    assert not admin.user.has_perm("habilitations.decide_account_request", with_one)
    assert admin.user.has_perm("habilitations.decide_account_request", orphan)
    services.account_request_accept(
        account_request_id=orphan.pk, actor=admin.user, scope=selectors.account_requests_for(admin)
    )
    assert orphan.pk in selectors.account_requests_for(admin).values_list("pk", flat=True)


def test_reminders_at_day_3_and_day_7_once_each():
    validator = correspondent()
    AccessRequestFactory(organisme=validator.organisation, days_ago=4)
    AccessRequestFactory(organisme=validator.organisation, days_ago=8)
    AccessRequestFactory(organisme=validator.organisation, days_ago=1)
    assert services.reminders_send() == 3  # day 4: first; day 8: first and second
    assert services.reminders_send() == 0
    # One e-mail per reminder day: the first lists the two requests, the second the older one.
    assert OutboundMessage.objects.filter(event="habilitations.access_request_reminder").count() == 2


def test_reminders_look_up_each_organisme_s_validators_once_per_batch():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 6):
        validator = correspondent()
        AccessRequestFactory.create_batch(size, organisme=validator.organisation, days_ago=4)
        with CaptureQueriesContext(connection) as queries:
            assert services.reminders_send() == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


def test_subscriptions_become_exactly_the_chosen_newsletters():
    user = organisme_user().user
    services.subscriptions_set(user=user, newsletters=["rh", "rso"])
    services.subscriptions_set(user=user, newsletters=["rso", "achats"])
    assert set(user.newsletter_subscriptions.values_list("newsletter", flat=True)) == {"rso", "achats"}


def test_space_export_and_anonymise():
    from core import spaces

    from .factories import RightFactory

    membership = organisme_user()
    right = RightFactory(user=membership.user, organisme=membership.organisation)
    services.subscriptions_set(user=membership.user, newsletters=["rh"])
    declaration = spaces.get("habilitations")
    data = declaration.export(membership.user)
    assert data["newsletters"] == ["rh"] and data["rights"][0]["application"] == right.application.name
    kept = declaration.anonymise(membership.user)
    assert kept
    right.refresh_from_db()
    assert right.state == RightState.REVOKED
    assert not User.objects.get(pk=membership.user_id).has_perm(USE, right.application)
    assert not membership.user.newsletter_subscriptions.exists()


def test_a_caregiver_account_needs_an_address_no_other_account_uses():
    from .factories import OrganismeFactory

    OrganismeFactory(organisation__code="222222")
    taken = organisme_user().user.email
    with pytest.raises(ValidationError) as error:
        services.caregiver_account_create(
            code="222222RH",
            first_name="CPAM",
            last_name="Nord",
            email=taken,
            birth_date=None,
            address="1 rue",
            postcode="59000",
            town="Lille",
            phone="03 20 00 00 00",
            password="Aidants-Lille-2026",
        )
    assert "email" in error.value.message_dict
