"""Scoped reads of the exchanges: a fund sees its own orders, a structure those addressed to it;
nobody else sees anything (the national admins included: the evaluations hold health data)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast

from accounts.enums import Role
from accounts.models import Membership
from core.models import Transition

from ..enums import ConventionState
from ..models import Convention
from .enums import EDITABLE_STATES, EvaluationState
from .models import Evaluation, EvaluationFee, PaymentSlip, SyncSubmission
from .perms import EVALUATION_CONVENTION_TYPES


def _role(membership, *roles):
    return membership is not None and membership.is_active and membership.role in roles


def _base():
    return Evaluation.objects.select_related("fund", "partner__organisation", "convention", "evaluator")


def fund_evaluations_for(membership):
    """Fund administrators: every evaluation their fund ordered."""
    if not _role(membership, Role.FUND_ADMIN):
        return Evaluation.objects.none()
    return _base().filter(fund_id=membership.organisation_id)


def structure_evaluations_for(membership):
    """Users of a structure: every evaluation addressed to it (while it holds a validated evaluation
    convention: the same condition as the menus)."""
    if not _role(membership, Role.PARTNER_USER):
        return Evaluation.objects.none()
    open_convention = Convention.objects.filter(
        partner_id=OuterRef("partner_id"),
        state=ConventionState.VALIDATED,
        convention_type__code__in=EVALUATION_CONVENTION_TYPES,
    )
    return _base().filter(Exists(open_convention), partner__organisation_id=membership.organisation_id)


def evaluations_for(membership):
    """Either side's evaluations (the fund's, or the structure's)."""
    if _role(membership, Role.FUND_ADMIN):
        return fund_evaluations_for(membership)
    return structure_evaluations_for(membership)


def new_orders_for(membership):
    return structure_evaluations_for(membership).filter(state=EvaluationState.ORDERED)


def in_progress_for(membership):
    return structure_evaluations_for(membership).filter(state__in=EDITABLE_STATES)


def ready_to_transmit_for(membership):
    return in_progress_for(membership).filter(ready=True).exclude(state=EvaluationState.ASSIGNED)


def transmitted_for(membership):
    return structure_evaluations_for(membership).filter(
        state__in=[
            EvaluationState.TRANSMITTED,
            EvaluationState.ACCEPTED,
            EvaluationState.RETURNED,
            EvaluationState.PAID,
        ]
    )


def evaluation_conventions_for_fund(membership):
    """The validated evaluation conventions of the fund: where it may order (structure and convention)."""
    if not _role(membership, Role.FUND_ADMIN):
        return Convention.objects.none()
    return (
        Convention.objects.filter(
            fund_id=membership.organisation_id,
            state=ConventionState.VALIDATED,
            convention_type__code__in=EVALUATION_CONVENTION_TYPES,
        )
        .select_related("partner__organisation", "convention_type")
        .order_by("partner__organisation__name", "code")
    )


def payable_conventions_for_fund(membership):
    """The fund's evaluation conventions with accepted evaluations not yet on a slip (what a slip can pay)."""
    payable = Evaluation.objects.filter(convention_id=OuterRef("pk"), state=EvaluationState.ACCEPTED, slip__isnull=True)
    return evaluation_conventions_for_fund(membership).filter(Exists(payable))


def evaluators_for(membership):
    """The active users of the structure (each may be given an evaluation)."""
    if not _role(membership, Role.PARTNER_USER):
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role=Role.PARTNER_USER, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__identifier")
    )


def fees_for(membership):
    if not _role(membership, Role.FUND_ADMIN):
        return EvaluationFee.objects.none()
    return EvaluationFee.objects.filter(fund_id=membership.organisation_id)


def payable_for(membership, convention):
    """Accepted evaluations of one convention of the fund, not yet on a slip."""
    return fund_evaluations_for(membership).filter(
        convention=convention, state=EvaluationState.ACCEPTED, slip__isnull=True
    )


def slips_for(membership):
    """The fund's slips, or the structure's."""
    queryset = PaymentSlip.objects.select_related("fund", "partner__organisation", "convention")
    if _role(membership, Role.FUND_ADMIN):
        return queryset.filter(fund_id=membership.organisation_id)
    if _role(membership, Role.PARTNER_USER):
        return queryset.filter(partner__organisation_id=membership.organisation_id)
    return PaymentSlip.objects.none()


def slip_lines(slip):
    """The evaluations a slip pays, in file-number order (iterated, for 5,000-line exports)."""
    return slip.evaluations.order_by("file_number", "pk").only(
        "pk", "file_number", "last_name", "first_name", "evaluation_type", "visit_date", "transmitted_at", "fee"
    )


def history_for(membership):
    """The structure's exchange history: every transition of its evaluations and slips, newest first."""
    if not _role(membership, Role.PARTNER_USER):
        return Transition.objects.none()
    evaluation_type = ContentType.objects.get_for_model(Evaluation)
    ids = Evaluation.objects.filter(partner__organisation_id=membership.organisation_id).values("pk")
    id_texts = ids.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    return (
        Transition.objects.filter(Q(content_type=evaluation_type) & Q(object_id__in=id_texts))
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def open_conflicts_for(membership):
    return (
        SyncSubmission.objects.filter(
            evaluation__in=structure_evaluations_for(membership).values("pk"),
            outcome="conflict",
            settled_at__isnull=True,
        )
        .select_related("evaluation", "user")
        .order_by("received_at", "pk")
    )
