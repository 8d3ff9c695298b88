"""Factories of the agency's back office: missions with qualified workers, targetings, bulk batches."""

import datetime
import io
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from interim.enums import BatchItemState, BatchState, DocumentKind, OfferState, TargetingState
from interim.models import (
    Diploma,
    DocumentBatch,
    DocumentBatchItem,
    Targeting,
    TargetingOffer,
    WorkerQualification,
)

from .factories import DiplomaFactory, MissionFactory, WorkerFactory, pdf_bytes, staff_of


def staff_membership(agency):
    user = staff_of(agency)
    return Membership.objects.get(user=user, organisation=agency.organisation, role=Role.AGENCY_STAFF)


def qualify(worker, qualification):
    diploma = DiplomaFactory(worker=worker, state="validated")
    WorkerQualification.objects.create(worker=worker, qualification=qualification, diploma=diploma)
    return worker


def qualified_worker(mission, **fields):
    return qualify(WorkerFactory(agency=mission.agency, **fields), mission.qualification)


def future_mission(agency=None, **fields):
    today = timezone.localdate()
    kwargs = {
        "start_date": today + datetime.timedelta(days=7),
        "end_date": today + datetime.timedelta(days=11),
        "start_time": datetime.time(8, 0),
        "end_time": datetime.time(12, 0),
        "hours": "08:00-12:00",
        **fields,
    }
    if agency is not None:
        kwargs["agency"] = agency
    return MissionFactory(**kwargs)


def targeting(mission=None, *, state=TargetingState.OPEN, workers=1):
    mission = mission or future_mission()
    result = Targeting.objects.create(agency=mission.agency, mission=mission, state=state)
    for _n in range(workers):
        TargetingOffer.objects.create(targeting=result, worker=qualified_worker(mission))
    return result


def offer(state=OfferState.OFFERED, targeting_state=TargetingState.OPEN):
    found = targeting(state=targeting_state)
    item = found.offers.get()
    item.state = state
    item.save(update_fields=["state"])
    return item


def batch(agency=None, *, state=BatchState.READY, kind=DocumentKind.PAYSLIP):
    from .factories import AgencyFactory

    return DocumentBatch.objects.create(agency=agency or AgencyFactory(), kind=kind, state=state)


def batch_item(state=BatchItemState.MATCHED, *, batch_state=BatchState.READY):
    owner = batch(state=batch_state)
    worker = WorkerFactory(agency=owner.agency)
    item = DocumentBatchItem(
        batch=owner,
        position=1,
        filename=f"{worker.number}_20260131.pdf",
        state=state,
        worker=worker,
        number=f"{worker.number}_20260131",
        period=datetime.date(2026, 1, 31),
    )
    item.file.save("document.pdf", ContentFile(pdf_bytes("Bulletin")), save=False)
    item.save()
    if state in (BatchItemState.PUBLISHED,):
        from interim.models import Document

        item.document = Document.objects.create(
            worker=worker, kind=owner.kind, number=item.number, period=item.period, file=item.file.name
        )
        item.save(update_fields=["document"])
    return item


def zip_of(files):
    """A ZIP (bytes) of {name: bytes}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


__all__ = ["Diploma"]
