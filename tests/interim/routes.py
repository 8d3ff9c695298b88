"""Routes of the interim space for the isolation harness (tests/isolation.py).

tests/interim/test_views.py has the per-role matrix (worker of this agency and of another, staff
of this agency and of another, client user)."""

import datetime

from tests.isolation import PUBLIC, TECHNICAL, Owned, Restricted

from .factories import (
    AdvanceFactory,
    ChangeFactory,
    ContractFactory,
    DiplomaFactory,
    DocumentFactory,
    TimesheetFactory,
    WorkerFactory,
    agency_of,
    client_of,
    placed_contract,
    worker_of,
)

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


def own_advance(membership):
    return {"pk": AdvanceFactory(worker=worker_of(membership)).pk}


def agency_advance(membership):
    return {"pk": AdvanceFactory(worker=WorkerFactory(agency=agency_of(membership))).pk, "step": "accept"}


def own_document(membership):
    return {"pk": DocumentFactory(worker=worker_of(membership)).pk}


def own_availability(membership):
    from interim.models import Availability

    worker = worker_of(membership)
    return {
        "pk": Availability.objects.create(
            worker=worker, kind="available", start_date="2026-01-01", end_date="2026-01-02"
        ).pk
    }


def document_kind(membership):
    worker_of(membership)
    return {"slug": "attestations"}


def profile_group(membership):
    worker_of(membership)
    return {"slug": "adresse"}


def agency_change(membership):
    from .factories import WorkerFactory

    return {"pk": ChangeFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


def agency_worker(membership):
    return {"pk": WorkerFactory(agency=agency_of(membership)).pk}


def agency_request(membership):
    from .factories import DocumentRequestFactory

    return {"pk": DocumentRequestFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


def agency_news(membership):
    from interim.models import NewsItem

    return {"pk": NewsItem.objects.create(agency=agency_of(membership), title="Actualité", body="Texte").pk}


def agency_sector(membership):
    from interim.models import Sector

    return {"pk": Sector.objects.create(agency=agency_of(membership), name="Pôle").pk}


def agency_diploma(membership):
    from .factories import WorkerFactory

    return {"pk": DiplomaFactory(worker=WorkerFactory(agency=agency_of(membership))).pk}


def agency_mission(membership):
    from .mission_factories import future_mission

    return {"pk": future_mission(agency_of(membership)).pk}


def agency_targeting(membership):
    from .mission_factories import future_mission, targeting

    return {"pk": targeting(future_mission(agency_of(membership))).pk}


def agency_offer(membership):
    from .mission_factories import future_mission, targeting

    found = targeting(future_mission(agency_of(membership)))
    return {"pk": found.offers.get().pk}


def own_offer(membership):
    from interim.models import Targeting, TargetingOffer

    from .mission_factories import future_mission, qualify

    worker = worker_of(membership)
    mission = future_mission(worker.agency)
    qualify(worker, mission.qualification)
    found = Targeting.objects.create(agency=worker.agency, mission=mission)
    return {"pk": TargetingOffer.objects.create(targeting=found, worker=worker).pk, "step": "interest"}


def agency_contract_amendment(membership):
    from interim import missions, selectors

    from .mission_factories import staff_membership

    contract = ContractFactory(worker=WorkerFactory(agency=agency_of(membership)), state="signed")
    staff = staff_membership(contract.agency)
    mission = contract.mission
    missions.contract_dates_change(
        contract_id=contract.pk,
        scope=selectors.contracts_for(staff),
        start_date=mission.start_date,
        end_date=mission.end_date + datetime.timedelta(days=1),
        actor=staff.user,
    )
    return {"pk": contract.pk, "number": 1}


def agency_batch(membership):
    from .mission_factories import batch

    return {"pk": batch(agency_of(membership)).pk}


def agency_batch_step(membership):
    return {**agency_batch(membership), "step": "cancel"}


def agency_batch_item(membership):
    from .mission_factories import batch_item

    item = batch_item()
    item.batch.agency = agency_of(membership)
    item.batch.save(update_fields=["agency"])
    return {"pk": item.pk, "step": "exclude"}


CLIENT = frozenset({"client_user"})


def client_timesheet(membership):
    return {"pk": TimesheetFactory(contract=placed_contract(client_of(membership))).pk}


def agency_timesheet(membership):
    from .factories import ClientFactory

    worker = WorkerFactory(agency=agency_of(membership))
    return {"pk": TimesheetFactory(contract=placed_contract(ClientFactory(), worker=worker)).pk, "step": "validate"}


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
    "interim:advances": Restricted(WORKER),
    "interim:advance_create": Restricted(WORKER),
    "interim:advance_edit": Owned("temp_worker", make=own_advance),
    "interim:advance_cancel": Owned("temp_worker", make=own_advance, methods=("post",)),
    "interim:planning": Restricted(WORKER),
    "interim:calendar_renew": Restricted(WORKER),
    "interim:calendar_feed": TECHNICAL,  # the secret URL is the credential: tests/interim/test_planning.py
    "interim:availabilities": Restricted(WORKER),
    "interim:availability_delete": Owned("temp_worker", make=own_availability, methods=("post",)),
    "interim:payslips": Restricted(WORKER),
    "interim:attestations": Restricted(WORKER),
    "interim:certificates": Restricted(WORKER),
    "interim:documents_zip": Owned("temp_worker", make=document_kind, methods=("get",)),
    "interim:document_request": Owned("temp_worker", make=document_kind, methods=("post",)),
    "interim:document_download": Owned("temp_worker", make=own_document, methods=("get",)),
    "interim:agency_advances": Restricted(STAFF),
    "interim:agency_advance_act": Owned("agency_staff", make=agency_advance, methods=("post",)),
    "interim:contract_detail": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_pdf": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_signed_pdf": Owned("temp_worker", make=own_contract, methods=("get",)),
    "interim:contract_sign": Owned("temp_worker", make=own_contract),
    "interim:contract_send_code": Owned("temp_worker", make=own_contract, methods=("post",)),
    "interim:verify": PUBLIC,
    "interim:agency_contracts": Restricted(STAFF),
    "interim:agency_contract": Owned("agency_staff", make=agency_contract),
    "interim:agency_contract_pdf": Owned("agency_staff", make=agency_contract, methods=("get",)),
    "interim:agency_amendment_pdf": Owned("agency_staff", make=agency_contract_amendment, methods=("get",)),
    "interim:agency_missions": Restricted(STAFF),
    "interim:agency_mission_create": Restricted(STAFF),
    "interim:agency_mission": Owned("agency_staff", make=agency_mission, methods=("get",)),
    "interim:agency_targeting_new": Owned("agency_staff", make=agency_mission),
    "interim:agency_targeting": Owned("agency_staff", make=agency_targeting, methods=("get",)),
    "interim:agency_targeting_close": Owned("agency_staff", make=agency_targeting, methods=("post",)),
    "interim:agency_offer_assign": Owned("agency_staff", make=agency_offer, methods=("post",)),
    "interim:offers": Restricted(WORKER),
    "interim:offer_answer": Owned("temp_worker", make=own_offer, methods=("post",)),
    "interim:agency_batches": Restricted(STAFF),
    "interim:agency_batch": Owned("agency_staff", make=agency_batch, methods=("get",)),
    "interim:agency_batch_progress": Owned("agency_staff", make=agency_batch, methods=("get",)),
    "interim:agency_batch_act": Owned("agency_staff", make=agency_batch_step, methods=("post",)),
    "interim:agency_batch_item_act": Owned("agency_staff", make=agency_batch_item, methods=("post",)),
    "interim:agency_contract_send": Owned("agency_staff", make=agency_contract, methods=("post",)),
    "interim:agency_contract_cancel": Owned("agency_staff", make=agency_contract, methods=("post",)),
    "interim:agency_evidence": Owned("agency_staff", make=agency_contract, methods=("get",)),
    # Client companies: Saisie des heures; the timesheets' list and detail serve the client and the agency
    # (tests/interim/test_timesheets.py checks the agency's side, and 404 across agencies).
    "interim:timesheet_entry": Restricted(CLIENT),
    "interim:timesheets": Restricted(CLIENT | STAFF),
    "interim:timesheet_detail": Owned("client_user", make=client_timesheet, methods=("get",)),
    "interim:timesheet_act": Owned("agency_staff", make=agency_timesheet, methods=("post",)),
    # Agency staff.
    "interim:agency_validations": Restricted(STAFF),
    "interim:agency_change": Owned("agency_staff", make=agency_change),
    "interim:agency_diploma": Owned("agency_staff", make=agency_diploma),
    "interim:agency_diploma_file": Owned("agency_staff", make=agency_diploma, methods=("get",)),
    "interim:agency_request": Owned("agency_staff", make=agency_request),
    "interim:agency_workers": Restricted(STAFF),
    "interim:agency_worker_invite": Restricted(STAFF),
    "interim:agency_worker": Owned("agency_staff", make=agency_worker, methods=("get",)),
    "interim:agency_worker_sector": Owned("agency_staff", make=agency_worker, methods=("post",)),
    "interim:agency_advance_batch_pay": Restricted(STAFF, method="post"),
    "interim:agency_advance_batch_xlsx": Restricted(STAFF),
    "interim:agency_advance_batch_sepa": Restricted(STAFF),
    "interim:agency_content": Restricted(STAFF),
    "interim:agency_info": Restricted(STAFF),
    "interim:agency_news_create": Restricted(STAFF),
    "interim:agency_news": Owned("agency_staff", make=agency_news),
    "interim:agency_news_delete": Owned("agency_staff", make=agency_news, methods=("post",)),
    "interim:agency_sector_create": Restricted(STAFF),
    "interim:agency_sector": Owned("agency_staff", make=agency_sector),
    "interim:agency_sector_delete": Owned("agency_staff", make=agency_sector, methods=("post",)),
}
