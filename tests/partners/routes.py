"""Routes of the partners space for the isolation harness (tests/isolation.py).

tests/partners/test_views.py has the per-role matrix.
"""

from tests.isolation import PUBLIC, TECHNICAL, Owned, Restricted

from .factories import ContactMessageFactory, ConventionFactory, PreRegistrationFactory, partner_member, partner_of


def preregistration(membership):
    return {"pk": PreRegistrationFactory(fund=membership.organisation).pk}


def convention(membership):
    return {"pk": ConventionFactory(fund=membership.organisation).pk}


def contact_message(membership):
    return {"pk": ContactMessageFactory(fund=membership.organisation).pk}


def partner_convention(membership):
    """A convention of the membership's partner, waiting for its fund."""
    return {"pk": ConventionFactory(partner=partner_of(membership.organisation)).pk}


def partner_user(membership):
    """Another user of the membership's partner."""
    return {"pk": partner_member(partner_of(membership.organisation)).pk}


def _structure_evaluation(membership, **fields):
    """An evaluation addressed to the membership's partner (given a validated evaluation convention)."""
    from .evaluation_factories import EvaluationFactory, evaluation_convention

    convention = evaluation_convention(partner=partner_of(membership.organisation))
    return EvaluationFactory(convention=convention, **fields)


def structure_evaluation(membership):
    return {"pk": _structure_evaluation(membership).pk}


def structure_evaluation_with_report(membership):
    from django.core.files.base import ContentFile

    evaluation = _structure_evaluation(membership, state="in_progress")
    evaluation.report.save("cr.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {"pk": evaluation.pk}


def fund_evaluation(membership):
    from .evaluation_factories import EvaluationFactory, evaluation_convention

    return {"pk": EvaluationFactory(convention=evaluation_convention(fund=membership.organisation)).pk}


def structure_slip(membership):
    from partners.evaluations.models import PaymentSlip

    evaluation = _structure_evaluation(membership)
    slip = PaymentSlip.objects.create(
        number=f"BP-T-{evaluation.pk}",
        fund=evaluation.fund,
        convention=evaluation.convention,
        partner=evaluation.partner,
    )
    return {"pk": slip.pk}


def sync_conflict(membership):
    import uuid

    from partners.evaluations.models import SyncSubmission

    evaluation = _structure_evaluation(membership, state="in_progress")
    submission = SyncSubmission.objects.create(
        key=uuid.uuid4(), evaluation=evaluation, base_version=0, payload={}, outcome="conflict"
    )
    return {"pk": submission.pk}


EVALUATION_STRUCTURE = Restricted(frozenset({"partner_user"}))

ROUTES = {
    # Public site and pre-registration
    **{
        f"partners:{name}": PUBLIC
        for name in (
            "home",
            "news_list",
            "documentation",
            "contact",
            "contact_done",
            "forgotten_login",
            "register",
            "register_convention",
            "register_form",
            "register_done",
        )
    },
    # Public pages naming an article or a published document (no organisation's object).
    "partners:news_detail": TECHNICAL,
    "partners:document_download": TECHNICAL,
    # Fund administrators: their fund's queue; partners and contact messages also for national admins.
    "partners:fund_queue": Restricted(frozenset({"fund_admin"})),
    "partners:fund_preregistration": Owned("fund_admin", make=preregistration),
    "partners:fund_convention": Owned("fund_admin", make=convention),
    "partners:fund_conventions": Restricted(frozenset({"fund_admin"})),
    "partners:supervision": Restricted(frozenset({"national_admin"})),
    "partners:partner_list": Restricted(frozenset({"fund_admin", "national_admin"})),
    "partners:contact_list": Restricted(frozenset({"fund_admin", "national_admin"})),
    "partners:contact_detail": Owned("fund_admin", make=contact_message),
    # Partner administrators: Modification inscription.
    **{
        f"partners:{name}": Restricted(frozenset({"partner_user"}), admin_only=True)
        for name in ("admin_partner", "admin_users", "admin_conventions", "admin_address")
    },
    "partners:admin_user_edit": Owned("partner_user", make=partner_user),
    "partners:admin_user_delete": Owned("partner_user", make=partner_user),
    "partners:admin_convention_edit": Owned("partner_user", make=partner_convention),
    "partners:admin_convention_withdraw": Owned("partner_user", make=partner_convention, methods=("post",)),
    # National admins: reference data, contents, fund administrators (records picked with ?id=).
    "partners:national_home": Restricted(frozenset({"national_admin"})),
    "partners:fund_admin_create": Restricted(frozenset({"national_admin"})),
    **{
        f"partners:national_{slug}{suffix}": Restricted(frozenset({"national_admin"}))
        for slug in ("regimes", "caisses", "types-partenaire", "types-convention", "actualites", "documentation")
        for suffix in ("", "_edit")
    },
    # Exchanges with the funds (partners/evaluations/): the fund's pages...
    **{
        f"partners:{name}": Restricted(frozenset({"fund_admin"}))
        for name in ("eval_fund_list", "eval_order", "eval_fund_slips", "eval_fees")
    },
    "partners:eval_fund_detail": Owned("fund_admin", make=fund_evaluation),
    # ... the structure's ("Evaluations", "Historique des échanges"), open with a validated evaluation convention
    **{
        f"partners:{name}": EVALUATION_STRUCTURE
        for name in (
            "eval_orders",
            "eval_in_progress",
            "eval_transmission",
            "eval_transmitted",
            "eval_slips",
            "eval_history",
            "eval_offline",
            "eval_sync",
            "eval_service_worker",
        )
    },
    "partners:eval_sync_submit": Restricted(frozenset({"partner_user"}), method="post"),
    "partners:eval_sync_settle": Owned("partner_user", make=sync_conflict, methods=("post",)),
    "partners:eval_assign": Owned("partner_user", make=structure_evaluation, methods=("post",)),
    "partners:eval_form": Owned("partner_user", make=structure_evaluation),
    "partners:eval_report": Owned("partner_user", make=structure_evaluation_with_report, methods=("get",)),
    # ... and a slip, for its fund and its structure (tests/partners/test_evaluation_views.py: the fund's side)
    "partners:eval_slip": Owned("partner_user", make=structure_slip, methods=("get",)),
    "partners:eval_slip_pdf": Owned("partner_user", make=structure_slip, methods=("get",)),
    "partners:eval_slip_csv": Owned("partner_user", make=structure_slip, methods=("get",)),
}
