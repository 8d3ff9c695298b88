"""The timed job of the Espace Organismes (tacit acceptance after 10 days, validators' reminders on the 3rd
and 7th days): each person is told once per batch, one e-mail listing their requests; a batch costs the
same queries whatever its rows, and one delivery task; a run killed halfway leaves whole batches only."""

import functools

import pytest

from core.models import JobRun, OutboundMessage
from habilitations import services
from habilitations.enums import AccessRequestState
from habilitations.models import AccessRequest, Right
from habilitations.tasks import accept_pending_access_requests
from tests.utils.queries import constant_queries

from .factories import (
    AccessRequestFactory,
    ApplicationFactory,
    DelegationFactory,
    OrganismeOrgFactory,
    app_manager,
    correspondent,
    organisme_user,
    ucanss_admin,
)

pytestmark = pytest.mark.django_db

GRANTED = "habilitations.access_request_granted"
REMINDER = "habilitations.access_request_reminder"


def delivered(event):
    """The event's messages, delivered: {recipient: [messages]}."""
    found = {}
    for message in OutboundMessage.objects.filter(event=event).order_by("pk"):
        message.refresh_from_db()
        assert message.status == OutboundMessage.Status.SENT, message.last_error
        found.setdefault(message.recipient, []).append(message)
    return found


def lists(message, requests):
    return all(r.application.name in message.body for r in requests)


# --- Tacit acceptance --------------------------------------------------------------------------------


def test_each_requester_is_told_once_of_all_their_requests_accepted(django_capture_on_commit_callbacks):
    membership = organisme_user()
    mine = [
        AccessRequestFactory(user=membership.user, organisme=membership.organisation, days_ago=11 + i) for i in range(3)
    ]
    young = AccessRequestFactory(user=membership.user, organisme=membership.organisation, days_ago=2)
    theirs = AccessRequestFactory(days_ago=12)
    with django_capture_on_commit_callbacks(execute=True):
        # Batches smaller than a requester's requests still take them together.
        assert services.tacit_acceptance_run(batch_size=2) == 4
        assert services.tacit_acceptance_run(batch_size=2) == 0  # a re-run says nothing more
    messages = delivered(GRANTED)
    assert sorted(messages) == sorted([membership.user.email, theirs.user.email])
    [listing] = messages[membership.user.email]
    assert listing.subject == "Espace Organismes : vos 3 demandes d'accès sont accordées"
    assert lists(listing, mine) and young.application.name not in listing.body
    assert listing.body.count("acceptée tacitement") == 3 and "Ouvrez-les depuis « Mes applications »." in listing.body
    [alone] = messages[theirs.user.email]  # one request: the e-mail reads as it always did
    assert alone.subject == f"Espace Organismes : votre accès à {theirs.application.name} est accordé"
    assert alone.body == (
        f"Bonjour {theirs.user.first_name} {theirs.user.last_name},\n\n"
        f"Votre demande d'accès à l'application {theirs.application.name} n'a pas été refusée dans les 10 jours : "
        "elle est acceptée tacitement.\nOuvrez-la depuis « Mes applications ».\n\nL'Espace Organismes\n"
    )
    assert Right.objects.filter(tacit=True).count() == 4


def test_a_validator_s_grant_reads_as_before(django_capture_on_commit_callbacks):
    from habilitations import selectors

    validator = correspondent()
    request_obj = AccessRequestFactory(organisme=validator.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_grant(
            access_request_id=request_obj.pk, actor=validator.user, scope=selectors.access_requests_for(validator)
        )
    [[message]] = delivered(GRANTED).values()
    assert message.recipient == request_obj.user.email
    assert message.subject == f"Espace Organismes : votre accès à {request_obj.application.name} est accordé"
    assert f"Votre demande d'accès à l'application {request_obj.application.name} est accordée.\n" in message.body


def tacit_world(count):
    """`count` requests due for tacit acceptance: several organismes, local and central applications,
    requesters with one or two requests."""
    organismes = [OrganismeOrgFactory() for _ in range(max(1, count // 5))]
    applications = [ApplicationFactory(central=index % 2 == 0) for index in range(max(2, count // 4))]
    requester = None
    for index in range(count):
        organisme = organismes[index % len(organismes)]
        if index % 2 == 0:
            requester = organisme_user(organisme).user
        AccessRequestFactory(
            user=requester, organisme=organisme, application=applications[index % len(applications)], days_ago=11
        )


def test_the_tacit_acceptance_runs_a_constant_number_of_queries_per_batch(django_capture_on_commit_callbacks):
    tacit_world(1)
    services.tacit_acceptance_run()  # warm-up, not measured: the content types' and permissions' caches
    OutboundMessage.objects.all().delete()
    tasks = []
    with constant_queries() as measure:
        for count in (3, 30):
            tacit_world(count)
            with django_capture_on_commit_callbacks(execute=False) as callbacks, measure():
                assert services.tacit_acceptance_run() == count
            tasks.append(len(callbacks))
    assert tasks == [1, 1]  # one delivery task per batch
    assert OutboundMessage.objects.filter(event=GRANTED).count() == 2 + 15  # one per requester


def test_a_run_killed_halfway_keeps_whole_batches_and_the_next_run_finishes(
    monkeypatch, django_capture_on_commit_callbacks
):
    people = [organisme_user() for _ in range(3)]
    for membership in people:
        for days in (11, 12):
            AccessRequestFactory(user=membership.user, organisme=membership.organisation, days_ago=days)
    real = services.rights_from_requests
    calls = []

    def dies_on_the_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "rights_from_requests", dies_on_the_second_batch)
    run = services.tacit_acceptance_run
    monkeypatch.setattr(services, "tacit_acceptance_run", functools.partial(run, batch_size=2))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        accept_pending_access_requests()
    record = JobRun.objects.get(name="accept_pending_access_requests")
    assert record.status == JobRun.Status.FAILED and "fait : accept_tacitly : 2 traité(s)" in record.summary
    # The first batch (one requester's two requests) committed with its right and e-mail, no more.
    assert AccessRequest.objects.filter(state=AccessRequestState.TACIT).count() == 2
    assert Right.objects.count() == 2
    [told] = OutboundMessage.objects.filter(event=GRANTED)
    monkeypatch.setattr(services, "rights_from_requests", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert accept_pending_access_requests() == "4 demande(s) acceptée(s) tacitement, 0 relance(s)"
    assert not AccessRequest.objects.filter(state=AccessRequestState.PENDING).exists()
    assert Right.objects.count() == 6
    messages = delivered(GRANTED)
    assert sorted(messages) == sorted(m.user.email for m in people)  # each once, none lost
    assert all(m.subject == "Espace Organismes : vos 2 demandes d'accès sont accordées" for [m] in messages.values())
    assert told.pk in {m.pk for [m] in messages.values()}
    assert JobRun.objects.filter(name="accept_pending_access_requests").first().ok


# --- Reminders -----------------------------------------------------------------------------------------


def test_each_validator_is_reminded_once_a_day_of_the_requests_waiting_for_them(django_capture_on_commit_callbacks):
    first, away = correspondent(), None
    away = correspondent(first.organisation)
    delegation = DelegationFactory(organisme=first.organisation, absent=away.user)  # away: its delegate decides
    without = OrganismeOrgFactory()  # no correspondent: the central admins decide
    admin = ucanss_admin()
    central = ApplicationFactory(central=True)
    manager = app_manager(central)
    local = [AccessRequestFactory(organisme=first.organisation, days_ago=4) for _ in range(2)]
    old = AccessRequestFactory(organisme=first.organisation, days_ago=8)  # both reminders in this run
    own = AccessRequestFactory(organisme=first.organisation, user=first.user, days_ago=4)  # not to its author
    orphan = AccessRequestFactory(organisme=without, days_ago=5)
    managed = AccessRequestFactory(organisme=first.organisation, application=central, days_ago=4)
    AccessRequestFactory(organisme=first.organisation, days_ago=1)  # too young
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(batch_size=2) == 7  # six requests, one of them twice
        assert services.reminders_send(batch_size=2) == 0
    messages = delivered(REMINDER)
    assert sorted(messages) == sorted(
        [first.user.email, delegation.delegate.email, admin.user.email, manager.user.email]
    )
    third_day, seventh_day = messages[first.user.email]
    assert third_day.subject == "Relance : 3 demandes d'accès en attente" and lists(third_day, [*local, old])
    assert "attendent votre décision depuis 3 jours" in third_day.body and own.application.name not in third_day.body
    assert seventh_day.subject == f"Relance : demande d'accès à {old.application.name} en attente"
    assert "attend votre décision depuis 7 jours" in seventh_day.body
    delegate_third, _delegate_seventh = messages[delegation.delegate.email]
    assert delegate_third.subject == "Relance : 4 demandes d'accès en attente" and lists(
        delegate_third, [*local, old, own]
    )
    [to_admin] = messages[admin.user.email]
    assert lists(to_admin, [orphan]) and f"{orphan.user.get_full_name()} ({without.name})" in to_admin.body
    [to_manager] = messages[manager.user.email]
    assert lists(to_manager, [managed]) and managed.application.name not in third_day.body
    assert "Sauf refus formel, elle sera acceptée tacitement le " in to_manager.body
    assert set(AccessRequest.objects.filter(pk__in=[r.pk for r in local]).values_list("reminders_sent", flat=True)) == {
        1
    }
    assert AccessRequest.objects.get(pk=old.pk).reminders_sent == 2


def reminder_world(count):
    """`count` requests waiting 4 days: organismes with correspondents, one with a delegation, one without
    any correspondent, and central applications."""
    ucanss_admin()
    organismes = [correspondent().organisation for _ in range(max(1, count // 6))]
    DelegationFactory(organisme=organismes[0])
    organismes.append(OrganismeOrgFactory())
    centrals = [ApplicationFactory(central=True) for _ in range(max(1, count // 10))]
    for application in centrals:
        app_manager(application)
    for index in range(count):
        application = centrals[index % len(centrals)] if index % 3 == 0 else ApplicationFactory()
        AccessRequestFactory(organisme=organismes[index % len(organismes)], application=application, days_ago=4)


def test_the_reminders_run_a_constant_number_of_queries_per_batch(django_capture_on_commit_callbacks):
    reminder_world(1)
    services.reminders_send()  # warm-up, not measured
    tasks = []
    with constant_queries() as measure:
        for count in (3, 30):
            reminder_world(count)
            with django_capture_on_commit_callbacks(execute=False) as callbacks, measure():
                assert services.reminders_send() == count
            tasks.append(len(callbacks))
    assert tasks == [1, 1]  # one delivery task per batch
