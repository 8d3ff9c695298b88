"""Routes of the interim space for the isolation harness (tests/isolation.py).

tests/interim/test_views.py has the per-role matrix (worker of this agency and of another, staff
of this agency and of another, client user)."""

from tests.isolation import PUBLIC, Owned, Restricted

from .factories import ChangeFactory, ContractFactory, DiplomaFactory, WorkerFactory, agency_of, worker_of

WORKER = frozenset({"temp_worker"})
STAFF = frozenset({"agency_staff"})


def own_change(membership):
    return {"pk": ChangeFactory(worker=worker_of(membership)).pk}


def own_diploma(membership):
    return {"pk": DiplomaFactory(worker=worker_of(membership)).pk}


def own_contract(membership):
    return {"pk": ContractFactory(worker=worker_of(membership)).pk}


def agency_contract(membership):
    return {"pk": ContractFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


def profile_group(membership):
    worker_of(membership)
    return {"slug": "adresse"}


def agency_change(membership):
    from .factories import WorkerFactory

    return {"pk": ChangeFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


def agency_diploma(membership):
    from .factories import WorkerFactory

    return {"pk": DiplomaFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


ROUTES = {
    # The worker's pages: their file with the agency acted for.
    "interim:profile": Restricted(WORKER),
    "interim:profile_edit": Owned("temp_worker", make=profile_group),
    "interim:change_cancel": Owned("temp_worker", make=own_change, methods=("post",)),
    "interim:ss_card": Restricted(WORKER),
    "interim:diplomas": Restricted(WORKER),
    "interim:diploma_create": Restricted(WORKER),
    "interim:diploma_file": Owned("temp_worker", make=own_diploma, methods=("get",)),
    "interim:settings": Restricted(WORKER),
    "interim:contracts": Restricted(WORKER),
    "interim:contract_detail": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_pdf": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_signed_pdf": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_sign": Owned("temp_worker", make=own_contract),
    "interim:contract_send_code": Owned("temp_worker", make=own_contract, methods=("post",)),
    "interim:verify": PUBLIC,
    "interim:agency_contracts": Restricted(STAFF),
    "interim:agency_evidence": Owned("agency_staff", make=agency_contract, methods=("get",)),
    # Agency staff.
    "interim:agency_validations": Restricted(STAFF),
    "interim:agency_change": Owned("agency_staff", make=agency_change),
    "interim:agency_diploma": Owned("agency_staff", make=agency_diploma),
    "interim:agency_diploma_file": Owned("agency_staff", make=agency_diploma, methods=("get",)),
}
