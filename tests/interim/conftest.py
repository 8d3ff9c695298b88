import pytest
from django.test import Client

from accounts.enums import Role
from tests.accounts.factories import member
from tests.utils.clients import sign_in

from .factories import AgencyFactory, ClientFactory, WorkerFactory, staff_of, worker_in


class World:
    """Two agencies; a worker registered with both (the demo's case), a worker of the other agency,
    staff of each agency, and a client user."""

    def __init__(self):
        self.agency = AgencyFactory()
        self.other_agency = AgencyFactory()
        self.worker = WorkerFactory(agency=self.agency, user__first_name="Inès", user__last_name="Terim")
        self.worker_elsewhere = worker_in(self.other_agency, user=self.worker.user)  # same person, other agency
        self.foreign_worker = WorkerFactory(agency=self.other_agency)
        self.staff = staff_of(self.agency)
        self.foreign_staff = staff_of(self.other_agency)
        self.client_company = ClientFactory()
        self.client_user = member(Role.CLIENT_USER, organisation=self.client_company.organisation)

    def user(self, who):
        return {
            "worker": self.worker.user,
            "foreign_worker": self.foreign_worker.user,
            "staff": self.staff,
            "foreign_staff": self.foreign_staff,
            "client": self.client_user,
        }[who]

    def client_for(self, who, *, acting=None):
        """A signed-in client; `acting` picks the membership in the organisation switcher's session."""
        client = sign_in(Client(), self.user(who))
        membership = acting or {"worker": self.worker.membership}.get(who)
        if membership is not None:
            session = client.session
            session["guichet_membership_id"] = membership.pk
            session.save()
        return client


@pytest.fixture
def world(db):
    return World()
