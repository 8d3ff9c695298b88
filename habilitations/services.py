"""Every write of the Espace Organismes: keyword-only, one transaction each.

Decisions are steps of the declared workflows (workflows.py): row lock in the actor's scope, state
check, decision stamp, history, notification on commit.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind, Role, SecurityEventKind, Space
from accounts.models import Membership, Organisation
from accounts.services.security_log import log_event
from core.history import record_transition
from core.notifications import batched as notifications_batched
from core.notifications import emit, emit_many, send_email
from core.workflows import run_in_batches

from . import notifications, selectors
from .enums import REMINDER_DAYS, AccessRequestState, AccountRequestState, RightState
from .models import (
    AccessRequest,
    AccountRequest,
    Application,
    ApplicationUserPermission,
    Delegation,
    Organisme,
    Profile,
    Right,
    Subscription,
    WebmasterMessage,
)
from .workflows import ACCESS_REQUEST, ACCOUNT_REQUEST, RIGHT

logger = logging.getLogger(__name__)
User = get_user_model()


def _permission(codename):
    # Not cached in the process: content types and permissions may be recreated (tests flushing the database).
    return Permission.objects.get(content_type__app_label="habilitations", codename=codename)


def _grant(user, application, codename):
    ApplicationUserPermission.objects.get_or_create(
        user=user, content_object=application, permission=_permission(codename)
    )


def _ungrant(user, application, codename):
    ApplicationUserPermission.objects.filter(
        user=user, content_object=application, permission=_permission(codename)
    ).delete()


def email_is_known(email):
    email = (email or "").strip()
    return (
        User.objects.filter(identifier__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
        or AccountRequest.objects.filter(email__iexact=email, state=AccountRequestState.PENDING).exists()
    )


# --- account requests ------------------------------------------------------------------------------


@transaction.atomic
def account_request_submit(
    *, email, civility, first_name, last_name, birth_name="", organisme, second_organisme=None, phone, contact_email=""
):
    """Records an anonymous account request and tells the organisme's validators; an address already
    known gets no second account (its owner is told by e-mail), the page says the same in both cases."""
    email = email.strip().lower()
    if email_is_known(email):
        send_email(
            to=email,
            template="habilitations/emails/account_already_known",
            context={"forgot_url": notifications.portal_url("/compte/mot-de-passe-oublie/organismes/")},
            event=notifications.ACCOUNT_RECEIVED,
        )
        return None
    if second_organisme is not None and second_organisme.pk == organisme.pk:
        second_organisme = None
    account_request = AccountRequest(
        email=email,
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        birth_name=birth_name,
        organisme=organisme,
        second_organisme=second_organisme,
        phone=phone,
        contact_email=contact_email,
    )
    account_request.full_clean()
    account_request.save()
    record_transition(account_request, actor=None, from_state="", to_state=AccountRequestState.PENDING)
    emit(notifications.ACCOUNT_RECEIVED, account_request)
    emit(notifications.ACCOUNT_TO_DECIDE, account_request)
    if account_request.second_organisme_id:
        emit(notifications.ACCOUNT_SECOND_ORGANISME, account_request)
    return account_request


@transaction.atomic
def account_request_accept(*, account_request_id, actor, scope):
    """Creates the account (no password: the requester chooses one through the one-time link of the
    e-mail), its memberships in the organisme and the second one, and accepts the request."""
    account_request = scope.select_for_update(of=("self",)).filter(pk=account_request_id).first()
    if account_request is None:
        return ACCOUNT_REQUEST.run("accept", account_request_id, actor=actor, scope=scope)  # ObjectGone
    if account_request.state != AccountRequestState.PENDING:
        return ACCOUNT_REQUEST.run("accept", account_request, actor=actor, scope=scope)  # TransitionNotAllowed
    if (
        User.objects.filter(identifier__iexact=account_request.email).exists()
        or User.objects.filter(email__iexact=account_request.email).exists()
    ):
        raise ValidationError(_("Un compte existe déjà pour l’adresse %(email)s.") % {"email": account_request.email})
    user = User(
        identifier=account_request.email,
        email=account_request.email,
        civility=account_request.civility,
        first_name=account_request.first_name,
        last_name=account_request.last_name,
        birth_name=account_request.birth_name,
        phone=account_request.phone,
    )
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, contact_email=account_request.contact_email)
    for organisation in filter(None, [account_request.organisme, account_request.second_organisme]):
        Membership.objects.create(user=user, organisation=organisation, role=Role.ORGANISME_USER, updated_by=actor)
    return ACCOUNT_REQUEST.run("accept", account_request, actor=actor, scope=scope, updates={"user": user})


def account_request_refuse(*, account_request_id, actor, scope, reason):
    return ACCOUNT_REQUEST.run("refuse", account_request_id, actor=actor, scope=scope, reason=reason)


# --- access requests -------------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, user, application, organisme, justification=""):
    """A request to use `application` for `organisme` (one of the user's), sent to its validators."""
    from accounts.perms import active_memberships

    if not any(
        m.organisation_id == organisme.pk and m.role in (Role.CORRESPONDENT, Role.ORGANISME_USER)
        for m in active_memberships(user)
    ):
        raise ValidationError({"organisme": _("Choisissez l’un de vos organismes.")})
    if not application.is_active:
        raise ValidationError(_("Cette application n’est plus proposée."))
    if Right.objects.filter(user=user, application=application, organisme=organisme, state=RightState.ACTIVE).exists():
        raise ValidationError(_("Vous avez déjà accès à cette application."))
    if AccessRequest.objects.filter(
        user=user, application=application, organisme=organisme, state=AccessRequestState.PENDING
    ).exists():
        raise ValidationError(_("Une demande pour cette application est déjà en attente."))
    try:
        with transaction.atomic():
            access_request = AccessRequest.objects.create(
                user=user, application=application, organisme=organisme, justification=justification.strip()
            )
    except IntegrityError as exc:  # the same request sent twice at once
        raise ValidationError(_("Une demande pour cette application est déjà en attente.")) from exc
    record_transition(access_request, actor=user, from_state="", to_state=AccessRequestState.PENDING)
    emit(notifications.ACCESS_TO_DECIDE, access_request, actor=user)
    return access_request


def access_request_grant(*, access_request_id, actor, scope):
    return ACCESS_REQUEST.run("grant", access_request_id, actor=actor, scope=scope)


def access_request_refuse(*, access_request_id, actor, scope, reason):
    return ACCESS_REQUEST.run("refuse", access_request_id, actor=actor, scope=scope, reason=reason)


def access_request_cancel(*, access_request_id, actor):
    return ACCESS_REQUEST.run("cancel", access_request_id, actor=actor, scope=AccessRequest.objects.filter(user=actor))


def right_from_request(*, access_request, actor, now=None):
    """The right an accepted request gives (called inside the step's transaction): a Right and the grant."""
    right = Right.objects.create(
        user=access_request.user,
        application=access_request.application,
        organisme=access_request.organisme,
        request=access_request,
        granted_at=now or timezone.now(),
        granted_by=actor if getattr(actor, "pk", None) else None,
        tacit=actor is None,
    )
    _grant(access_request.user, access_request.application, "use_application")
    return right


def rights_from_requests(*, access_requests, now):
    """The rights of a batch of requests accepted tacitly (the timed step's batch), each table written by
    one INSERT ... SELECT from the requests' rows (no model built per row: 100,000 requests in a run). A
    request that has its right already, or whose user holds that right otherwise (given directly
    meanwhile), gets no second one: the unique indexes (one right per request, one active right per
    user, application and organisme) make the insert skip it (ON CONFLICT DO NOTHING); grants already
    there are kept."""
    ids = [r.pk for r in access_requests]
    if not ids:
        return
    requests_table = AccessRequest._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Right._meta.db_table} "  # noqa: S608 - table names from the models, values bound
            "(user_id, application_id, organisme_id, request_id, granted_at, granted_by_id, tacit, state, "
            "decided_at, decided_by_id, decision_reason) "
            f"SELECT user_id, application_id, organisme_id, id, %s, NULL, %s, %s, NULL, NULL, '' "
            f"FROM {requests_table} WHERE id IN ({marks}) ORDER BY id ON CONFLICT DO NOTHING",
            [now, True, RightState.ACTIVE, *ids],
        )
        cursor.execute(
            f"INSERT INTO {ApplicationUserPermission._meta.db_table} "  # noqa: S608 - as above
            "(user_id, content_object_id, permission_id) "
            f"SELECT DISTINCT user_id, application_id, %s FROM {requests_table} WHERE id IN ({marks}) "
            "ON CONFLICT DO NOTHING",
            [_permission("use_application").pk, *ids],
        )


def right_withdrawn(*, right):
    """After a revocation (inside its transaction): the grant goes when no other right remains, and the
    application's tokens of the user are revoked at once."""
    still = Right.objects.filter(user=right.user, application=right.application, state=RightState.ACTIVE).exists()
    if not still:
        _ungrant(right.user, right.application, "use_application")
        from . import oidc

        oidc.tokens_revoke(user=right.user, application=right.application)


def right_revoke(*, right_id, actor, scope, reason):
    return RIGHT.run("revoke", right_id, actor=actor, scope=scope, reason=reason)


@transaction.atomic
def right_grant_directly(*, user, application, organisme, actor=None):
    """A right given without a request (the Aide aux aidants account, the demo data)."""
    right = Right.objects.filter(
        user=user, application=application, organisme=organisme, state=RightState.ACTIVE
    ).first()
    if right is None:
        right = Right.objects.create(
            user=user, application=application, organisme=organisme, granted_by=actor, tacit=False
        )
        record_transition(right, actor=actor, from_state="", to_state=RightState.ACTIVE)
    _grant(user, application, "use_application")
    return right


# --- the timed job: tacit acceptance and reminders -------------------------------------------------


TACIT_BATCH_SIZE = 1000


def tacit_acceptance_run(*, now=None, dry_run=False, batch_size=TACIT_BATCH_SIZE, limit=None, should_stop=None):
    """Accepts the requests neither granted nor refused 10 days after they were made (the "acceptée
    tacitement" step, a system decision), in batches with SKIP LOCKED: idempotent, safe with two workers.
    Each requester is told once per run, one e-mail listing their requests accepted (a batch holds a
    requester's requests together)."""
    now = now or timezone.now()
    return ACCESS_REQUEST.run_due(
        "accept_tacitly",
        # What the rights and the e-mail read (notifications._granted_context), loaded with each batch.
        selectors.due_for_tacit_acceptance(now).select_related("user").prefetch_related("application", "organisme"),
        batch_size=batch_size,
        limit=limit,
        dry_run=dry_run,
        should_stop=should_stop,
        now=now,
        group_by="user_id",
    )


def reminders_send(*, now=None, dry_run=False, batch_size=TACIT_BATCH_SIZE, should_stop=None):
    """Reminds the validators of a request pending for 3 days, then 7 days (once each): one e-mail per
    validator and batch listing the requests waiting for them (a batch holds an organisme's requests
    together). In batches with SKIP LOCKED, one transaction each: the validators of a batch are found with
    a few queries, its messages inserted together and delivered by one task. Returns how many reminders
    (requests reminded, for each of the two days) were sent, or would be."""
    now = now or timezone.now()
    sent = 0
    for number, days in enumerate(REMINDER_DAYS, start=1):
        due = AccessRequest.objects.filter(
            state=AccessRequestState.PENDING, reminders_sent__lt=number, created_at__lte=now - timedelta(days=days)
        )
        if dry_run:
            sent += due.count()
            continue

        def remind(batch, number=number, days=days):
            with notifications_batched():
                emit_many(notifications.ACCESS_REMINDER, batch, context={"days": days})
            AccessRequest.objects.filter(pk__in=[r.pk for r in batch]).update(reminders_sent=number)

        sent += run_in_batches(
            due.select_related("application", "organisme", "user"),
            remind,
            batch_size=batch_size,
            should_stop=should_stop,
            group_by="organisme_id",
            label=f"relance du jour {days}",
        )
    return sent


# --- profile, newsletters, delegations, contact ----------------------------------------------------


@transaction.atomic
def profile_update(*, user, civility, first_name, last_name, birth_name, email, contact_email, phone):
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.is_director:
        raise ValidationError(
            _("Vos coordonnées viennent du Référentiel des Agents de Direction : mettez-les à jour là-bas.")
        )
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("Cette adresse est déjà celle d’un autre compte.")})
    user.civility, user.first_name, user.last_name, user.birth_name = civility, first_name, last_name, birth_name
    user.email, user.phone = email, phone
    user.save(update_fields=["civility", "first_name", "last_name", "birth_name", "email", "phone"])
    profile.contact_email = contact_email
    profile.save(update_fields=["contact_email"])
    log_event(SecurityEventKind.CONTACT_CHANGED, user=user, space="habilitations")
    return user


@transaction.atomic
def subscriptions_set(*, user, newsletters):
    """The user's newsletters become exactly `newsletters`."""
    wanted = set(newsletters)
    Subscription.objects.filter(user=user).exclude(newsletter__in=wanted).delete()
    have = set(Subscription.objects.filter(user=user).values_list("newsletter", flat=True))
    Subscription.objects.bulk_create([Subscription(user=user, newsletter=n) for n in sorted(wanted - have)])
    return wanted


@transaction.atomic
def delegation_create(*, absent, organisme, delegate, starts_on, ends_on):
    if (
        not Membership.objects.active()
        .filter(user=delegate, organisation=organisme, role__in=[Role.CORRESPONDENT, Role.ORGANISME_USER])
        .exists()
    ):
        raise ValidationError({"delegate": _("Choisissez un membre de votre organisme.")})
    delegation = Delegation(absent=absent, organisme=organisme, delegate=delegate, starts_on=starts_on, ends_on=ends_on)
    delegation.full_clean()
    delegation.save()
    return delegation


@transaction.atomic
def delegation_end(*, delegation_id, actor):
    delegation = Delegation.objects.select_for_update().get(pk=delegation_id, absent=actor)
    today = timezone.localdate()
    if delegation.starts_on > today:
        delegation.delete()
        return None
    delegation.ends_on = max(delegation.starts_on, today - timedelta(days=1))
    delegation.save(update_fields=["ends_on"])
    return delegation


@transaction.atomic
def webmaster_message_send(*, user, name, email, subject, text):
    message = WebmasterMessage.objects.create(
        user=user if getattr(user, "pk", None) else None, name=name, email=email, subject=subject, text=text
    )
    emit(notifications.WEBMASTER_MESSAGE, message)
    return message


# --- central admins --------------------------------------------------------------------------------


@transaction.atomic
def organisme_save(*, organisation=None, code, name, address="", postcode="", town="", phone=""):
    if organisation is None:
        organisation = Organisation(kind=OrganisationKind.ORGANISME)
    organisation.code, organisation.name = code, name
    organisation.full_clean()
    organisation.save()
    Organisme.objects.update_or_create(
        organisation=organisation, defaults={"address": address, "postcode": postcode, "town": town, "phone": phone}
    )
    return organisation


@transaction.atomic
def application_save(*, application=None, **fields):
    application = application or Application()
    for name, value in fields.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_managers_set(*, application, managers):
    """The app managers who manage `application` become exactly `managers` (guardian grants)."""
    wanted = {u.pk for u in managers}
    for user in managers:
        _grant(user, application, "manage_application")
    ApplicationUserPermission.objects.filter(
        content_object=application, permission=_permission("manage_application")
    ).exclude(user_id__in=wanted).delete()
    return wanted


# --- Aide aux aidants (004) ------------------------------------------------------------------------

CAREGIVER_APPLICATION = "aide-aux-aidants"


@transaction.atomic
def caregiver_account_create(
    *, code, first_name, last_name, email, birth_date, address, postcode, town, phone, password, request=None
):
    """Opens an organisme's "Aide aux aidants" account: identifier = the organisme's code followed by RH,
    names = the structure, a generic e-mail; the health-data consent is recorded with the space's text."""
    from accounts.services.consent import consent_accept, current_texts

    organisation = selectors.organismes().filter(code=code[:6]).first()
    if organisation is None:
        raise ValidationError(
            {
                "code": _("Aucun organisme n’a le code %(code)s. Vérifiez-le auprès de votre correspondant.")
                % {"code": code[:6]}
            }
        )
    if User.objects.filter(identifier__iexact=code).exists():
        raise ValidationError(
            {
                "code": _(
                    "Un compte Aide aux aidants existe déjà pour ce code. Utilisez « Mot de passe "
                    "oublié » si vous ne le retrouvez plus."
                )
            }
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _(
                    "Cette adresse est déjà celle d’un autre compte : choisissez l’adresse générique de l’équipe RH."
                )
            }
        )
    user = User(identifier=code, email=email, first_name=first_name, last_name=last_name, phone=phone)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    Profile.objects.create(user=user, birth_date=birth_date, address=address, postcode=postcode, town=town)
    Membership.objects.create(user=user, organisation=organisation, role=Role.ORGANISME_USER)
    texts = list(current_texts([Space.HABILITATIONS]))
    if texts:
        consent_accept(user=user, texts=texts, extras=["health_data"], request=request)
    application = Application.objects.filter(slug=CAREGIVER_APPLICATION, is_active=True).first()
    if application is not None:
        right_grant_directly(user=user, application=application, organisme=organisation)
    return user


# --- single sign-on clients ------------------------------------------------------------------------


@transaction.atomic
def oidc_client_register(*, application, redirect_uris, client_id=None, client_secret=None):
    """Creates or renews the application's OpenID Connect client (confidential, authorisation code,
    RS256). Returns (client, secret): the plain secret exists only in this return value (stored hashed)."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import get_application_model

    Client = get_application_model()
    secret = client_secret or generate_client_secret()
    client = application.oauth_client or Client(
        name=application.name,
        client_type=Client.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        algorithm=Client.RS256_ALGORITHM,
        skip_authorization=True,
    )
    if client_id:
        client.client_id = client_id
    client.redirect_uris = " ".join(redirect_uris)
    client.client_secret = secret
    client.hash_client_secret = True
    client.save()
    if application.oauth_client_id != client.pk:
        application.oauth_client = client
        application.save(update_fields=["oauth_client"])
    return client, secret
