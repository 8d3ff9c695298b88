"""Writes of the agency's back office (keyword-only, atomic): inviting a worker, their sector, the
document requests, the advance batches and the bureau virtuel's content. Decisions are the declared
steps of interim/workflows.py; the worker's own writes are in interim/services.py."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Membership
from accounts.services.credentials import EVENT_RESET_LINK, password_reset_url
from core import history
from core.notifications import send_email

from . import services
from .enums import AdvanceState
from .models import Agency, NewsItem, Sector, Worker
from .workflows import ADVANCE, DOCUMENT_REQUEST

FIRST_WORKER_NUMBER = 1001


def next_worker_number(agency) -> str:
    """The agency's next worker number: one more than its highest numeric one (1001 for the first)."""
    highest = (
        Worker.objects.filter(agency=agency, number__regex=r"^[0-9]{1,9}$")
        .annotate(value=Cast("number", IntegerField()))
        .order_by("-value")
        .values_list("value", flat=True)
        .first()
    )
    return str(max((highest or 0) + 1, FIRST_WORKER_NUMBER))


@transaction.atomic
def worker_invite(*, agency: Agency, email, first_name, last_name, phone="", sector=None, actor, request=None):
    """Registers a person with the agency: their account (created if the address is new) gets a
    temp_worker membership and a worker file with the agency's next number.

    A new account has no password: the e-mail carries a one-time link to choose one (interim signs
    in by e-mail). An address already known (a worker of another agency) is not duplicated: the same
    account gets a second membership, and its other files stay out of this agency's sight. Returns
    (worker, created_account).
    """
    User = get_user_model()
    email = (email or "").strip().lower()
    if sector is not None and sector.agency_id != agency.pk:
        raise ValidationError({"sector": [_("Ce secteur n’est pas un secteur de l’agence.")]})
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # one number at a time
    user = User.objects.filter(identifier__iexact=email).first() or (
        User.objects.filter(email__iexact=email).exclude(email="").first()
    )
    created = user is None
    if created:
        user = User(identifier=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.phone = phone or ""
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Worker.objects.filter(agency=agency, user=user).exists():
        raise ValidationError({"email": [_("Cette personne est déjà inscrite à votre agence.")]})
    membership = Membership.objects.filter(user=user, organisation_id=agency.pk).first()
    if membership is not None and membership.role != Role.TEMP_WORKER:
        raise ValidationError({"email": [_("Cette adresse est celle d’un membre de l’agence, pas d’un intérimaire.")]})
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation_id=agency.pk, role=Role.TEMP_WORKER, updated_by=actor
        )
    elif not membership.is_active:
        membership.is_active = True
        membership.updated_by = actor
        membership.save(update_fields=["is_active", "updated_by", "updated_at"])
    worker = Worker.objects.create(
        membership=membership, agency=agency, user=user, number=next_worker_number(agency), sector=sector
    )
    history.record_event(worker, actor=actor, action="invite")
    link = password_reset_url(user, request) if created else None
    login_url = reverse("accounts:login")
    if request is not None:
        login_url = request.build_absolute_uri(login_url)
    transaction.on_commit(
        lambda: send_email(
            to=user.email,
            template="interim/emails/worker_invited",
            context={
                "agency": str(agency),
                "number": worker.number,
                "link": link,
                "login_url": login_url,
                "identifier": user.identifier,
            },
            user=user,
            event=EVENT_RESET_LINK if link else "interim.worker_invited",
        )
    )
    return worker, created


history.register_action("invite", "Inscription par l’agence")
history.register_action("sector", "Changement de secteur")


@transaction.atomic
def worker_sector_set(*, worker_id, scope, sector, actor) -> Worker:
    worker = scope.select_for_update(of=("self",)).get(pk=worker_id)
    if sector is not None and sector.agency_id != worker.agency_id:
        raise ValidationError({"sector": [_("Ce secteur n’est pas un secteur de l’agence.")]})
    worker.sector = sector
    worker.save(update_fields=["sector"])
    history.record_event(worker, actor=actor, action="sector")
    return worker


# --- Document requests ----------------------------------------------------------------------------


@transaction.atomic
def document_request_fulfil(*, request_id, scope, file, period: datetime.date, actor):
    """Publishes the requested document on the worker's space (they are told) and closes the request."""
    document_request = DOCUMENT_REQUEST.run("done", request_id, actor=actor, scope=scope)
    worker = document_request.worker
    number = f"{worker.number}_{document_request.kind[:3].upper()}_{document_request.pk}"
    services.document_add(
        worker=worker, kind=document_request.kind, number=number, period=period, file=file, actor=actor
    )
    return document_request


def document_request_refuse(*, request_id, scope, reason, actor):
    return DOCUMENT_REQUEST.run("refuse", request_id, actor=actor, scope=scope, reason=reason)


# --- Advances ----------------------------------------------------------------------------------------


def advance_batch_pay(*, scope, payment_date: datetime.date, actor) -> int:
    """Marks paid every accepted advance of the batch (one payment date): each one is the declared
    step "pay" (stamp, history, the worker told). Returns how many were marked. Atomic: all or none."""
    with transaction.atomic():
        ids = list(
            scope.filter(state=AdvanceState.ACCEPTED, payment_date=payment_date)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise ValidationError(_("Aucun acompte accepté à verser à cette date."))
        for pk in ids:
            ADVANCE.run("pay", pk, actor=actor, scope=scope)
    return len(ids)


# --- Bureau virtuel content --------------------------------------------------------------------------


@transaction.atomic
def agency_info_update(*, agency: Agency, form, actor) -> Agency:
    """Writes the bureau virtuel's texts and numbers (a ModelForm of the agency, already valid)."""
    agency = form.save()
    history.record_event(agency, actor=actor, action="edit")
    return agency


@transaction.atomic
def news_save(*, agency: Agency, form, actor) -> NewsItem:
    item = form.save(commit=False)
    item.agency = agency
    if item.published_at is None:
        item.published_at = timezone.now()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def news_delete(*, news_id, scope, actor):
    deleted, _count = scope.filter(pk=news_id).delete()
    return deleted


@transaction.atomic
def sector_save(*, agency: Agency, form, contacts, actor) -> Sector:
    """Saves a sector and its recruiters' contacts (an inline formset, already valid)."""
    sector = form.save(commit=False)
    sector.agency = agency
    sector.full_clean()
    sector.save()
    contacts.instance = sector
    contacts.save()
    return sector


@transaction.atomic
def sector_delete(*, sector_id, scope, actor):
    """Deletes a sector and its contacts; its workers keep their file, without a sector."""
    deleted, _count = scope.filter(pk=sector_id).delete()
    return deleted
