"""E-mails of the Prestations space: written in the caller's transaction, delivered after commit."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Space
from core.notifications import notify, register_event, send_email

EVENT_PAID = "benefits.request_paid"
EVENT_REFUSED = "benefits.request_refused"
EVENT_PURGED = "benefits.request_purged"
EVENT_AWAITING_APPROVAL = "benefits.request_awaiting_approval"

register_event(EVENT_PAID, _("Une demande de prestation est payée"), space=Space.BENEFITS)
register_event(EVENT_REFUSED, _("Une demande de prestation est refusée"), space=Space.BENEFITS)
register_event(
    EVENT_AWAITING_APPROVAL,
    _("Une demande saisie par un coopérateur attend l'accord de la coopérative"),
    space=Space.BENEFITS,
)
# Always sent: the cooperator must know the request has to be entered again.
register_event(EVENT_PURGED, _("Une demande non validée a été supprimée"), space=Space.BENEFITS, optional=False)


def _context(request_obj):
    return {
        "reference": request_obj.reference,
        "benefit": request_obj.benefit_type.name,
        "beneficiary": request_obj.beneficiary_name,
        "cooperator": request_obj.cooperator.get_full_name(),
        "cooperative": request_obj.cooperative.organisation.name,
        "amount": request_obj.amount,
        "payment_date": request_obj.payment_date,
        "reason": request_obj.refusal_reason,
        "created_at": request_obj.created_at,
    }


def _recipients(request_obj):
    """The requester, the cooperator (if they have an account) and the cooperative's HR managers, once each."""
    from .services import membership_managers

    users = []
    for user in [request_obj.created_by, request_obj.cooperator.user, *membership_managers(request_obj.cooperative)]:
        if user is not None and user.is_active and all(user.pk != u.pk for u in users):
            users.append(user)
    return users


def _send_to_all(request_obj, event, template):
    context = _context(request_obj)
    sent = []
    for user in _recipients(request_obj):
        sent.extend(notify(user, event, template=template, context=context))
    return sent


def request_paid(request_obj):
    return _send_to_all(request_obj, EVENT_PAID, "benefits/emails/request_paid")


def request_refused(request_obj):
    return _send_to_all(request_obj, EVENT_REFUSED, "benefits/emails/request_refused")


def awaiting_approval(request_obj):
    from .services import membership_managers

    context = _context(request_obj)
    return [
        message
        for user in membership_managers(request_obj.cooperative)
        for message in notify(
            user, EVENT_AWAITING_APPROVAL, template="benefits/emails/awaiting_approval", context=context
        )
    ]


def request_purged(request_obj):
    """To the cooperator's e-mail address (every cooperator has one), account or not."""
    cooperator = request_obj.cooperator
    address = cooperator.email or (cooperator.user.email if cooperator.user_id else "")
    if not address:
        return None
    return send_email(
        to=address,
        template="benefits/emails/request_purged",
        context=_context(request_obj),
        user=cooperator.user,
        event=EVENT_PURGED,
    )
