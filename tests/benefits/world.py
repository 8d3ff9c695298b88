"""The Prestations world the view tests share: a union, two cooperatives, an officer, their HR
managers, a family with a child, a neighbour, and one request."""

from accounts.enums import Role
from tests.accounts.factories import member

from .factories import BenefitRequestFactory, CooperativeFactory, DependantFactory, catalogue, cooperator_with_account


class World:
    def __init__(self):
        self.types = catalogue()
        self.coop = CooperativeFactory()
        self.union = self.coop.union
        self.other_coop = CooperativeFactory(union=self.union, other=True, presta=True)
        self.officer = member(Role.UNION_OFFICER, organisation=self.union)
        self.manager = member(Role.COOP_MANAGER, organisation=self.coop.organisation)
        self.foreign_manager = member(Role.COOP_MANAGER, organisation=self.other_coop.organisation)
        self.family = cooperator_with_account(self.coop, first_name="Denise", last_name="Martin")
        self.child = DependantFactory(cooperator=self.family, first_name="Lucas")
        self.neighbour = cooperator_with_account(self.coop)
        self.request = BenefitRequestFactory(cooperator=self.family, created_by=self.manager)

    def user(self, who):
        return {
            "officer": self.officer,
            "manager": self.manager,
            "foreign_manager": self.foreign_manager,
            "family": self.family.user,
            "neighbour": self.neighbour.user,
        }[who]
