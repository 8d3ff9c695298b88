"""Events of the Prestations space, each declared once: its switch, its templates, who is told.

Steps of benefits.workflows emit them (core.notifications.emit: outbox rows in the step's transaction,
delivered after commit); services emit the one that is not a step (a request awaiting approval).
"""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role, Space
from accounts.selectors import members_with_role, members_with_role_by_organisation
from core.notifications import register_event

EVENT_PAID = "benefits.request_paid"
EVENT_REFUSED = "benefits.request_refused"
EVENT_PURGED = "benefits.request_purged"
EVENT_PURGE_SOON = "benefits.request_purge_soon"
EVENT_AWAITING_APPROVAL = "benefits.request_awaiting_approval"
EVENT_DOCUMENT_VALIDATED = "benefits.family_document_validated"
EVENT_DOCUMENT_REJECTED = "benefits.family_document_rejected"

MANAGERS = (Role.COOP_MANAGER,)
FAMILY = (Role.COOPERATOR,)


def link(path):
    """An absolute link for an e-mail (PORTAL_URL + path)."""
    return f"{getattr(settings, 'PORTAL_URL', '').rstrip('/')}{path}"


@functools.cache
def _request_path_around_pk():
    """The path of a request's page around its id, reversed once (not for each of a job's 100,000)."""
    marker = "2147483647"
    head, tail = reverse("benefits:request_detail", args=[int(marker)]).split(marker)
    return head, tail


def request_link(pk):
    head, tail = _request_path_around_pk()
    return link(f"{head}{pk}{tail}")


def mask_iban(value):
    """FR76 •••• 0189: enough for the family to recognise it, not enough to reuse it."""
    value = value or ""
    return f"{value[:4]} •••• {value[-4:]}" if len(value) > 8 else value


def request_context(request_obj):
    return {
        "reference": request_obj.reference,
        "benefit": request_obj.benefit_type.name,
        "beneficiary": request_obj.beneficiary_name,
        "cooperator": request_obj.cooperator.get_full_name(),
        "cooperative": request_obj.cooperative.organisation.name,
        "amount": request_obj.amount,
        "payment_date": request_obj.payment_date,
        "reason": request_obj.decision_reason,
        "created_at": request_obj.created_at,
        "purge_at": request_obj.purge_at,
        "url": link(request_obj.get_absolute_url()) if request_obj.pk else "",
    }


def purged_context(request_obj):
    """What the purge's e-mail says of each request (captured: it is rendered at delivery, once the
    request is gone)."""
    return {
        "reference": request_obj.reference,
        "benefit": request_obj.benefit_type.name,
        "beneficiary": request_obj.beneficiary_name,
        "created_at": request_obj.created_at,
    }


def purge_soon_context(request_obj):
    """What the reminder says of each request (captured: rendered at delivery, one e-mail listing a
    recipient's requests of the run)."""
    return {
        "reference": request_obj.reference,
        "benefit": request_obj.benefit_type.name,
        "beneficiary": request_obj.beneficiary_name,
        "cooperator": request_obj.cooperator.get_full_name(),
        "cooperative": request_obj.cooperative.organisation.name,
        # Days in Europe/Paris (what the e-mail shows), shorter to keep than times: 100,000 in a run.
        "created_on": timezone.localdate(request_obj.created_at),
        "purge_on": timezone.localdate(request_obj.purge_at),
        "url": request_link(request_obj.pk),
    }


def managers(request_obj):
    """The HR managers of the request's cooperative."""
    return members_with_role(request_obj.cooperative.organisation_id, *MANAGERS)


def requester_family_and_managers(request_obj):
    """Who entered the request, the cooperator (with an account) and the cooperative's HR managers."""
    return [request_obj.created_by, request_obj.cooperator.user, *managers(request_obj)]


def family_address(cooperator):
    """The family itself: its account when it has one, else its e-mail address (every cooperator has one)."""
    return cooperator.user if cooperator.user_id and cooperator.user.email else cooperator.email


def cooperator_address(request_obj):
    return [request_obj.cooperator.email]


def managers_and_family(request_obj):
    return [*managers(request_obj), family_address(request_obj.cooperator)]


def managers_and_family_many(requests):
    """managers_and_family() for a batch: the HR managers of all its cooperatives in one query."""
    organisations = {request_obj.cooperative.organisation_id for request_obj in requests}
    found = members_with_role_by_organisation(organisations, *MANAGERS)
    return [[*found.get(r.cooperative.organisation_id, ()), family_address(r.cooperator)] for r in requests]


def document_context(document):
    cooperator = document.cooperator
    return {
        "document": document.get_kind_display(),
        "family": cooperator.get_full_name(),
        "family_number": cooperator.family_number,
        "is_bank_details": bool(document.iban),
        "iban": mask_iban(document.iban),
        "reason": document.decision_reason,
        "url": link(reverse("benefits:cooperator_detail", args=[cooperator.pk]) + "#documents"),
    }


def document_family(document):
    return [family_address(document.cooperator)]


register_event(
    EVENT_PAID,
    _("Une demande de prestation est payée"),
    space=Space.BENEFITS,
    template="benefits/emails/request_paid",
    recipients=requester_family_and_managers,
    context=request_context,
)
register_event(
    EVENT_REFUSED,
    _("Une demande de prestation est refusée"),
    space=Space.BENEFITS,
    template="benefits/emails/request_refused",
    recipients=requester_family_and_managers,
    context=request_context,
)
register_event(
    EVENT_AWAITING_APPROVAL,
    _("Une demande saisie par un coopérateur attend l'accord de la coopérative"),
    space=Space.BENEFITS,
    template="benefits/emails/awaiting_approval",
    recipients=managers,
    context=request_context,
    audience=MANAGERS,
)
# Always sent: the cooperator must know the request has to be entered again. One e-mail per cooperator
# and run of the purge, listing their requests (`items`), rendered by the delivery task.
register_event(
    EVENT_PURGED,
    _("Une demande non validée a été supprimée"),
    space=Space.BENEFITS,
    optional=False,
    template="benefits/emails/request_purged",
    recipients=cooperator_address,
    context=purged_context,
    render_at_delivery=True,
    group=True,
)
# Always sent, a few days before the purge: to the HR managers who can still approve, and to the cooperator.
# One e-mail per recipient and run of the reminder, listing their requests (`items`), rendered by the
# delivery task; the batch's HR managers found with one query.
register_event(
    EVENT_PURGE_SOON,
    _("Une demande sans accord sera bientôt supprimée"),
    space=Space.BENEFITS,
    optional=False,
    template="benefits/emails/request_purge_soon",
    recipients=managers_and_family,
    recipients_many=managers_and_family_many,
    context=purge_soon_context,
    render_at_delivery=True,
    group=True,
)
# Always sent: a validated RIB changes where the family is paid.
register_event(
    EVENT_DOCUMENT_VALIDATED,
    _("Un document de famille est validé (et les coordonnées bancaires changées)"),
    space=Space.BENEFITS,
    optional=False,
    template="benefits/emails/family_document_validated",
    recipients=document_family,
    context=document_context,
)
register_event(
    EVENT_DOCUMENT_REJECTED,
    _("Un document de famille est refusé"),
    space=Space.BENEFITS,
    template="benefits/emails/family_document_rejected",
    recipients=document_family,
    context=document_context,
    audience=FAMILY,
)
