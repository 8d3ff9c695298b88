"""E-mail events of the Espace Organismes, declared once (core.notifications): templates, recipients."""

import functools

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.enums import Space
from core.notifications import register_event

ACCOUNT_RECEIVED = "habilitations.account_request_received"
ACCOUNT_TO_DECIDE = "habilitations.account_request_to_decide"
ACCOUNT_SECOND_ORGANISME = "habilitations.account_request_second_organisme"
ACCOUNT_ACCEPTED = "habilitations.account_request_accepted"
ACCOUNT_REFUSED = "habilitations.account_request_refused"
ACCESS_TO_DECIDE = "habilitations.access_request_to_decide"
ACCESS_REMINDER = "habilitations.access_request_reminder"
ACCESS_GRANTED = "habilitations.access_request_granted"
ACCESS_REFUSED = "habilitations.access_request_refused"
RIGHT_REVOKED = "habilitations.right_revoked"
WEBMASTER_MESSAGE = "habilitations.webmaster_message"


def portal_url(path):
    """An absolute link for an e-mail (PORTAL_URL: the portal's public address)."""
    return getattr(settings, "PORTAL_URL", "http://localhost:8000").rstrip("/") + path


def _requester_address(account_request):
    return [account_request.email]


def _account_validators(account_request):
    from .selectors import account_request_validators

    return account_request_validators(account_request.organisme)


def _second_organisme_validators(account_request):
    from .selectors import account_request_informed

    return account_request_informed(account_request)


def _accepted_context(account_request):
    from accounts.services.credentials import password_reset_url

    url = password_reset_url(account_request.user) if account_request.user_id else ""
    return {
        "set_password_url": portal_url(url) if url else "",
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


def _access_validators(access_request):
    from .selectors import access_request_validators

    return access_request_validators(access_request)


def _access_validators_many(access_requests):
    from .selectors import access_request_validators_many

    return access_request_validators_many(access_requests)


def _requester(access_request):
    return [access_request.user]


@functools.cache
def _path(name):
    """A page's path (fixed at start-up): reversed once, not for each of a batch's 500 messages."""
    from django.urls import reverse

    return reverse(name)


def _access_context(access_request):
    return {
        "application": access_request.application,
        "organisme": access_request.organisme,
        "requester": access_request.user,
        "queue_url": portal_url(_path("habilitations:queue")),
        "history_url": portal_url(_path("habilitations:my_rights")),
    }


def _reminder_context(access_request):
    """What a reminder says of each request (captured: rendered at delivery, one e-mail per validator
    listing the batch's requests; `days` is given by the job)."""
    return {
        "requester": access_request.user.get_full_name(),
        "organisme": access_request.organisme.name,
        "application": access_request.application.name,
        "tacit_on": access_request.tacit_on,
        "queue_url": portal_url(_path("habilitations:queue")),
    }


def _granted_context(access_request):
    """What the acceptance says of each request (captured: rendered at delivery; the tacit acceptance
    tells each requester once, listing the batch's requests)."""
    from .enums import AccessRequestState

    return {
        "first_name": access_request.user.first_name,
        "last_name": access_request.user.last_name,
        "application": access_request.application.name,
        "organisme": access_request.organisme.name,
        "tacit": access_request.state == AccessRequestState.TACIT,
    }


def _holder(right):
    return [right.user]


def _webmaster(message):
    return [getattr(settings, "HABILITATIONS_WEBMASTER_EMAIL", "webmaster@ucanss.localhost")]


def register():
    # Work messages: always sent (a requester must hear of the decision, a validator of the queue).
    common = {"space": Space.HABILITATIONS, "optional": False}
    register_event(
        ACCOUNT_RECEIVED,
        _("Demande de compte reçue"),
        template="habilitations/emails/account_request_received",
        recipients=_requester_address,
        **common,
    )
    register_event(
        ACCOUNT_TO_DECIDE,
        _("Demande de compte à traiter"),
        template="habilitations/emails/account_request_to_decide",
        recipients=_account_validators,
        **common,
    )
    register_event(
        ACCOUNT_SECOND_ORGANISME,
        _("Demande de compte nommant votre organisme en second"),
        template="habilitations/emails/account_request_second_organisme",
        recipients=_second_organisme_validators,
        **common,
    )
    register_event(
        ACCOUNT_ACCEPTED,
        _("Demande de compte acceptée"),
        template="habilitations/emails/account_request_accepted",
        recipients=_requester_address,
        context=_accepted_context,
        **common,
    )
    register_event(
        ACCOUNT_REFUSED,
        _("Demande de compte refusée"),
        template="habilitations/emails/account_request_refused",
        recipients=_requester_address,
        **common,
    )
    register_event(
        ACCESS_TO_DECIDE,
        _("Demande d’habilitation à traiter"),
        template="habilitations/emails/access_request_to_decide",
        recipients=_access_validators,
        context=_access_context,
        **common,
    )
    # Sent by the timed job: one e-mail per validator and batch listing the requests waiting for them,
    # their validators found with a few queries per batch, rendered by the delivery task.
    register_event(
        ACCESS_REMINDER,
        _("Relance : demande d’habilitation en attente"),
        template="habilitations/emails/access_request_reminder",
        recipients=_access_validators,
        recipients_many=_access_validators_many,
        context=_reminder_context,
        render_at_delivery=True,
        group=True,
        **common,
    )
    # A validator's grant (one request), or the tacit acceptance (one e-mail per requester and run listing
    # the requests accepted), rendered by the delivery task.
    register_event(
        ACCESS_GRANTED,
        _("Habilitation accordée"),
        template="habilitations/emails/access_request_granted",
        recipients=_requester,
        context=_granted_context,
        render_at_delivery=True,
        group=True,
        **common,
    )
    register_event(
        ACCESS_REFUSED,
        _("Habilitation refusée"),
        template="habilitations/emails/access_request_refused",
        recipients=_requester,
        context=_access_context,
        **common,
    )
    register_event(
        RIGHT_REVOKED,
        _("Habilitation retirée"),
        template="habilitations/emails/right_revoked",
        recipients=_holder,
        **common,
    )
    register_event(
        WEBMASTER_MESSAGE,
        _("Message au webmestre"),
        template="habilitations/emails/webmaster_message",
        recipients=_webmaster,
        **common,
    )
