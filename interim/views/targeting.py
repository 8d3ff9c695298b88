"""Targeting (ciblage): the agency offers a mission to the qualified workers free on its dates, sees
who is interested, assigns one (their contract is made) and closes it (the others are told). The
worker sees their offers and answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import error_messages, require, run_action
from core.params import parse_ids

from .. import missions, selectors
from ..enums import OfferState, TargetingState
from ..workflows import OFFER, TARGETING
from .common import worker_page

CANDIDATES_SHOWN = 200


def targeting_new(request, pk):
    require(request, "interim.manage_contracts")
    mission = get_object_or_404(selectors.missions_for(request.membership), pk=pk)
    require(request, "interim.manage_contracts", mission)
    candidates = missions.candidates_for(mission)
    error = ""
    if request.method == "POST":
        try:
            targeting = missions.targeting_open(
                mission=mission, worker_ids=parse_ids(request.POST.getlist("workers")), actor=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Mission proposée à %(n)s intérimaire(s).") % {"n": targeting.offers.count()},
            )
            return redirect("interim:agency_targeting", targeting.pk)
    chosen = set(request.POST.getlist("workers"))
    shown = list(candidates[:CANDIDATES_SHOWN])
    context = {
        "mission": mission,
        "candidates": shown,
        "total": candidates.count() if len(shown) == CANDIDATES_SHOWN else len(shown),
        "chosen": chosen,
        "error": error,
        "open_targeting": mission.targetings.filter(state=TargetingState.OPEN).first(),
    }
    return render(request, "interim/agency/targeting_new.html", context)


def targeting_detail(request, pk):
    require(request, "interim.manage_contracts")
    targeting = get_object_or_404(selectors.targetings_for(request.membership), pk=pk)
    require(request, "interim.manage_contracts", targeting)
    offers = list(targeting.offers.select_related("worker__user", "contract").order_by("state", "worker__number"))
    context = {
        "targeting": targeting,
        "mission": targeting.mission,
        "offers": offers,
        "interested": sum(1 for offer in offers if offer.state == OfferState.INTERESTED),
        "assigned": next((offer for offer in offers if offer.state == OfferState.ASSIGNED), None),
        "can_close": TARGETING.can(targeting, request.user, "close"),
    }
    return render(request, "interim/agency/targeting.html", context)


@require_POST
def offer_assign(request, pk):
    require(request, "interim.manage_contracts")
    scope = selectors.offers_for(request.membership)
    offer = get_object_or_404(scope, pk=pk)
    require(request, "interim.manage_contracts", offer)
    try:
        offer = missions.offer_assign(offer_id=offer.pk, scope=scope, actor=request.user, request=request)
    except ValidationError as error:
        error_messages(request, error)
        return redirect("interim:agency_targeting", offer.targeting_id)
    messages.success(
        request,
        _("Mission attribuée à %(name)s : le contrat %(ref)s est prêt à envoyer. Fermez ensuite le ciblage.")
        % {"name": offer.worker.user.get_full_name(), "ref": offer.contract.reference},
    )
    return redirect("interim:agency_targeting", offer.targeting_id)


@require_POST
def targeting_close(request, pk):
    require(request, "interim.manage_contracts")
    scope = selectors.targetings_for(request.membership)
    targeting = get_object_or_404(scope, pk=pk)
    return run_action(
        request,
        lambda: missions.targeting_close(targeting_id=targeting.pk, scope=scope, actor=request.user),
        success=_("Ciblage fermé : les autres intérimaires en sont prévenus."),
        redirect_to=reverse("interim:agency_targeting", args=[targeting.pk]),
        confirm={
            "step": TARGETING.step("close"),
            "obj": targeting,
            "message": _(
                "Le ciblage sera fermé : les intérimaires ciblés ne pourront plus répondre et ceux qui n'ont pas "
                "été retenus en seront prévenus."
            ),
            "cancel_url": reverse("interim:agency_targeting", args=[targeting.pk]),
        },
    )


# --- The worker's side --------------------------------------------------------------------------


@worker_page
def offer_list(request, worker):
    offers = selectors.offers_for(request.membership).order_by("-offered_at", "-pk")[:100]
    rows = [{"offer": offer, "steps": OFFER.allowed(offer, request.user)} for offer in offers]
    open_rows = [row for row in rows if row["offer"].targeting.state == TargetingState.OPEN]
    past_rows = [row for row in rows if row["offer"].targeting.state != TargetingState.OPEN]
    return render(request, "interim/offers.html", {"open_rows": open_rows, "past_rows": past_rows})


@require_POST
@worker_page
def offer_answer(request, worker, pk, step):
    scope = selectors.offers_for(request.membership)
    offer = get_object_or_404(scope, pk=pk)
    if step not in ("interest", "decline"):
        raise Http404
    require(request, "interim.use_worker_space", offer)
    return run_action(
        request,
        lambda: missions.offer_answer(offer_id=offer.pk, scope=scope, step=step, actor=request.user),
        success=_("Votre intérêt est transmis à l'agence.") if step == "interest" else _("Réponse enregistrée."),
        redirect_to="interim:offers",
    )
