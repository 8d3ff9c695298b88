"""The exchanges' services: orders, assignment, drafts and their checks, transmission, the fund's
decisions, payment slips, offline submissions (idempotent, conflicts kept)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import Role
from core.history import TransitionNotAllowed
from core.models import OutboundMessage, Transition
from partners.enums import ConventionState
from partners.evaluations import selectors, services
from partners.evaluations.enums import EvaluationState, SyncOutcome
from partners.evaluations.models import Evaluation, SyncSubmission
from tests.accounts.factories import MembershipFactory

from .evaluation_factories import GIR_4_GRID, EvaluationFactory, exchange_pair, fee, structure_member
from .factories import ConventionFactory, ConventionTypeFactory, fund_admin

pytestmark = pytest.mark.django_db


def order_data(**overrides):
    return {
        "evaluation_type": "initial",
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": datetime.date(1941, 5, 2),
        "address": "1 rue Haute",
        "postcode": "62000",
        "town": "Arras",
        "phone": "",
        "pension_number": "",
        "reason": "Sortie d'hôpital",
        "deadline": timezone.localdate() + datetime.timedelta(days=10),
        **overrides,
    }


def test_an_order_reaches_the_structure_with_a_file_number_and_history():
    admin, member, convention = exchange_pair()
    evaluation = services.evaluation_order(membership=admin, convention=convention, data=order_data(), actor=admin.user)
    assert evaluation.state == EvaluationState.ORDERED
    assert evaluation.file_number.startswith("EV") and evaluation.partner_id == convention.partner_id
    assert Transition.objects.filter(object_id=str(evaluation.pk), action="ordered").exists()
    message = OutboundMessage.objects.get(event="partners.evaluation_ordered")
    assert message.user == member.user
    assert "Durand" not in message.body  # no personal or health data in e-mails


def test_an_order_needs_a_validated_evaluation_convention_of_the_fund():
    admin, _member, convention = exchange_pair()
    foreign = ConventionFactory(validated=True, convention_type=convention.convention_type)
    awaiting = ConventionFactory(fund=admin.organisation, convention_type=convention.convention_type)
    home_help = ConventionFactory(
        fund=admin.organisation,
        state=ConventionState.VALIDATED,
        convention_type=ConventionTypeFactory(code="aide_domicile"),
    )
    for wrong in (foreign, awaiting, home_help):
        with pytest.raises(ValidationError) as error:
            services.evaluation_order(membership=admin, convention=wrong, data=order_data(), actor=admin.user)
        assert "convention" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.evaluation_order(
            membership=admin,
            convention=convention,
            data=order_data(deadline=timezone.localdate() - datetime.timedelta(days=1)),
            actor=admin.user,
        )
    assert "deadline" in error.value.message_dict
    assert not Evaluation.objects.exists()


def test_assignment_is_to_a_user_of_the_structure():
    _admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention)
    scope = selectors.structure_evaluations_for(member)
    stranger = structure_member(ConventionFactory().partner)
    with pytest.raises(ValidationError):
        services.evaluation_accept_assign(
            evaluation_id=evaluation.pk, actor=member.user, scope=scope, evaluator=stranger.user
        )
    colleague = structure_member(convention.partner)
    evaluation = services.evaluation_accept_assign(
        evaluation_id=evaluation.pk, actor=member.user, scope=scope, evaluator=colleague.user
    )
    assert evaluation.state == EvaluationState.ASSIGNED and evaluation.evaluator == colleague.user


def _assigned(member, convention, **fields):
    return EvaluationFactory(convention=convention, state=EvaluationState.ASSIGNED, evaluator=member.user, **fields)


def content(**overrides):
    return {
        "visit_date": timezone.localdate(),
        "living_conditions": "Maison",
        "help_in_place": "Aucune",
        "family_support": "",
        "aggir": dict(GIR_4_GRID),
        "aggir_illustrative": {},
        "needs": "Ménage",
        "plan": [{"aid": "home_help", "hours": "12"}],
        "plan_comment": "",
        **overrides,
    }


def test_a_draft_starts_the_evaluation_and_computes_the_gir():
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    scope = selectors.structure_evaluations_for(member)
    saved, missing = services.evaluation_save(
        evaluation_id=evaluation.pk, actor=member.user, scope=scope, data=content(needs="")
    )
    assert saved.state == EvaluationState.IN_PROGRESS and saved.gir == 4 and saved.version == 2
    assert missing == {} and not saved.ready


def test_finishing_an_incomplete_evaluation_keeps_the_draft_and_says_what_is_missing():
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    scope = selectors.structure_evaluations_for(member)
    grid = dict(GIR_4_GRID)
    del grid["coherence"]
    saved, missing = services.evaluation_save(
        evaluation_id=evaluation.pk, actor=member.user, scope=scope, data=content(aggir=grid, plan=[]), finish=True
    )
    assert set(missing) == {"aggir", "plan"}
    assert "Cohérence" in missing["aggir"]
    saved.refresh_from_db()
    assert saved.needs == "Ménage" and saved.gir is None and not saved.ready  # the draft survived


@pytest.mark.parametrize(
    ("visit", "message"),
    [(datetime.timedelta(days=1), "futur"), (datetime.timedelta(days=-30), "précéder la commande")],
)
def test_visit_date_is_neither_in_the_future_nor_before_the_order(visit, message):
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            evaluation_id=evaluation.pk,
            actor=member.user,
            scope=selectors.structure_evaluations_for(member),
            data=content(visit_date=timezone.localdate() + visit),
        )
    assert message in error.value.message_dict["visit_date"][0]


def test_a_stale_version_is_refused():
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            evaluation_id=evaluation.pk,
            actor=member.user,
            scope=selectors.structure_evaluations_for(member),
            data=content(),
            base_version=evaluation.version - 1 if evaluation.version > 1 else 99,
        )
    assert error.value.code == "stale"


def test_transmit_send_back_correct_and_transmit_again():
    admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, filled=True)
    scope = selectors.structure_evaluations_for(member)
    [transmitted] = services.evaluations_transmit(evaluation_ids=[evaluation.pk], actor=member.user, scope=scope)
    assert transmitted.state == EvaluationState.TRANSMITTED and transmitted.transmitted_at
    with pytest.raises(TransitionNotAllowed):  # read-only once transmitted
        services.evaluation_save(evaluation_id=evaluation.pk, actor=member.user, scope=scope, data=content())
    fund_scope = selectors.fund_evaluations_for(admin)
    returned = services.evaluation_send_back(
        evaluation_id=evaluation.pk, actor=admin.user, scope=fund_scope, reason="Revoir la toilette."
    )
    assert returned.state == EvaluationState.RETURNED and returned.decision_reason == "Revoir la toilette."
    assert OutboundMessage.objects.filter(event="partners.evaluation_returned").exists()
    with pytest.raises(ValidationError):  # sent back: no longer "finished"
        services.evaluations_transmit(evaluation_ids=[evaluation.pk], actor=member.user, scope=scope)
    services.evaluation_save(evaluation_id=evaluation.pk, actor=member.user, scope=scope, data=content(), finish=True)
    services.evaluations_transmit(evaluation_ids=[evaluation.pk], actor=member.user, scope=scope)
    accepted = services.evaluation_accept(evaluation_id=evaluation.pk, actor=admin.user, scope=fund_scope)
    assert accepted.state == EvaluationState.ACCEPTED


def test_transmission_refuses_an_unfinished_evaluation_and_transmits_nothing():
    _admin, member, convention = exchange_pair()
    done = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, filled=True)
    draft = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.evaluations_transmit(
            evaluation_ids=[done.pk, draft.pk], actor=member.user, scope=selectors.structure_evaluations_for(member)
        )
    done.refresh_from_db()
    assert done.state == EvaluationState.IN_PROGRESS


def test_a_slip_pays_the_accepted_evaluations_of_a_convention_at_the_funds_fees():
    admin, member, convention = exchange_pair()
    fee(admin.organisation, "initial", "180.00")
    fee(admin.organisation, "renewal", "120.50")
    first = EvaluationFactory(convention=convention, state=EvaluationState.ACCEPTED, filled=True)
    second = EvaluationFactory(
        convention=convention, state=EvaluationState.ACCEPTED, filled=True, evaluation_type="renewal"
    )
    EvaluationFactory(convention=convention, state=EvaluationState.TRANSMITTED, filled=True)
    scope = selectors.fund_evaluations_for(admin)
    slip = services.slip_issue(membership=admin, convention=convention, actor=admin.user, scope=scope)
    assert slip.line_count == 2 and slip.total == Decimal("300.50")
    for evaluation in (first, second):
        evaluation.refresh_from_db()
        assert evaluation.state == EvaluationState.PAID and evaluation.slip == slip and evaluation.paid_at
        assert Transition.objects.filter(object_id=str(evaluation.pk), action="pay").count() == 1
    assert OutboundMessage.objects.filter(event="partners.payment_slip_issued").exists()
    with pytest.raises(ValidationError):  # nothing left to pay
        services.slip_issue(membership=admin, convention=convention, actor=admin.user, scope=scope)


def test_a_slip_needs_a_fee_for_every_type():
    admin, _member, convention = exchange_pair()
    EvaluationFactory(convention=convention, state=EvaluationState.ACCEPTED, evaluation_type="urgent")
    with pytest.raises(ValidationError, match="forfait"):
        services.slip_issue(
            membership=admin, convention=convention, actor=admin.user, scope=selectors.fund_evaluations_for(admin)
        )


def test_scopes_never_cross_tenants():
    admin, member, convention = exchange_pair()
    evaluation = EvaluationFactory(convention=convention)
    other_admin = fund_admin()
    other_member = structure_member(ConventionFactory().partner)
    assert evaluation in selectors.fund_evaluations_for(admin)
    assert evaluation in selectors.structure_evaluations_for(member)
    assert not selectors.fund_evaluations_for(other_admin).exists()
    assert not selectors.structure_evaluations_for(other_member).exists()
    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    assert not selectors.evaluations_for(national).exists()  # health data: not even the national admins


def test_a_structure_loses_its_evaluations_when_its_convention_ends():
    _admin, member, convention = exchange_pair()
    EvaluationFactory(convention=convention)
    Evaluation.objects.update()  # noop
    convention.state = ConventionState.WITHDRAWN
    convention.save()
    assert not selectors.structure_evaluations_for(member).exists()


def _sync(member, evaluation, *, key=None, base=None, data=None):
    return services.sync_submit(
        key=key or uuid.uuid4(),
        evaluation_id=evaluation.pk,
        base_version=evaluation.version if base is None else base,
        data=content() if data is None else data,
        payload={"needs": "Depuis l'appareil"},
        actor=member.user,
        scope=selectors.structure_evaluations_for(member),
    )


def test_a_synchronised_draft_is_applied_once_per_key():
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    key = uuid.uuid4()
    first = _sync(member, evaluation, key=key)
    again = _sync(member, evaluation, key=key)
    assert first.outcome == SyncOutcome.APPLIED and again.pk == first.pk
    evaluation.refresh_from_db()
    assert evaluation.version == 2 and evaluation.state == EvaluationState.IN_PROGRESS


def test_a_draft_based_on_an_old_version_waits_as_a_conflict_and_both_sides_are_kept():
    _admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    scope = selectors.structure_evaluations_for(member)
    services.evaluation_save(evaluation_id=evaluation.pk, actor=member.user, scope=scope, data=content(needs="Serveur"))
    submission = _sync(member, evaluation, base=1, data=content(needs="Appareil"))
    assert submission.outcome == SyncOutcome.CONFLICT
    evaluation.refresh_from_db()
    assert evaluation.needs == "Serveur"
    settled = services.conflict_settle(
        submission_id=submission.pk,
        choice="device",
        data=content(needs="Appareil"),
        actor=member.user,
        scope=scope,
        submissions=SyncSubmission.objects.all(),
    )
    evaluation.refresh_from_db()
    assert settled.settlement == "device" and evaluation.needs == "Appareil"


def test_a_draft_for_a_cancelled_order_is_a_conflict():
    admin, member, convention = exchange_pair()
    evaluation = _assigned(member, convention)
    services.evaluation_cancel(
        evaluation_id=evaluation.pk, actor=admin.user, scope=selectors.fund_evaluations_for(admin), reason="Décès"
    )
    submission = _sync(member, evaluation)
    assert submission.outcome == SyncOutcome.CONFLICT and "Annulée" in submission.detail


def test_one_message_tells_the_fund_what_a_transmission_holds_without_health_data():
    admin, member, convention = exchange_pair()
    first, second = (
        EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, filled=True) for _n in range(2)
    )
    scope = selectors.structure_evaluations_for(member)
    services.evaluations_transmit(evaluation_ids=[first.pk, second.pk], actor=member.user, scope=scope)
    message = OutboundMessage.objects.get(event="partners.evaluations_transmitted")
    assert message.recipient == admin.user.email and "2 évaluations transmises" in message.subject
    assert first.file_number in message.body and second.file_number in message.body
    for health_data in (first.last_name, first.needs, "GIR"):
        assert health_data not in message.body


def test_a_fund_without_administrator_has_the_national_admins_appoint_one():
    admin, member, convention = exchange_pair()
    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    admin.is_active = False
    admin.save()
    evaluation = EvaluationFactory(convention=convention, state=EvaluationState.IN_PROGRESS, filled=True)
    scope = selectors.structure_evaluations_for(member)
    services.evaluations_transmit(evaluation_ids=[evaluation.pk], actor=member.user, scope=scope)
    message = OutboundMessage.objects.get(event="partners.evaluations_transmitted")
    assert message.recipient == national.user.email
    assert "sans administrateur" in message.subject and "Désignez un administrateur" in message.body
    assert evaluation.last_name not in message.body
