"""E-mail events of the partners space, declared once (core.notifications): templates, recipients, context.

Every queue item reaches someone: what waits for a fund goes to the fund's administrators, or, for a
fund without one (most funds of the reference data), to the national admins, who may decide it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role, Space
from accounts.selectors import members_with_role
from core.notifications import register_event

PREREGISTRATION_RECEIVED = "partners.preregistration_received"
PREREGISTRATION_RECEIPT = "partners.preregistration_receipt"
PREREGISTRATION_VALIDATED = "partners.preregistration_validated"
PREREGISTRATION_INVALIDATED = "partners.preregistration_invalidated"
CONVENTION_RECEIVED = "partners.convention_received"
CONVENTION_VALIDATED = "partners.convention_validated"
CONVENTION_INVALIDATED = "partners.convention_invalidated"
CONVENTION_WITHDRAWN = "partners.convention_withdrawn"
CONTACT_RECEIVED = "partners.contact_received"


def absolute(path):
    """An address for an e-mail: PORTAL_BASE_URL + path (services pass request-built ones when they can)."""
    return f"{getattr(settings, 'PORTAL_BASE_URL', '').rstrip('/')}{path}"


def national_admins():
    return members_with_role(None, Role.NATIONAL_ADMIN)


def fund_recipients(fund):
    """Who answers for what waits at `fund`: its administrators, else the national admins."""
    return members_with_role(fund, Role.FUND_ADMIN) or national_admins()


def _partner_admins(convention):
    return members_with_role(convention.partner.organisation_id, Role.PARTNER_USER, admins_only=True)


def _preregistration(obj):
    from .selectors import fund_has_admin, same_siret

    return {
        "preregistration": obj,
        "fund": obj.fund,
        "link": absolute(obj.get_absolute_url()),
        "login_link": absolute(reverse("accounts:login")),
        "duplicates": same_siret(obj),
        "orphan": not fund_has_admin(obj.fund_id),
    }


def _convention(obj):
    from .selectors import fund_has_admin

    return {
        "convention": obj,
        "partner": obj.partner,
        "fund": obj.fund,
        "link": absolute(obj.get_fund_url()),
        "partner_link": absolute(reverse("partners:admin_conventions")),
        "orphan": not fund_has_admin(obj.fund_id),
    }


def _contact(obj):
    return {"message": obj, "link": absolute(obj.get_absolute_url())}


def register():
    # Work messages of the space: always sent (a fund must hear of its queue, a partner of its conventions).
    common = {"space": Space.PARTNERS, "optional": False}
    register_event(
        PREREGISTRATION_RECEIVED,
        _("Préinscription reçue"),
        template="partners/emails/preregistration_received",
        recipients=lambda p: fund_recipients(p.fund),
        context=_preregistration,
        **common,
    )
    register_event(
        PREREGISTRATION_RECEIPT,
        _("Accusé de réception de préinscription"),
        template="partners/emails/preregistration_receipt",
        recipients=lambda p: [p.admin_email],
        context=_preregistration,
        **common,
    )
    register_event(
        PREREGISTRATION_VALIDATED,
        _("Préinscription validée"),
        template="partners/emails/preregistration_validated",
        recipients=lambda p: [p.admin_email],
        context=_preregistration,
        **common,
    )
    register_event(
        PREREGISTRATION_INVALIDATED,
        _("Préinscription invalidée"),
        template="partners/emails/preregistration_invalidated",
        recipients=lambda p: [p.admin_email],
        context=_preregistration,
        **common,
    )
    register_event(
        CONVENTION_RECEIVED,
        _("Nouvelle convention à valider"),
        template="partners/emails/convention_received",
        recipients=lambda c: fund_recipients(c.fund),
        context=_convention,
        **common,
    )
    register_event(
        CONVENTION_VALIDATED,
        _("Convention validée"),
        template="partners/emails/convention_validated",
        recipients=_partner_admins,
        context=_convention,
        **common,
    )
    register_event(
        CONVENTION_INVALIDATED,
        _("Convention invalidée"),
        template="partners/emails/convention_invalidated",
        recipients=_partner_admins,
        context=_convention,
        **common,
    )
    register_event(
        CONVENTION_WITHDRAWN,
        _("Convention retirée par le partenaire"),
        template="partners/emails/convention_withdrawn",
        recipients=lambda c: fund_recipients(c.fund),
        context=_convention,
        **common,
    )
    register_event(
        CONTACT_RECEIVED,
        _("Message de contact reçu"),
        template="partners/emails/contact_message",
        recipients=lambda m: fund_recipients(m.fund) if m.fund_id else national_admins(),
        context=_contact,
        **common,
    )
