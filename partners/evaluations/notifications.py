"""E-mail events of the exchanges: an order received (the structure), evaluations transmitted (the
fund's administrators, else the national admins, who cannot read them but appoint an administrator),
an order cancelled and an evaluation sent back (the structure), a payment slip issued (the
structure). E-mails never carry health data: a file number and a link, the reader signs in to see
the rest."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role, Space
from accounts.selectors import members_with_role
from core.notifications import register_event

ORDER_RECEIVED = "partners.evaluation_ordered"
ORDER_CANCELLED = "partners.evaluation_cancelled"
EVALUATION_RETURNED = "partners.evaluation_returned"
SLIP_ISSUED = "partners.payment_slip_issued"
TRANSMITTED = "partners.evaluations_transmitted"


def structure_users(evaluation_or_slip):
    """Every active user of the structure (orders are shared by the structure's team)."""
    return members_with_role(evaluation_or_slip.partner.organisation_id, Role.PARTNER_USER)


def _returned_recipients(evaluation):
    """The assigned evaluator (when still a member), else the structure's administrators, else its users."""
    users = structure_users(evaluation)
    chosen = [u for u in users if u.pk == evaluation.evaluator_id]
    admins = members_with_role(evaluation.partner.organisation_id, Role.PARTNER_USER, admins_only=True)
    return chosen or admins or users


def _evaluation(obj):
    from django.urls import reverse

    from ..notifications import absolute

    return {
        "evaluation": obj,
        "fund": obj.fund,
        "orders_link": absolute(reverse("partners:eval_orders")),
        "link": absolute(obj.get_structure_url()),
    }


def _fund_admins(evaluation):
    return members_with_role(evaluation.fund_id, Role.FUND_ADMIN)


def _transmitted_recipients(evaluation):
    """The fund's administrators decide; a fund without one: the national admins, told to appoint one
    (they never see the evaluations' health data)."""
    from ..notifications import national_admins

    return _fund_admins(evaluation) or national_admins()


def _transmitted(evaluation):
    from django.urls import reverse

    from ..notifications import absolute

    return {
        "fund": evaluation.fund,
        "partner": evaluation.partner,
        "fallback": not _fund_admins(evaluation),
        "link": absolute(reverse("partners:eval_fund_list")),
    }


def _slip(obj):
    from ..notifications import absolute

    return {"slip": obj, "fund": obj.fund, "link": absolute(obj.get_absolute_url())}


def register():
    common = {"space": Space.PARTNERS, "optional": False}
    register_event(
        ORDER_RECEIVED,
        _("Commande d'évaluation reçue"),
        template="partners/emails/evaluation_ordered",
        recipients=structure_users,
        context=_evaluation,
        **common,
    )
    register_event(
        TRANSMITTED,
        _("Évaluations transmises à la caisse"),
        template="partners/emails/evaluations_transmitted",
        recipients=_transmitted_recipients,
        context=_transmitted,
        **common,
    )
    register_event(
        ORDER_CANCELLED,
        _("Commande d'évaluation annulée"),
        template="partners/emails/evaluation_cancelled",
        recipients=structure_users,
        context=_evaluation,
        **common,
    )
    register_event(
        EVALUATION_RETURNED,
        _("Évaluation renvoyée par la caisse"),
        template="partners/emails/evaluation_returned",
        recipients=_returned_recipients,
        context=_evaluation,
        **common,
    )
    register_event(
        SLIP_ISSUED,
        _("Bordereau de paiement émis"),
        template="partners/emails/payment_slip_issued",
        recipients=structure_users,
        context=_slip,
        **common,
    )
