"""Domain core of the Prestations space: eligibility, transitions with history, logins, notifications."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership, TemporaryPassword
from benefits import selectors, services
from benefits.catalogue import BIRTH_AID, COOPERATOR_HOLIDAYS, EXCEPTIONAL_RELIEF, SPORT_CULTURE
from benefits.enums import DocumentStatus, FamilyDocumentKind, Relationship, RequestState
from benefits.models import BenefitRequest, Cooperator, RequestDocument
from core.history import TransitionNotAllowed, timeline_for
from core.models import OutboundMessage
from tests.accounts.factories import member

from .factories import (
    CHILD_HOLIDAYS,
    BenefitRequestFactory,
    CooperativeFactory,
    CooperatorFactory,
    DependantFactory,
    catalogue,
    checked_scan,
    cooperator_with_account,
    this_year,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def types():
    return catalogue()


@pytest.fixture
def coop():
    return CooperativeFactory()


@pytest.fixture
def manager(coop):
    return member(Role.COOP_MANAGER, organisation=coop.organisation)


@pytest.fixture
def officer(coop):
    return member(Role.UNION_OFFICER, organisation=coop.union)


def reasons_for(cooperator, type_, dependant=None, **kwargs):
    return services.eligibility_reasons(
        cooperator=cooperator, dependant=dependant, benefit_type=type_, year=this_year(), **kwargs
    )


# --- Eligibility ---------------------------------------------------------------------------------


class TestEligibility:
    def test_child_holidays_for_a_child_is_eligible(self, types, coop):
        child = DependantFactory(cooperator__cooperative=coop)
        assert reasons_for(child.cooperator, types[CHILD_HOLIDAYS], child) == []

    def test_by_post_only_types_cannot_be_entered(self, types, coop):
        child = DependantFactory(cooperator__cooperative=coop, birth_date=timezone.localdate())
        [reason] = reasons_for(child.cooperator, types[BIRTH_AID], child)
        assert "courrier postal" in reason

    def test_package_without_activities_refuses_sports_club(self, types):
        cooperator = CooperatorFactory(cooperative__presta=True)
        reasons = reasons_for(cooperator, types[SPORT_CULTURE])
        assert any("formule PRESTA" in r for r in reasons)

    def test_prestabat_includes_sports_club(self, types):
        cooperator = CooperatorFactory(cooperative__prestabat=True)
        assert reasons_for(cooperator, types[SPORT_CULTURE]) == []

    def test_exceptional_relief_is_by_post_and_for_scop_scic_only(self, types):
        other = CooperativeFactory(other=True)
        benefit = types[EXCEPTIONAL_RELIEF]
        assert benefit.by_post_only
        assert not benefit.is_in_package(other)
        assert benefit.is_in_package(CooperativeFactory())
        assert benefit.is_in_package(CooperativeFactory(scic=True))

    def test_beneficiary_kind(self, types, coop):
        spouse = DependantFactory(cooperator__cooperative=coop, spouse=True)
        [reason] = reasons_for(spouse.cooperator, types[CHILD_HOLIDAYS], spouse)
        assert "ne peut pas être demandée pour un conjoint" in reason

    def test_age_limits(self, types, coop):
        adult_child = DependantFactory(cooperator__cooperative=coop, birth_date=years_ago(19))
        [reason] = reasons_for(adult_child.cooperator, types[CHILD_HOLIDAYS], adult_child)
        assert "a 19 ans" in reason and "de 3 à 17 ans" in reason

    def test_cooperator_who_left_cannot_ask(self, types):
        cooperator = CooperatorFactory(left=True)
        reasons = reasons_for(cooperator, types[SPORT_CULTURE])
        assert any("a quitté la coopérative" in r for r in reasons)

    def test_exit_date_today_means_left(self, types):
        # Issue 9 (manual 000: the exit date is entered for those who have left, today's date accepted):
        # on the exit day the cooperator is no longer present, no new request for the family.
        cooperator = CooperatorFactory(exit_date=timezone.localdate())
        assert any("a quitté la coopérative" in r for r in reasons_for(cooperator, types[SPORT_CULTURE]))

    def test_cooperator_holidays_need_no_dependent_child(self, types, coop):
        cooperator = CooperatorFactory(cooperative=coop)
        assert reasons_for(cooperator, types[COOPERATOR_HOLIDAYS]) == []
        DependantFactory(cooperator=cooperator, declared_on_tax_return=False)
        assert reasons_for(cooperator, types[COOPERATOR_HOLIDAYS]) == []
        DependantFactory(cooperator=cooperator, declared_on_tax_return=True)
        [reason] = reasons_for(cooperator, types[COOPERATOR_HOLIDAYS])
        assert "sans enfant à charge" in reason

    def test_one_request_per_beneficiary_type_and_year(self, types, coop):
        child = DependantFactory(cooperator__cooperative=coop)
        first = BenefitRequestFactory(cooperator=child.cooperator, dependant=child, benefit_type=types[CHILD_HOLIDAYS])
        [reason] = reasons_for(child.cooperator, types[CHILD_HOLIDAYS], child)
        assert first.reference in reason
        # Another child of the family may.
        sibling = DependantFactory(cooperator=child.cooperator)
        assert reasons_for(child.cooperator, types[CHILD_HOLIDAYS], sibling) == []
        # A refused or withdrawn request does not count; the request itself is excluded when edited.
        assert reasons_for(child.cooperator, types[CHILD_HOLIDAYS], child, exclude_pk=first.pk) == []
        first.state = RequestState.REFUSED
        first.save()
        assert reasons_for(child.cooperator, types[CHILD_HOLIDAYS], child) == []

    def test_no_tariff_for_the_year(self, types, coop):
        cooperator = CooperatorFactory(cooperative=coop)
        reasons = services.eligibility_reasons(
            cooperator=cooperator, dependant=None, benefit_type=types[SPORT_CULTURE], year=1999
        )
        assert any("ne sont pas encore publiés" in r for r in reasons)


# --- Requests ------------------------------------------------------------------------------------


class TestRequestLifecycle:
    def test_manager_enters_a_request_processed_without_approval(self, types, coop, manager):
        cooperator = CooperatorFactory(cooperative=coop)
        request = services.request_create(
            cooperator=cooperator, benefit_type=types[SPORT_CULTURE], actor=manager, files=[checked_scan()]
        )
        assert request.state == RequestState.ENTERED
        assert not request.awaiting_approval
        assert request.documents.count() == 1
        assert [t.to_state for t in timeline_for(request)] == [RequestState.ENTERED]

    def test_request_needs_a_document(self, types, coop, manager):
        cooperator = CooperatorFactory(cooperative=coop)
        with pytest.raises(ValidationError) as error:
            services.request_create(cooperator=cooperator, benefit_type=types[SPORT_CULTURE], actor=manager, files=[])
        assert "files" in error.value.message_dict

    def test_not_eligible_raises_reasons(self, types, coop, manager):
        cooperator = CooperatorFactory(cooperative=coop, left=True)
        with pytest.raises(services.NotEligible) as error:
            services.request_create(
                cooperator=cooperator, benefit_type=types[SPORT_CULTURE], actor=manager, files=[checked_scan()]
            )
        assert "a quitté" in error.value.reasons[0]
        assert not BenefitRequest.objects.exists()

    def test_cooperator_request_waits_for_approval_and_managers_are_told(self, types, coop, manager):
        cooperator = cooperator_with_account(coop)
        request = services.request_create(
            cooperator=cooperator, benefit_type=types[SPORT_CULTURE], actor=cooperator.user, files=[checked_scan()]
        )
        assert request.awaiting_approval
        assert request.days_before_purge() == 14
        assert OutboundMessage.objects.filter(recipient=manager.email, event="benefits.request_awaiting_approval")

        scope = selectors.requests_for(Membership.objects.get(user=manager))
        with pytest.raises(ValidationError):
            services.request_take(
                request_id=request.pk,
                scope=BenefitRequest.objects.all(),
                actor=manager,
            )
        services.request_approve(request_id=request.pk, scope=scope, actor=manager)
        request.refresh_from_db()
        assert not request.awaiting_approval and request.decided_by == manager
        assert request.days_before_purge() is None
        with pytest.raises(ValidationError):
            services.request_approve(request_id=request.pk, scope=scope, actor=manager)

    def test_manager_rejects_with_reason(self, types, coop, manager):
        cooperator = cooperator_with_account(coop)
        request = BenefitRequestFactory(cooperator=cooperator, awaiting=True, created_by=cooperator.user)
        scope = selectors.requests_for(Membership.objects.get(user=manager))
        with pytest.raises(ValidationError):
            services.request_reject(request_id=request.pk, scope=scope, actor=manager, reason=" ")
        services.request_reject(request_id=request.pk, scope=scope, actor=manager, reason="Pas de facture")
        request.refresh_from_db()
        assert request.state == RequestState.REFUSED and request.decision_reason == "Pas de facture"
        assert OutboundMessage.objects.filter(recipient=cooperator.email, event="benefits.request_refused")

    def test_officer_takes_sets_amount_and_pays(self, types, coop, officer, manager):
        request = BenefitRequestFactory(cooperator__cooperative=coop, created_by=manager)
        scope = selectors.officer_queue(Membership.objects.get(user=officer))
        services.request_take(request_id=request.pk, scope=scope, actor=officer)
        request.refresh_from_db()
        assert request.state == RequestState.PROCESSING
        assert request.amount == request.amount_computed == Decimal("60.00")
        with pytest.raises(ValidationError) as error:
            services.request_set_amount(request_id=request.pk, scope=scope, actor=officer, amount=Decimal("45"))
        assert "reason" in error.value.message_dict
        services.request_set_amount(
            request_id=request.pk, scope=scope, actor=officer, amount=Decimal("45"), reason="Facture de 45 €"
        )
        paid_on = timezone.localdate()  # issue 9: not before the request was entered
        services.request_pay(request_id=request.pk, scope=scope, actor=officer, payment_date=paid_on)
        request.refresh_from_db()
        assert (request.state, request.amount, request.payment_date) == (RequestState.PAID, Decimal("45"), paid_on)
        history = list(timeline_for(request))
        assert [t.to_state for t in history] == [RequestState.PROCESSING, RequestState.PROCESSING, RequestState.PAID]
        assert "Facture de 45 €" in history[1].reason
        assert OutboundMessage.objects.filter(recipient=manager.email, event="benefits.request_paid")
        # Locked once paid: no edit, no more documents, no refusal.
        with pytest.raises(TransitionNotAllowed):
            services.request_documents_add(request_id=request.pk, scope=scope, actor=officer, files=[checked_scan()])
        with pytest.raises(TransitionNotAllowed):
            services.request_refuse(request_id=request.pk, scope=scope, actor=officer, reason="Non")

    def test_second_officer_loses_the_race(self, types, coop, officer):
        request = BenefitRequestFactory(cooperator__cooperative=coop, processing=True)
        other = member(Role.UNION_OFFICER, organisation=coop.union)
        scope = selectors.officer_queue(Membership.objects.get(user=officer))
        services.request_pay(request_id=request.pk, scope=scope, actor=officer)
        with pytest.raises(TransitionNotAllowed) as error:
            services.request_refuse(request_id=request.pk, scope=scope, actor=other, reason="Doublon")
        assert "Payée" in error.value.messages[0]

    def test_refuse_needs_reason(self, types, coop, officer):
        request = BenefitRequestFactory(cooperator__cooperative=coop)
        scope = selectors.officer_queue(Membership.objects.get(user=officer))
        with pytest.raises(ValidationError):
            services.request_refuse(request_id=request.pk, scope=scope, actor=officer, reason="")
        services.request_refuse(request_id=request.pk, scope=scope, actor=officer, reason="Hors délai")
        assert BenefitRequest.objects.get(pk=request.pk).state == RequestState.REFUSED

    def test_bulk_pay_pays_what_it_can(self, types, coop, officer):
        ready = BenefitRequestFactory.create_batch(2, cooperator__cooperative=coop, processing=True)
        entered = BenefitRequestFactory(cooperator__cooperative=coop)
        foreign = BenefitRequestFactory(processing=True)
        scope = selectors.officer_queue(Membership.objects.get(user=officer))
        result = services.requests_pay_bulk(
            request_ids=[r.pk for r in [*ready, entered, foreign]], scope=scope, actor=officer
        )
        assert sorted(r.pk for r in result.paid) == sorted(r.pk for r in ready)
        assert [pk for pk, _ in result.failed] == [entered.pk, foreign.pk]
        assert BenefitRequest.objects.get(pk=foreign.pk).state == RequestState.PROCESSING

    def test_withdraw_and_edit_only_while_grey_or_yellow(self, types, coop, manager):
        child = DependantFactory(cooperator__cooperative=coop)
        request = BenefitRequestFactory(cooperator=child.cooperator)
        scope = selectors.requests_for(Membership.objects.get(user=manager))
        services.request_update(
            request_id=request.pk,
            scope=scope,
            actor=manager,
            benefit_type=types[CHILD_HOLIDAYS],
            dependant=child,
            comment="Colonie",
            files=[checked_scan("deuxieme.pdf")],
        )
        request.refresh_from_db()
        assert request.benefit_type.code == CHILD_HOLIDAYS and request.dependant == child
        assert RequestDocument.objects.filter(request=request, original_name="deuxieme.pdf").exists()
        services.request_withdraw(request_id=request.pk, scope=scope, actor=manager)
        with pytest.raises(TransitionNotAllowed):
            services.request_withdraw(request_id=request.pk, scope=scope, actor=manager)

    def test_edits_and_added_documents_are_in_the_history(self, types, coop, manager):
        child = DependantFactory(cooperator__cooperative=coop, first_name="Lou")
        request = BenefitRequestFactory(cooperator=child.cooperator)
        scope = selectors.requests_for(Membership.objects.get(user=manager))
        services.request_update(
            request_id=request.pk,
            scope=scope,
            actor=manager,
            benefit_type=types[CHILD_HOLIDAYS],
            dependant=child,
            comment="Colonie",
            files=[checked_scan("deuxieme.pdf")],
        )
        services.request_documents_add(
            request_id=request.pk, scope=scope, actor=manager, files=[checked_scan("a.pdf"), checked_scan("b.pdf")]
        )
        edit, added = list(timeline_for(request))[-2:]
        assert edit.actor == manager
        assert edit.from_state == edit.to_state == RequestState.ENTERED
        assert "prestation « " in edit.reason and types[CHILD_HOLIDAYS].name in edit.reason
        assert "bénéficiaire « " in edit.reason and "Lou" in edit.reason
        assert "commentaire modifié" in edit.reason and "1 pièce ajoutée" in edit.reason
        assert added.reason == "2 pièces ajoutées"

    def test_an_edit_that_changes_nothing_writes_no_history(self, types, coop, manager):
        request = BenefitRequestFactory(cooperator__cooperative=coop)
        scope = selectors.requests_for(Membership.objects.get(user=manager))
        before = timeline_for(request).count()
        services.request_update(
            request_id=request.pk,
            scope=scope,
            actor=manager,
            benefit_type=request.benefit_type,
            dependant=None,
            comment=request.comment,
        )
        assert timeline_for(request).count() == before

    def test_foreign_scope_cannot_reach_a_request(self, types, coop):
        request = BenefitRequestFactory(cooperator__cooperative=coop)
        stranger = member(Role.COOP_MANAGER, organisation=CooperativeFactory().organisation)
        scope = selectors.requests_for(Membership.objects.get(user=stranger))
        with pytest.raises(BenefitRequest.DoesNotExist):
            services.request_withdraw(request_id=request.pk, scope=scope, actor=stranger)


# --- Cooperators, logins, families ---------------------------------------------------------------


class TestCooperators:
    def test_family_numbers_follow_each_other(self, coop, manager):
        first = services.cooperator_create(
            cooperative=coop,
            actor=manager,
            first_name="Denise",
            last_name="Martin",
            email="d@exemple.test",
            entry_date=datetime.date(2024, 1, 1),
            weekly_hours=Decimal("35"),
        )
        second = services.cooperator_create(
            cooperative=coop,
            actor=manager,
            first_name="Émile",
            last_name="Ölm",
            email="e@exemple.test",
            entry_date=datetime.date(2024, 1, 1),
            weekly_hours=Decimal("20"),
        )
        assert int(second.family_number[1:]) == int(first.family_number[1:]) + 1
        assert second.initials == "OE"

    def test_exit_before_entry_is_refused(self, coop, manager):
        cooperator = CooperatorFactory(cooperative=coop)
        with pytest.raises(ValidationError) as error:
            services.cooperator_update(cooperator=cooperator, actor=manager, exit_date=datetime.date(2019, 1, 1))
        assert "exit_date" in error.value.message_dict

    def test_login_is_family_number_and_initials(self, coop, manager):
        cooperator = CooperatorFactory(
            cooperative=coop, first_name="Denise", last_name="Martin", family_number="F004217"
        )
        account = services.cooperator_login_create(cooperator=cooperator, actor=manager)
        assert account.user.identifier == "F004217MD"
        assert account.password is None  # e-mailed
        assert OutboundMessage.objects.filter(recipient=cooperator.email, event="accounts.temporary_password")
        assert Membership.objects.get(user=account.user).role == Role.COOPERATOR
        assert Cooperator.objects.get(pk=cooperator.pk).user == account.user
        assert TemporaryPassword.objects.filter(user=account.user).count() == 1
        with pytest.raises(ValidationError):
            services.cooperator_login_create(cooperator=cooperator, actor=manager)

    def test_family_document_iban_is_checked(self, coop, manager):
        cooperator = CooperatorFactory(cooperative=coop)
        with pytest.raises(ValidationError) as error:
            services.family_document_add(
                cooperator=cooperator,
                kind=FamilyDocumentKind.BANK_DETAILS,
                file=checked_scan("rib.pdf"),
                actor=manager,
                iban="FR76 3000 6000 0112 3456 7890 188",
            )
        assert "clé de contrôle" in error.value.message_dict["iban"][0]
        document = services.family_document_add(
            cooperator=cooperator,
            kind=FamilyDocumentKind.BANK_DETAILS,
            file=checked_scan("rib.pdf"),
            actor=manager,
            iban="FR76 3000 6000 0112 3456 7890 189",
        )
        # Issue 9: the IBAN waits on the document until the Union validates it (test_bank_details.py).
        assert document.iban == "FR7630006000011234567890189"
        assert Cooperator.objects.get(pk=cooperator.pk).iban == ""
        assert document.status == DocumentStatus.PENDING

    def test_officer_validates_family_documents(self, coop, manager, officer):
        cooperator = CooperatorFactory(cooperative=coop)
        document = services.family_document_add(
            cooperator=cooperator, kind=FamilyDocumentKind.FAMILY_BOOK, file=checked_scan(), actor=manager
        )
        scope = selectors.family_documents_for(Membership.objects.get(user=officer))
        with pytest.raises(ValidationError):
            services.family_document_review(document_id=document.pk, scope=scope, actor=officer, validated=False)
        services.family_document_review(document_id=document.pk, scope=scope, actor=officer, validated=True)
        document.refresh_from_db()
        assert document.status == DocumentStatus.VALIDATED and document.decided_by == officer

    def test_dependant_birth_date_in_future_is_refused(self, coop):
        cooperator = CooperatorFactory(cooperative=coop)
        with pytest.raises(ValidationError) as error:
            services.dependant_create(
                cooperator=cooperator,
                actor=None,
                relationship=Relationship.CHILD,
                first_name="Léo",
                last_name="Martin",
                birth_date=timezone.localdate() + datetime.timedelta(days=3),
            )
        assert "birth_date" in error.value.message_dict


# --- Scoping -------------------------------------------------------------------------------------


class TestSelectors:
    def test_each_role_sees_its_own(self, coop, manager, officer):
        mine = cooperator_with_account(coop)
        other_of_coop = CooperatorFactory(cooperative=coop)
        foreign = CooperatorFactory()
        r_mine = BenefitRequestFactory(cooperator=mine)
        r_other = BenefitRequestFactory(cooperator=other_of_coop)
        BenefitRequestFactory(cooperator=foreign)

        def visible(user):
            return set(selectors.requests_for(Membership.objects.get(user=user)))

        assert visible(manager) == {r_mine, r_other}
        assert visible(officer) == {r_mine, r_other}
        assert visible(mine.user) == {r_mine}
        assert set(selectors.cooperators_for(Membership.objects.get(user=mine.user))) == {mine}
        assert set(selectors.cooperators_for(Membership.objects.get(user=officer))) == {mine, other_of_coop}

    def test_contributions_only_for_scop_and_scic(self):
        other = CooperativeFactory(other=True)
        manager = member(Role.COOP_MANAGER, organisation=other.organisation)
        assert not selectors.contributions_for(Membership.objects.get(user=manager)).exists()
        assert not manager.has_perm("benefits.view_contributions", other)
        scop = CooperativeFactory()
        scop_manager = member(Role.COOP_MANAGER, organisation=scop.organisation)
        assert scop_manager.has_perm("benefits.view_contributions", scop)
        assert scop_manager.has_perm("benefits.view_contributions")
        assert not manager.has_perm("benefits.view_contributions")

    def test_statistics_totals(self, types, coop, manager):
        a = CooperatorFactory(cooperative=coop)
        BenefitRequestFactory(cooperator=a, paid=True, amount=Decimal("60"))
        BenefitRequestFactory(cooperator=a, paid=True, amount=Decimal("40"), benefit_type=types[CHILD_HOLIDAYS])
        BenefitRequestFactory(cooperator=a, processing=True)
        stats = selectors.statistics(Membership.objects.get(user=manager), year=this_year())
        assert stats["total"] == Decimal("100") and stats["count"] == 2
        assert len(stats["by_type"]) == 2 and stats["by_cooperator"][0]["total"] == Decimal("100")


class TestPerms:
    def test_dependants_never_by_the_manager(self, coop, manager, officer):
        cooperator = cooperator_with_account(coop)
        assert not manager.has_perm("benefits.manage_dependants", cooperator)
        assert manager.has_perm("benefits.view_family", cooperator)
        assert officer.has_perm("benefits.manage_dependants", cooperator)
        assert cooperator.user.has_perm("benefits.manage_dependants", cooperator)
        other = cooperator_with_account(coop)
        assert not other.user.has_perm("benefits.manage_dependants", cooperator)
        assert not other.user.has_perm("benefits.view_family", cooperator)

    def test_change_request_only_while_editable(self, coop, manager):
        request = BenefitRequestFactory(cooperator__cooperative=coop)
        assert manager.has_perm("benefits.change_request", request)
        request.state = RequestState.PAID
        assert not manager.has_perm("benefits.change_request", request)

    def test_foreign_officer_has_no_rights(self, coop):
        stranger = member(Role.UNION_OFFICER)
        request = BenefitRequestFactory(cooperator__cooperative=coop)
        assert not stranger.has_perm("benefits.process_requests", request)
        assert not stranger.has_perm("benefits.view_request", request)
